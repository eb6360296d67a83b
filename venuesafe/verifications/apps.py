from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationsConfig(AppConfig):
    name = "venuesafe.verifications"
    label = "verifications"
    verbose_name = _("Instant response: new and changed venues")
