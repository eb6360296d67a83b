"""hazards.selectors: scoped lists, the reviewer's and the merchant's queues."""

from __future__ import annotations

import pytest
from django.http import Http404

from venuesafe.accounts.models import Role
from venuesafe.hazards import services
from venuesafe.hazards.models import HazardState
from venuesafe.hazards.selectors import hazard_events, hazard_get, hazard_list, merchant_open_hazards, reviews_due
from venuesafe.hazards.services import ResponsibleParty
from venuesafe.hazards.tests.services.world import T0, hours
from venuesafe.org.models import Department
from venuesafe.testing.factories import category, found_hazard, hazard_type, user_with_role, venue

S = HazardState


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


@pytest.fixture
def orders(world, clock_at):
    clock_at(T0)
    d = world.d
    a2_venue = venue(d.comm_a2, d.grid_a2a, category=category("FOOD"), sign_name="天和饭店")
    return {
        "a1_found": world.hazard_in(S.FOUND),
        "a1_rectifying": world.hazard_in(S.RECTIFYING, code="EXT-05"),
        "a1_review": world.hazard_in(S.AWAITING_REVIEW, code="ELE-01"),
        "a1_closed": world.hazard_in(S.CLOSED, code="EVA-03"),
        "other_venue": world.hazard_in(S.DISPATCHED, venue=world.other_venue),
        "a2": found_hazard(a2_venue, world.street, "GAS-01"),
    }


def test_hazard_list__scope_by_role(world, orders):
    everyone = {h.pk for h in orders.values()}
    a1 = everyone - {orders["a2"].pk}
    assert _ids(hazard_list(user=world.admin)) == everyone
    assert _ids(hazard_list(user=world.street)) == everyone
    assert _ids(hazard_list(user=world.comm)) == a1
    assert _ids(hazard_list(user=world.inspector)) == a1  # grid A1a holds every A1 venue here
    assert _ids(hazard_list(user=world.comm_a2)) == {orders["a2"].pk}
    assert _ids(hazard_list(user=world.street_b)) == set()
    mine = {orders[k].pk for k in ("a1_found", "a1_rectifying", "a1_review", "a1_closed")}
    assert _ids(hazard_list(user=world.merchant)) == mine
    assert _ids(hazard_list(user=world.other_merchant)) == {orders["other_venue"].pk}


def test_hazard_list__department_sees_its_line_and_what_it_answers_for(world, orders):
    # Fire answers for shops and restaurants alike, so it sees the whole street.
    assert _ids(hazard_list(user=world.fire_viewer)) == {h.pk for h in orders.values()}
    education = Department.objects.get(code="EDUCATION")
    edu_viewer = user_with_role(Role.DEPARTMENT_VIEWER, world.d.street_a, department=education)
    assert _ids(hazard_list(user=edu_viewer)) == set()  # no school among these venues
    services.hazard_dispatch(
        hazard=orders["a1_found"], actor=world.street, party=ResponsibleParty(department=education)
    )
    assert _ids(hazard_list(user=edu_viewer)) == {orders["a1_found"].pk}
    assert _ids(hazard_list(user=edu_viewer, responsible_to_me=True)) == {orders["a1_found"].pk}


def test_hazard_list__filters(world, orders):
    user = world.street
    open_ids = {orders[k].pk for k in ("a1_found", "a1_rectifying", "a1_review", "other_venue", "a2")}
    assert _ids(hazard_list(user=user, state="open")) == open_ids
    assert _ids(hazard_list(user=user, state=S.CLOSED)) == {orders["a1_closed"].pk}
    assert _ids(hazard_list(user=user, org_unit=world.d.comm_a2)) == {orders["a2"].pk}
    assert _ids(hazard_list(user=user, category=category("FOOD"))) == {orders["a2"].pk}
    assert _ids(hazard_list(user=user, hazard_type=hazard_type("EXT-05"))) == {orders["a1_rectifying"].pk}
    assert _ids(hazard_list(user=user, venue_id=world.other_venue.pk)) == {orders["other_venue"].pk}
    assert _ids(hazard_list(user=user, search="天和饭")) == {orders["a2"].pk}
    # Dispatched to the merchant: nothing is the community's own to answer for.
    assert _ids(hazard_list(user=world.comm, responsible_to_me=True)) == set()
    assert _ids(hazard_list(user=world.merchant, responsible_to_me=True)) == {
        orders[k].pk for k in ("a1_rectifying", "a1_review", "a1_closed")
    }


def test_hazard_get__out_of_scope_is_404(world, orders):
    assert hazard_get(user=world.comm, pk=orders["a1_found"].pk) == orders["a1_found"]
    with pytest.raises(Http404):
        hazard_get(user=world.comm_a2, pk=orders["a1_found"].pk)
    with pytest.raises(Http404):
        hazard_get(user=world.other_merchant, pk=orders["a1_found"].pk)


def test_reviews_due__where_the_user_may_review(world, orders):
    assert _ids(reviews_due(user=world.inspector)) == {orders["a1_review"].pk}
    assert _ids(reviews_due(user=world.street)) == {orders["a1_review"].pk}
    assert _ids(reviews_due(user=world.comm_a2)) == set()
    assert _ids(reviews_due(user=world.merchant)) == set()
    assert _ids(reviews_due(user=world.grid_worker)) == set()


def test_merchant_open_hazards__own_open_orders_nearest_deadline_first(world, orders, clock_at):
    clock_at(T0 + hours(1))
    services.hazard_extend_deadline(
        hazard=orders["a1_found"], actor=world.street, deadline=T0 + hours(500), reason="需施工"
    )
    got = list(merchant_open_hazards(user=world.merchant))
    # EXT-05 and ELE-01: 24 h from dispatch; EVA-01 extended to 500 h; the closed one is left out.
    assert [h.pk for h in got] == [orders["a1_rectifying"].pk, orders["a1_review"].pk, orders["a1_found"].pk]
    assert list(merchant_open_hazards(user=world.other_merchant)) == [orders["other_venue"]]


def test_hazard_events__the_timeline_in_order(world, orders):
    kinds = [e.kind for e in hazard_events(hazard=orders["a1_closed"])]
    assert kinds == ["found", "dispatched", "acknowledged", "proof_submitted", "review_passed"]
