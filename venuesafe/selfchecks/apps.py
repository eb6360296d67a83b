from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfChecksConfig(AppConfig):
    name = "venuesafe.selfchecks"
    label = "selfchecks"
    verbose_name = _("Merchant self-checks")
