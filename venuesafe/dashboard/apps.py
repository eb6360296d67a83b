from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "venuesafe.dashboard"
    label = "dashboard"
    verbose_name = _("Big screen")

    def ready(self) -> None:
        from venuesafe.dashboard import tallies

        tallies.connect()
