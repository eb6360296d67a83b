"""Date rules (regulations.md §6) as pure functions: (rule, equipment, today) → a finding or None.

A finding is a warning when the due date is within the rule's `warn_days`, a hazard when it has
come (the day of expiry counts as expired), and carries the dates that triggered it as evidence.
Leap days: a period that ends on 29 February of a year without one ends on 28 February (the
earlier date, so nothing is found late).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from .models import DateRule, Equipment, EquipmentKind, ExtinguisherType, HoseMaterial

WARNING = "warning"
HAZARD = "hazard"

# Categories whose extinguishers are checked every half month (GB 50444 §5.2.2): entertainment venues.
HALF_MONTHLY_CATEGORIES = {"ENT"}


@dataclass(frozen=True)
class Finding:
    level: str  # WARNING or HAZARD
    due_date: dt.date
    evidence: dict = field(default_factory=dict)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def _param(rule: DateRule, name: str, default):
    value = (rule.params or {}).get(name)
    return default if value in (None, "") else value


def _judge(rule: DateRule, due: dt.date, today: dt.date, evidence: dict) -> Finding | None:
    evidence = {**evidence, "rule": rule.rule_id, "due_date": due.isoformat(), "today": today.isoformat()}
    if today >= due:
        return Finding(HAZARD, due, evidence)
    if (due - today).days <= rule.warn_days:
        return Finding(WARNING, due, evidence)
    return None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def ext_scrap(rule, eq: Equipment, today, venue_category_code: str) -> Finding | None:
    if not (eq.production_date and eq.extinguisher_type):
        return None
    years = _param(rule, "years", {"water": 6, "powder": 10, "clean_agent": 10, "co2": 12})
    due = add_years(eq.production_date, int(years[eq.extinguisher_type]))
    return _judge(rule, due, today, {"type": eq.extinguisher_type, "production_date": _iso(eq.production_date)})


def ext_repair(rule, eq: Equipment, today, venue_category_code: str) -> Finding | None:
    if not (eq.production_date and eq.extinguisher_type):
        return None
    water = eq.extinguisher_type == ExtinguisherType.WATER
    first = int(_param(rule, "first_years_water" if water else "first_years", 3 if water else 5))
    then = int(_param(rule, "then_years_water" if water else "then_years", 1 if water else 2))
    if eq.last_repair_date:
        due = add_years(eq.last_repair_date, then)
    else:
        due = add_years(eq.production_date, first)
    return _judge(
        rule,
        due,
        today,
        {
            "type": eq.extinguisher_type,
            "production_date": _iso(eq.production_date),
            "last_repair": _iso(eq.last_repair_date),
        },
    )


def ext_check(rule, eq: Equipment, today, venue_category_code: str) -> Finding | None:
    half = venue_category_code in HALF_MONTHLY_CATEGORIES
    days = int(_param(rule, "days_half_monthly" if half else "days", 15 if half else 31))
    # Never checked: counted from when the extinguisher was registered.
    since = eq.last_monthly_check or timezone.localdate(eq.created_at)
    due = since + dt.timedelta(days=days + 1)  # "more than N days" without a check
    return _judge(rule, due, today, {"last_monthly_check": _iso(eq.last_monthly_check), "interval_days": days})


def stove(rule, eq: Equipment, today, venue_category_code: str) -> Finding | None:
    if not eq.purchase_date:
        return None
    due = add_years(eq.purchase_date, int(_param(rule, "years", 8)))
    return _judge(rule, due, today, {"purchase_date": _iso(eq.purchase_date)})


def hose(rule, eq: Equipment, today, venue_category_code: str) -> Finding | None:
    if not (eq.install_date and eq.hose_material):
        return None
    if eq.hose_material == HoseMaterial.RUBBER:
        months = int(_param(rule, "rubber_months", settings.DATE_RULE_RUBBER_HOSE_MONTHS))
    else:
        months = 12 * int(_param(rule, "metal_years", 8))
    due = add_months(eq.install_date, months)
    return _judge(
        rule, due, today, {"material": eq.hose_material, "install_date": _iso(eq.install_date), "months": months}
    )


def cylinder(rule, eq: Equipment, today, venue_category_code: str) -> Finding | None:
    if not eq.next_inspection_date:
        return None
    # Overdue the day after the date on the label ("today > next_inspection_date").
    due = eq.next_inspection_date + dt.timedelta(days=1)
    return _judge(
        rule, due, today, {"cylinder_code": eq.cylinder_code, "next_inspection_date": _iso(eq.next_inspection_date)}
    )


def regulator(rule, eq: Equipment, today, venue_category_code: str) -> Finding | None:
    if not eq.install_date:
        return None
    years = int(_param(rule, "years", settings.DATE_RULE_REGULATOR_YEARS))
    due = add_years(eq.install_date, years)
    return _judge(rule, due, today, {"install_date": _iso(eq.install_date), "years": years})


EVALUATORS = {
    "R-EXT-SCRAP": ext_scrap,
    "R-EXT-REPAIR": ext_repair,
    "R-EXT-CHECK": ext_check,
    "R-STOVE": stove,
    "R-HOSE": hose,
    "R-CYL": cylinder,
    "R-REG": regulator,
}

RULE_KINDS = {
    "R-EXT-SCRAP": EquipmentKind.EXTINGUISHER,
    "R-EXT-REPAIR": EquipmentKind.EXTINGUISHER,
    "R-EXT-CHECK": EquipmentKind.EXTINGUISHER,
    "R-STOVE": EquipmentKind.GAS_STOVE,
    "R-HOSE": EquipmentKind.GAS_HOSE,
    "R-CYL": EquipmentKind.LPG_CYLINDER,
    "R-REG": EquipmentKind.REGULATOR,
}


def evaluate(rule: DateRule, eq: Equipment, today: dt.date, venue_category_code: str = "") -> Finding | None:
    evaluator = EVALUATORS.get(rule.rule_id)
    if evaluator is None or not rule.is_active or eq.kind != rule.kind or not eq.is_active:
        return None
    return evaluator(rule, eq, today, venue_category_code)
