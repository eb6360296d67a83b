from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "venuesafe.risk"
    label = "risk"
    verbose_name = _("Risk levels, candidate major hazards and patrol plans")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from venuesafe.hazards.models import HazardEvent
        from venuesafe.inspections.models import Inspection
        from venuesafe.selfchecks.models import SelfCheck

        from . import signals

        post_save.connect(signals.on_hazard_event, sender=HazardEvent, dispatch_uid="risk_hazard_event")
        post_save.connect(signals.on_venue_record, sender=Inspection, dispatch_uid="risk_inspection")
        post_save.connect(signals.on_venue_record, sender=SelfCheck, dispatch_uid="risk_self_check")
