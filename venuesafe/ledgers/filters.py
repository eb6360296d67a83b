"""The filters of a ledger: what the page and the API validate (serializers.ExportRequestSerializer),
what an Export keeps as JSON, and what the build turns back into objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venuesafe.hazards.models import HazardState
from venuesafe.org.models import OrgUnit
from venuesafe.venues.models import BusinessStatus, VenueCategory

from .models import LedgerKind

# Hazard ledger: any state, plus `open` (not closed nor withdrawn) and `overdue` (open, deadline passed).
HAZARD_STATE_CHOICES = [
    ("open", pgettext_lazy("work order", "Open (not closed)")),
    ("overdue", _("Overdue")),
    *HazardState.choices,
]
VENUE_STATE_CHOICES = list(BusinessStatus.choices)
STATE_CHOICES = {
    LedgerKind.HAZARDS: HAZARD_STATE_CHOICES,
    LedgerKind.VENUES: VENUE_STATE_CHOICES,
}

# The date each ledger's period applies to.
PERIOD_FIELD = {
    LedgerKind.VENUES: "created_at",
    LedgerKind.HAZARDS: "found_at",
    LedgerKind.INSPECTIONS: "ended_at",
    LedgerKind.SELF_CHECKS: "day",
}


@dataclass(frozen=True)
class LedgerFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    org_unit: OrgUnit | None = None
    category: VenueCategory | None = None
    state: str = ""

    def to_json(self) -> dict:
        return {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "org_unit": self.org_unit.pk if self.org_unit else None,
            "category": self.category.pk if self.category else None,
            "state": self.state,
        }

    @classmethod
    def from_json(cls, data: dict) -> LedgerFilters:
        data = data or {}
        unit_id, category_id = data.get("org_unit"), data.get("category")
        return cls(
            date_from=dt.date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
            date_to=dt.date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
            # Scope is applied again to every row when the file is built; these only narrow it.
            org_unit=OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None,
            category=VenueCategory.objects.filter(pk=category_id).first() if category_id else None,
            state=data.get("state") or "",
        )

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[start, end) of the period as aware datetimes: whole days in Asia/Shanghai."""
        tz = timezone.get_default_timezone()
        start = dt.datetime.combine(self.date_from, dt.time.min, tzinfo=tz) if self.date_from else None
        end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if self.date_to else None
        return start, end
