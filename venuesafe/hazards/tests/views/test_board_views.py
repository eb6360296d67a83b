import datetime as dt

import pytest
from django.urls import reverse

from venuesafe.core import clock
from venuesafe.hazards.models import Hazard, HazardState
from venuesafe.testing.factories import category, hazard_type, venue

pytestmark = pytest.mark.django_db
S = HazardState


def _ids(response):
    return {h.pk for h in response.context["page"].object_list}


def _make_overdue(hazard):
    Hazard.objects.filter(pk=hazard.pk).update(deadline=clock.now() - dt.timedelta(hours=2))


def test_board__community_sees_only_its_community(client, loop, district):
    mine = loop.found()
    other = loop.found(venue=loop.venue_a2)
    elsewhere = loop.found(venue=venue(district.comm_b1))  # street B: nobody here sees it
    client.force_login(loop.comm)
    response = client.get(reverse("hazards:board"))
    assert response.status_code == 200
    assert _ids(response) == {mine.pk}
    body = response.content.decode()
    assert loop.venue_a2.sign_name not in body
    client.force_login(loop.comm_a2)
    assert _ids(client.get(reverse("hazards:board"))) == {other.pk}
    client.force_login(loop.street)
    assert _ids(client.get(reverse("hazards:board"))) == {mine.pk, other.pk}
    assert elsewhere.pk not in _ids(client.get(reverse("hazards:board"), {"org_unit": district.comm_b1.pk}))


def test_board__filters(client, loop):
    found = loop.found("EVA-01")
    dispatched = loop.hazard_in(S.DISPATCHED, "EVA-02")
    closed = loop.hazard_in(S.CLOSED, "EVA-03")
    food = venue(loop.d.comm_a2, category=category("FOOD"), sign_name="天和饭店", address="青年路8号")
    in_a2 = loop.found("EVA-01", venue=food)
    _make_overdue(dispatched)
    client.force_login(loop.street)
    url = reverse("hazards:board")
    assert _ids(client.get(url, {"state": "found"})) == {found.pk, in_a2.pk}
    assert _ids(client.get(url, {"state": "open"})) == {found.pk, dispatched.pk, in_a2.pk}
    assert _ids(client.get(url, {"state": "closed"})) == {closed.pk}
    assert _ids(client.get(url, {"overdue": "yes"})) == {dispatched.pk}
    assert dispatched.pk not in _ids(client.get(url, {"overdue": "no"}))
    assert _ids(client.get(url, {"org_unit": loop.d.comm_a2.pk})) == {in_a2.pk}
    assert _ids(client.get(url, {"category": category("FOOD").pk})) == {in_a2.pk}
    assert _ids(client.get(url, {"hazard_type": hazard_type("EVA-02").pk})) == {dispatched.pk}
    assert _ids(client.get(url, {"q": "青年路"})) == {in_a2.pk}
    assert _ids(client.get(url, {"q": "老王"})) == {found.pk, dispatched.pk, closed.pk}


def test_board__counts_per_state_and_overdue(client, loop):
    loop.found("EVA-01")
    loop.found("EVA-02")
    late = loop.hazard_in(S.DISPATCHED, "EVA-03")
    loop.hazard_in(S.CLOSED, "EVA-04")
    _make_overdue(late)
    client.force_login(loop.comm)
    response = client.get(reverse("hazards:board"), {"state": "closed"})
    counts = {c["key"]: c["n"] for c in response.context["counts"]}
    assert counts["found"] == 2
    assert counts["dispatched"] == 1
    assert counts["closed"] == 1
    assert counts["open"] == 3
    assert counts["overdue"] == 1
    body = response.content.decode()
    assert 'id="count-overdue" data-count="1"' in body


def test_board__htmx_returns_only_the_results(client, loop):
    loop.found()
    client.force_login(loop.comm)
    response = client.get(reverse("hazards:board"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="hazard-results")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="hazard-count"' in body


def test_board__paginates(client, loop):
    for _ in range(21):
        v = venue(loop.d.comm_a1)
        loop.found(venue=v)
    client.force_login(loop.comm)
    assert len(client.get(reverse("hazards:board")).context["page"].object_list) == 20
    assert len(client.get(reverse("hazards:board"), {"page": 2}).context["page"].object_list) == 1


def test_board__merchant_cannot_reach_board_or_figures(client, loop):
    loop.found()
    client.force_login(loop.merchant)
    assert client.get(reverse("hazards:board")).status_code == 403
    assert client.get(reverse("hazards:figures")).status_code == 403
    body = client.get(reverse("hazards:mine")).content.decode()
    assert 'id="nav-board"' not in body
    assert 'id="nav-mine"' in body


def test_mine__merchant_sees_only_its_hazards_nearest_deadline_first(client, loop):
    later = loop.hazard_in(S.DISPATCHED, "EVA-01")
    sooner = loop.hazard_in(S.RECTIFYING, "EVA-02")
    Hazard.objects.filter(pk=sooner.pk).update(deadline=clock.now() - dt.timedelta(hours=1))
    loop.found(venue=loop.venue_a2)  # not the merchant's venue
    closed = loop.hazard_in(S.CLOSED, "EVA-03")
    client.force_login(loop.merchant)
    response = client.get(reverse("hazards:mine"))
    assert response.status_code == 200
    assert [r["hazard"].pk for r in response.context["rows"]] == [sooner.pk, later.pk]
    body = response.content.decode()
    assert f'data-hazard-id="{closed.pk}"' not in body
    assert "is-overdue" in body and "overdue-text" in body
    assert f'id="my-hazard-open-{sooner.pk}"' in body


def test_mine__shows_the_reason_of_a_failed_review(client, loop):
    from venuesafe.hazards import services

    h = loop.hazard_in(S.AWAITING_REVIEW)
    services.hazard_review_fail(hazard=h, actor=loop.inspector, reason="灭火器仍过期")
    client.force_login(loop.merchant)
    assert "灭火器仍过期" in client.get(reverse("hazards:mine")).content.decode()


def test_nav__links_by_role(client, loop):
    client.force_login(loop.inspector)
    body = client.get(reverse("hazards:board")).content.decode()
    assert 'id="nav-today"' in body and 'id="nav-board"' in body and 'id="nav-figures"' in body
    assert 'id="nav-inbox"' in body and 'id="nav-mine"' not in body
    client.force_login(loop.street)
    body = client.get(reverse("hazards:board")).content.decode()
    assert 'id="nav-today"' not in body and 'id="nav-board"' in body


def test_board__queries_do_not_grow_with_the_page(client, loop, django_assert_max_num_queries):
    for i in range(3):
        loop.found(venue=venue(loop.d.comm_a1, sign_name=f"店{i}"))
    client.force_login(loop.comm)
    client.get(reverse("hazards:board"))  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("hazards:board"))
    for i in range(3, 15):
        loop.found(venue=venue(loop.d.comm_a1, sign_name=f"店{i}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("hazards:board"))
