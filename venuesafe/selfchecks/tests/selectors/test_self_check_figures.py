"""self_check_figures: who is expected to punch in, the rate by area and category, the daily series,
self-found vs inspector-found hazards and merchants' own fixes, each within the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest

from venuesafe.accounts.models import Role
from venuesafe.hazards import services as hazard_services
from venuesafe.hazards.models import Hazard, HazardState
from venuesafe.hazards.tests.services.world import T0, hours
from venuesafe.selfchecks.selectors import expected_venues, grid_worker_missing_list, self_check_figures
from venuesafe.selfchecks.tests.services.support import punch_in
from venuesafe.testing.factories import category, make_photo, user_with_role, venue
from venuesafe.venues.models import BusinessStatus, VenueCategory, VenueMerchant

TODAY = dt.date(2026, 3, 2)
YESTERDAY = TODAY - dt.timedelta(days=1)


class Area:
    """World's two shops in grid A1a, a snack bar in A2a and one in street B, each with a merchant;
    a shop nobody has bound yet and a closed shop with a merchant."""

    def __init__(self, world):
        d = self.d = world.d
        self.w = world
        self.snack_merchant = user_with_role(Role.MERCHANT, d.comm_a2)
        self.snack = venue(d.comm_a2, d.grid_a2a, category=category("FOOD_SNACK"), inspector=world.inspector2)
        VenueMerchant.objects.create(venue=self.snack, user=self.snack_merchant)
        self.b_merchant = user_with_role(Role.MERCHANT, d.comm_b1)
        self.b_shop = venue(d.comm_b1, d.grid_b1a)
        VenueMerchant.objects.create(venue=self.b_shop, user=self.b_merchant)
        self.unbound = venue(d.comm_a1, d.grid_a1b)
        closed_merchant = user_with_role(Role.MERCHANT, d.comm_a1)
        self.closed = venue(d.comm_a1, d.grid_a1b, business_status=BusinessStatus.CLOSED)
        VenueMerchant.objects.create(venue=self.closed, user=closed_merchant)


@pytest.fixture
def area(world, clock_at):
    a = Area(world)
    clock_at(T0 - dt.timedelta(days=1))
    punch_in(world.venue, world.merchant)
    punch_in(world.other_venue, world.other_merchant)
    clock_at(T0)
    punch_in(world.venue, world.merchant)
    punch_in(a.snack, a.snack_merchant)
    return a


def _row(rows, pk):
    return next(r for r in rows if r.id == pk)


def test_expected_venues__open_venues_with_a_merchant(area):
    w = area.w
    assert set(expected_venues()) == {w.venue, w.other_venue, area.snack, area.b_shop}
    assert set(expected_venues(user=w.street)) == {w.venue, w.other_venue, area.snack}


def test_self_check_figures__rate_by_community_grid_and_category(area):
    w, d = area.w, area.d
    f = self_check_figures(user=w.street, day=TODAY)

    assert (f.total.expected, f.total.punched, f.total.rate) == (3, 2, 0.6667)
    assert [(r.id, r.expected, r.punched, r.rate) for r in f.by_community] == [
        (d.comm_a2.pk, 1, 1, 1.0),
        (d.comm_a1.pk, 2, 1, 0.5),
    ]
    assert {(r.id, r.expected, r.punched) for r in f.by_grid} == {(d.grid_a2a.pk, 1, 1), (d.grid_a1a.pk, 2, 1)}
    food, shop = VenueCategory.objects.get(code="FOOD"), VenueCategory.objects.get(code="SHOP")
    assert _row(f.by_category, food.pk).punched == 1  # the snack bar counts under its top-level category
    assert (_row(f.by_category, shop.pk).expected, _row(f.by_category, shop.pk).punched) == (2, 1)
    assert f.merchants == 3

    # The day before: the two shops, not the snack bar.
    before = self_check_figures(user=w.street, day=YESTERDAY)
    assert (before.total.punched, _row(before.by_community, d.comm_a2.pk).punched) == (2, 0)


def test_self_check_figures__daily_series(area):
    f = self_check_figures(user=area.w.street, day=TODAY)
    assert (f.date_from, f.date_to) == (TODAY - dt.timedelta(days=29), TODAY)
    assert len(f.daily) == 30
    by_day = {row["day"]: row for row in f.daily}
    assert (by_day[TODAY]["punched"], by_day[YESTERDAY]["punched"]) == (2, 2)
    assert by_day[TODAY - dt.timedelta(days=2)]["punched"] == 0
    assert all(row["expected"] == 3 for row in f.daily)
    assert by_day[YESTERDAY]["rate"] == 0.6667

    short = self_check_figures(user=area.w.street, day=TODAY, date_from=YESTERDAY, date_to=TODAY)
    assert [row["day"] for row in short.daily] == [YESTERDAY, TODAY]


def test_self_check_figures__scope_community_staff_sees_only_its_community(area):
    w, d = area.w, area.d
    f = self_check_figures(user=w.comm_a2, day=TODAY)
    assert (f.total.expected, f.total.punched) == (1, 1)
    assert [r.id for r in f.by_community] == [d.comm_a2.pk]
    assert f.merchants == 1

    district = self_check_figures(user=w.admin, day=TODAY)
    assert district.total.expected == 4  # street B's shop too
    assert self_check_figures(user=w.street_b, day=TODAY).total.expected == 1


def test_self_check_figures__filtered_by_org_unit_and_category(area):
    w, d = area.w, area.d
    assert self_check_figures(user=w.street, day=TODAY, org_unit=d.comm_a1).total.expected == 2
    food = VenueCategory.objects.get(code="FOOD")
    f = self_check_figures(user=w.street, day=TODAY, category=food)
    assert (f.total.expected, f.total.punched) == (1, 1)


def test_self_check_figures__a_venue_gets_expected_when_a_merchant_binds_it(area):
    w = area.w
    assert area.unbound not in set(grid_worker_missing_list(user=w.comm, day=TODAY))
    VenueMerchant.objects.create(venue=area.unbound, user=user_with_role(Role.MERCHANT, area.d.comm_a1))
    f = self_check_figures(user=w.street, day=TODAY)
    assert (f.total.expected, f.total.punched) == (4, 2)
    assert area.unbound in set(grid_worker_missing_list(user=w.comm, day=TODAY))


def test_grid_worker_missing_list__the_venues_of_its_grid_not_punched_in(area):
    w = area.w
    assert list(grid_worker_missing_list(user=w.grid_worker, day=TODAY)) == [w.other_venue]
    assert list(grid_worker_missing_list(user=w.grid_worker, day=YESTERDAY)) == []
    assert list(grid_worker_missing_list(user=w.merchant, day=TODAY)) == []


def test_self_check_figures__self_found_vs_inspector_found_and_self_fixed(area, clock_at):
    w = area.w
    clock_at(T0 + hours(1))
    w.found("EVA-01")  # an inspector's finding at the shop
    on_spot = w.found("EXT-03", fixed_on_spot=True, proof_photos=[make_photo()])
    snack_check = punch_in(area.snack, area.snack_merchant, no=["SC-WI-03"]).self_check
    shop_check = punch_in(w.venue, w.merchant, fix_now=["SC-PA-02"]).self_check
    reported = snack_check.answers.get(item__code="SC-WI-03").hazard
    fixed = shop_check.answers.get(item__code="SC-PA-02").hazard

    f = self_check_figures(user=w.street, day=TODAY)
    assert (f.hazards_self_found, f.hazards_inspector_found, f.hazards_self_fixed) == (2, 2, 0)

    clock_at(T0 + hours(3))
    hazard_services.hazard_review_pass(hazard=on_spot, actor=w.inspector2)  # an inspector's fix: not counted
    # The snack bar's reported hazard goes the normal way: acknowledged, proof, reviewed — not a fix at once.
    hazard_services.hazard_acknowledge(hazard=reported, actor=area.snack_merchant)
    hazard_services.hazard_submit_proof(hazard=reported, actor=area.snack_merchant, photos=[make_photo()])
    hazard_services.hazard_review_pass(hazard=reported, actor=w.comm_a2)
    assert self_check_figures(user=w.street, day=TODAY).hazards_self_fixed == 0

    hazard_services.hazard_review_pass(hazard=fixed, actor=w.grid_worker)
    f = self_check_figures(user=w.street, day=TODAY)
    assert f.hazards_self_fixed == 1
    assert Hazard.objects.get(pk=fixed.pk).state == HazardState.CLOSED

    # Scope: the other community's staff sees the snack bar's report only.
    mine = self_check_figures(user=w.comm_a2, day=TODAY)
    assert (mine.hazards_self_found, mine.hazards_inspector_found, mine.hazards_self_fixed) == (1, 0, 0)
    # Outside the period nothing is counted.
    past = self_check_figures(user=w.street, day=YESTERDAY)
    assert (past.hazards_self_found, past.hazards_inspector_found, past.hazards_self_fixed) == (0, 0, 0)
