from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "venuesafe.core"
    label = "core"
