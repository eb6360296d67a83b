"""Equipment in a given condition for the service tests, registered through the services."""

from __future__ import annotations

import datetime as dt

from venuesafe.equipment.models import Equipment, RuleWarning
from venuesafe.equipment.services import equipment_add

T0_DAY = dt.date(2026, 3, 2)  # the local day of world.T0


def ago(**kw) -> dt.date:
    """A date before T0_DAY: ago(days=3), ago(months=18) (calendar months)."""
    from venuesafe.equipment.rules import add_months

    day = T0_DAY - dt.timedelta(days=kw.get("days", 0))
    return add_months(day, -kw.get("months", 0) - 12 * kw.get("years", 0))


def rubber_hose(world, *, installed: dt.date, venue=None, actor=None) -> Equipment:
    return equipment_add(
        venue=venue or world.venue,
        actor=actor or world.merchant,
        kind="gas_hose",
        hose_material="rubber",
        install_date=installed,
    )


def powder_extinguisher(world, *, produced: dt.date, venue=None, actor=None, **fields) -> Equipment:
    """A dry-powder extinguisher whose repair and monthly check are up to date, so only its scrap age counts."""
    fields.setdefault("last_repair_date", T0_DAY - dt.timedelta(days=100))
    fields.setdefault("last_monthly_check", T0_DAY)
    return equipment_add(
        venue=venue or world.venue,
        actor=actor or world.merchant,
        kind="extinguisher",
        extinguisher_type="powder",
        production_date=produced,
        **fields,
    )


def open_warnings(equipment: Equipment | None = None):
    qs = RuleWarning.objects.filter(resolved_at__isnull=True)
    return qs.filter(equipment=equipment) if equipment is not None else qs
