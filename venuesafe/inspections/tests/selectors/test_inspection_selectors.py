"""inspections.selectors: checklists per category, scoped inspection lists, and the venues due for a visit."""

from __future__ import annotations

import pytest
from django.http import Http404

from venuesafe.core.positions import Position
from venuesafe.hazards.tests.services.world import T0, hours
from venuesafe.inspections.models import ChecklistItem, LocationStatus
from venuesafe.inspections.selectors import (
    checklist_for_category,
    inspection_get,
    inspection_list,
    last_inspection,
    venues_due_for_inspection,
)
from venuesafe.inspections.tests.services.helpers import submit
from venuesafe.testing.factories import category, venue
from venuesafe.venues.models import BusinessStatus

DAY = hours(24)


def _codes(items):
    return [i.code for i in items]


def test_checklist__common_questions_for_a_shop(db):
    codes = _codes(checklist_for_category(category("SHOP_MARKET")))
    assert codes == [f"GEN-{n:02d}" for n in range(1, 16)]


def test_checklist__restaurant_sub_type_adds_the_gas_and_kitchen_questions(db):
    codes = _codes(checklist_for_category(category("FOOD_BBQ")))
    assert codes[:15] == [f"GEN-{n:02d}" for n in range(1, 16)]
    assert codes[15:] == [f"FOOD-{n:02d}" for n in range(1, 8)]
    assert len(codes) == len(set(codes))


def test_checklist__inactive_questions_are_not_asked(db):
    ChecklistItem.objects.filter(code="GEN-15").update(is_active=False)
    assert "GEN-15" not in _codes(checklist_for_category(category("SHOP")))


def test_inspection_list__scoped_to_the_area(world):
    mine = submit(world).inspection
    ids = lambda user: list(inspection_list(user=user).values_list("pk", flat=True))  # noqa: E731
    assert ids(world.street) == ids(world.comm) == ids(world.inspector2) == [mine.pk]
    assert ids(world.merchant) == [mine.pk]  # the merchant's own venue
    assert ids(world.comm_a2) == ids(world.street_b) == ids(world.other_merchant) == []
    assert inspection_get(user=world.comm, pk=mine.pk) == mine
    with pytest.raises(Http404):
        inspection_get(user=world.comm_a2, pk=mine.pk)


def test_inspection_list__filters(world):
    off = submit(world, position=None).inspection
    v = world.other_venue
    other = submit(world, actor=world.inspector2, venue=v, position=Position(v.lat, v.lng, 5.0)).inspection
    assert list(inspection_list(user=world.street, location_status=LocationStatus.NO_LOCATION)) == [off]
    assert list(inspection_list(user=world.street, location_status=LocationStatus.ON_SITE)) == [other]
    assert list(inspection_list(user=world.street)) == [other, off]  # newest first
    assert list(inspection_list(user=world.street, inspector_id=world.inspector2.pk)) == [other]
    assert list(inspection_list(user=world.street, venue_id=world.venue.pk)) == [off]


def test_venues_due__not_inspected_lately_first_never_inspected(world, clock_at, settings):
    settings.INSPECTION_STALE_DAYS = 30
    clock_at(T0)
    submit(world, venue=world.venue)
    clock_at(T0 + DAY * 2)
    submit(world, venue=world.other_venue)
    closed = venue(world.d.comm_a1, world.d.grid_a1a, business_status=BusinessStatus.CLOSED)
    never = venue(world.d.comm_a1, world.d.grid_a1a)
    elsewhere = venue(world.d.comm_a2, world.d.grid_a2a)

    clock_at(T0 + DAY * 29)
    due = list(venues_due_for_inspection(user=world.inspector))
    assert due == [never]

    clock_at(T0 + DAY * 31)
    assert list(venues_due_for_inspection(user=world.inspector)) == [never, world.venue]

    clock_at(T0 + DAY * 40)
    due = list(venues_due_for_inspection(user=world.inspector))
    assert due == [never, world.venue, world.other_venue]  # longest ago first
    assert due[1].last_inspected_at == T0
    assert closed not in due and elsewhere not in due
    assert list(venues_due_for_inspection(user=world.inspector, stale_days=60)) == [never]


def test_venues_due__includes_venues_assigned_to_the_inspector_elsewhere(world):
    assigned = venue(world.d.comm_a2, world.d.grid_a2a, inspector=world.inspector)
    assert assigned in venues_due_for_inspection(user=world.inspector)
    assert assigned not in venues_due_for_inspection(user=world.inspector2)


def test_last_inspection__latest_by_end_time(world, clock_at):
    assert last_inspection(venue=world.venue) is None
    clock_at(T0)
    first = submit(world).inspection
    clock_at(T0 + hours(5))
    second = submit(world, actor=world.inspector2).inspection
    assert last_inspection(venue=world.venue) == second != first
