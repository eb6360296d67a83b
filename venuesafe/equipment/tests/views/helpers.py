"""Shared by the page and API tests of the equipment register: a shop held by a merchant (the hazard
loop's World), and extinguishers whose scrap date is a chosen number of days away."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from venuesafe.core import clock
from venuesafe.equipment.forms import EquipmentEditForm
from venuesafe.equipment.models import Equipment, RuleWarning
from venuesafe.equipment.rules import add_years
from venuesafe.equipment.services import equipment_add


def today() -> dt.date:
    return clock.local_today()


def produced_for_scrap_in(days: int, years: int = 10) -> dt.date:
    """The production date of a dry-powder extinguisher (10-year scrap age) that reaches it in `days` days."""
    return add_years(today() + dt.timedelta(days=days), -years)


def extinguisher_fields(scrap_in_days: int) -> dict:
    """A dry-powder extinguisher whose repair and monthly check are up to date: only its scrap age counts."""
    return {
        "extinguisher_type": "powder",
        "production_date": produced_for_scrap_in(scrap_in_days),
        "last_repair_date": today() - dt.timedelta(days=10),
        "last_monthly_check": today(),
        "gauge_state": "green",
        "label": "收银台旁",
    }


def extinguisher(world, *, scrap_in_days: int, venue=None) -> Equipment:
    """Registered by the merchant at the world's shop, by the district admin elsewhere."""
    actor = world.merchant if venue is None else world.admin
    return equipment_add(
        venue=venue or world.venue, actor=actor, kind="extinguisher", **extinguisher_fields(scrap_in_days)
    )


def open_warnings(eq: Equipment):
    return RuleWarning.objects.filter(equipment=eq, resolved_at__isnull=True)


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def edit_data(eq: Equipment, **changes) -> dict:
    """What the edit page posts: every field as the form shows it, with `changes` applied."""
    form = EquipmentEditForm(equipment=eq)
    data = {}
    for name, field in form.fields.items():
        value = changes.get(name, form.initial.get(name))
        if value is None:
            value = "unknown" if field.widget.__class__.__name__ == "NullBooleanSelect" else ""
        elif isinstance(value, dt.date):
            value = value.isoformat()
        data[name] = value
    return data
