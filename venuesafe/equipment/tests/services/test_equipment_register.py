"""Keeping the register: who may, what a kind of equipment may hold, and that every change is kept."""

from __future__ import annotations

import datetime as dt

import pytest

from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.equipment.models import Equipment
from venuesafe.equipment.services import equipment_add, equipment_retire, equipment_update

from .support import T0_DAY, ago

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["merchant", "inspector", "grid_worker", "comm"])
def test_equipment_add__the_venues_merchant_and_staff_in_scope_keep_the_register(world, who):
    eq = equipment_add(venue=world.venue, actor=getattr(world, who), kind="gas_alarm", working=True)
    assert eq.venue == world.venue and eq.org_path == world.venue.org_path


@pytest.mark.parametrize("who", ["other_merchant", "street_b", "fire_viewer"])
def test_equipment_add__others_may_not(world, who):
    with pytest.raises(NotAllowed) as err:
        equipment_add(venue=world.venue, actor=getattr(world, who), kind="gas_alarm", working=True)
    assert err.value.code == "cannot_edit_equipment"
    assert not Equipment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "gas_stove", "hose_material": "rubber"}, "hose_material"),  # not a stove's field
        ({"kind": "gas_hose", "hose_material": "plastic"}, "hose_material"),
        ({"kind": "gas_hose", "install_date": "2026-03-03"}, "install_date"),  # tomorrow
        ({"kind": "gas_hose", "install_date": "3/1/2026"}, "install_date"),
        ({"kind": "extinguisher", "quantity": 0}, "quantity"),
        ({"kind": "rocket"}, "kind"),
    ],
)
def test_equipment_add__bad_fields_are_refused(world, fields, field):
    with pytest.raises(InvalidInput) as err:
        equipment_add(venue=world.venue, actor=world.merchant, **fields)
    assert field in err.value.fields
    assert not Equipment.objects.exists()


def test_equipment_update__every_change_is_kept_with_who_made_it(world):
    eq = equipment_add(
        venue=world.venue, actor=world.merchant, kind="gas_hose", hose_material="rubber", install_date=ago(months=3)
    )
    equipment_update(equipment=eq, actor=world.inspector, hose_material="metal", install_date=T0_DAY)
    equipment_retire(equipment=eq, actor=world.merchant, reason="拆除燃气灶")

    history = list(eq.history.order_by("history_date", "history_id"))
    assert [h.history_change_reason for h in history] == ["create", "update", "retire"]
    assert [h.history_user for h in history] == [world.merchant, world.inspector, world.merchant]
    assert [h.hose_material for h in history] == ["rubber", "metal", "metal"]
    assert history[0].install_date == ago(months=3) and history[1].install_date == T0_DAY
    eq.refresh_from_db()
    assert not eq.is_active and eq.note == "拆除燃气灶"
    with pytest.raises(InvalidInput):
        equipment_update(equipment=eq, actor=world.merchant, length_m="1.5")


def test_equipment_add__not_at_a_deregistered_venue(world):
    type(world.venue).objects.filter(pk=world.venue.pk).update(business_status="closed")
    world.venue.refresh_from_db()
    with pytest.raises(InvalidInput):
        equipment_add(
            venue=world.venue, actor=world.inspector, kind="extinguisher", production_date=dt.date(2024, 1, 1)
        )
