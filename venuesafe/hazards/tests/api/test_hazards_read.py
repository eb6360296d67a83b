import datetime as dt

import pytest
import time_machine
from django.utils import translation

from venuesafe.accounts.models import Role
from venuesafe.core import clock, geo
from venuesafe.hazards.services import ResponsibleParty, hazard_dispatch
from venuesafe.testing.factories import category, found_hazard, make_photo, user_with_role, venue

from .helpers import url

LIST_URL = "/api/v1/hazards/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def several(loop, district, dispatched, found):
    """dispatched (merchant, shop in A1a), found (A1a, no merchant), restaurant (A2a, gas), far (street B)."""
    restaurant = venue(district.comm_a2, district.grid_a2a, sign_name="老王烧烤", category=category("FOOD_BBQ"))
    staff_a2 = user_with_role(Role.COMMUNITY_STAFF, district.comm_a2)
    gas = found_hazard(restaurant, staff_a2, code="GAS-01")
    hazard_dispatch(hazard=gas, actor=staff_a2, party=ResponsibleParty(community=district.comm_a2))
    far = found_hazard(venue(district.comm_b1, district.grid_b1a), user_with_role(Role.INSPECTOR, district.comm_b1))
    return {"dispatched": dispatched, "found": found, "gas": gas, "far": far}


def test_hazards_list__scope(several, loop, client_for, district):
    h = several
    assert ids(client_for(loop.street_office).get(LIST_URL)) == {h["dispatched"].pk, h["found"].pk, h["gas"].pk}
    assert ids(client_for(loop.community_staff).get(LIST_URL)) == {h["dispatched"].pk, h["found"].pk}
    assert ids(client_for(loop.merchant).get(LIST_URL)) == {h["dispatched"].pk}
    admin = user_with_role(Role.DISTRICT_ADMIN, district.district)
    assert len(ids(client_for(admin).get(LIST_URL))) == 4


def test_hazards_list__filters(several, loop, client_for, district):
    h = several
    client = client_for(loop.street_office)
    assert ids(client.get(LIST_URL, {"state": "found"})) == {h["found"].pk}
    assert ids(client.get(LIST_URL, {"state": "open"})) == {h["dispatched"].pk, h["found"].pk, h["gas"].pk}
    assert ids(client.get(LIST_URL, {"state": "closed"})) == set()
    assert ids(client.get(LIST_URL, {"org_unit": district.comm_a2.pk})) == {h["gas"].pk}
    assert ids(client.get(LIST_URL, {"category": "FOOD"})) == {h["gas"].pk}
    assert ids(client.get(LIST_URL, {"hazard_type": "GAS-01"})) == {h["gas"].pk}
    assert ids(client.get(LIST_URL, {"venue": loop.venue.pk})) == {h["dispatched"].pk}
    assert ids(client.get(LIST_URL, {"q": "烧烤"})) == {h["gas"].pk}
    for bad in ({"state": "lost"}, {"hazard_type": "NOPE"}, {"org_unit": district.comm_b1.pk}, {"overdue": "maybe"}):
        response = client.get(LIST_URL, bad)
        assert response.status_code == 400, bad
        assert list(response.json()["fields"]) == list(bad)


def test_hazards_list__mine(several, loop, client_for, district):
    h = several
    assert ids(client_for(loop.merchant).get(LIST_URL, {"mine": "true"})) == {h["dispatched"].pk}
    staff_a2 = user_with_role(Role.COMMUNITY_STAFF, district.comm_a2)
    assert ids(client_for(staff_a2).get(LIST_URL, {"mine": "true"})) == {h["gas"].pk}
    # Staff who see an order but do not answer for it.
    assert ids(client_for(loop.street_office).get(LIST_URL, {"mine": "true"})) == set()


def test_hazards_list__overdue(several, loop, client_for):
    h = several
    client = client_for(loop.street_office)
    assert ids(client.get(LIST_URL, {"overdue": "true"})) == set()
    h["dispatched"].refresh_from_db()
    with time_machine.travel(h["dispatched"].deadline + dt.timedelta(minutes=1), tick=False):
        overdue = ids(client.get(LIST_URL, {"overdue": "true"}))
        assert h["dispatched"].pk in overdue
        assert h["dispatched"].pk not in ids(client.get(LIST_URL, {"overdue": "false"}))
        row = next(r for r in client.get(LIST_URL).json()["results"] if r["id"] == h["dispatched"].pk)
        assert row["is_overdue"] is True


def test_hazards_list__paginated(several, loop, client_for):
    body = client_for(loop.street_office).get(LIST_URL, {"limit": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


def test_hazards_list__queries_do_not_grow_with_rows(several, loop, client_for, django_assert_max_num_queries):
    for _ in range(4):
        found_hazard(venue(loop.district.comm_a1, loop.district.grid_a1a), loop.inspector)
    with django_assert_max_num_queries(6):
        body = client_for(loop.street_office).get(LIST_URL).json()
    assert body["count"] == 7


def test_hazards_retrieve__detail_for_the_merchant(dispatched, loop, client_for):
    response = client_for(loop.merchant).get(url(dispatched), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    dispatched.refresh_from_db()
    assert body["id"] == dispatched.pk
    assert body["state"] == "dispatched"
    assert body["version"] == dispatched.version
    assert body["is_overdue"] is False
    assert body["escalation_level"] == 0
    assert body["responsible"] == {"merchant": True, "community": None, "department": None}
    assert body["venue"]["id"] == loop.venue.pk
    assert body["hazard_type"]["code"] == "EVA-01"
    assert body["found_by"] == {"id": loop.inspector.pk, "name": "巡查员小李"}
    assert body["inspection"] is not None
    assert dt.datetime.fromisoformat(body["deadline"]) == dispatched.deadline
    assert body["photos"][0]["kind"] == "evidence"
    assert body["photos"][0]["url"].startswith("http://testserver/media/hazards/")
    with translation.override("en"):
        labels = {"acknowledge": "Acknowledge", "submit_proof": "Submit proof of rectification"}
    assert body["allowed_actions"] == [
        {"action": name, "label": labels[name], "url": url(dispatched, segment)}
        for name, segment in (("acknowledge", "acknowledge"), ("submit_proof", "proof"))
    ]


def test_hazards_retrieve__allowed_actions_follow_the_user(dispatched, loop, client_for):
    def actions(user):
        return {a["action"] for a in client_for(user).get(url(dispatched)).json()["allowed_actions"]}

    assert actions(loop.street_office) == {"redispatch", "extend_deadline", "withdraw"}
    assert actions(loop.inspector) == set()
    # Community staff and grid workers may rectify on the merchant's behalf.
    assert actions(loop.grid_worker) == {"acknowledge", "submit_proof"}
    assert actions(loop.community_staff) == {"acknowledge", "submit_proof"}


def test_hazards_retrieve__found_position_in_requested_system(dispatched, loop, client_for):
    body = client_for(loop.inspector).get(url(dispatched), {"coord_system": "bd09"}).json()
    assert body["coord_system"] == "bd09"
    blat, blng = geo.from_wgs84(32.0513, 120.8635, "bd09")
    assert (body["found_lat"], body["found_lng"]) == (pytest.approx(blat, abs=1e-6), pytest.approx(blng, abs=1e-6))


def test_hazards_retrieve__out_of_scope_is_404(dispatched, client_for, district):
    outsider = user_with_role(Role.COMMUNITY_STAFF, district.comm_b1)
    for path in (url(dispatched), url(dispatched, "events")):
        response = client_for(outsider).get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_hazards_events__timeline(dispatched, loop, client_for):
    merchant = client_for(loop.merchant)
    data = {"photos": [make_photo()], "note": "已清理", "lat": 32.0513, "lng": 120.8635}
    assert merchant.post(url(dispatched, "proof"), data, format="multipart").status_code == 200
    response = client_for(loop.community_staff).get(url(dispatched, "events"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    events = response.json()
    assert [e["kind"] for e in events] == ["found", "dispatched", "proof_submitted"]
    found, sent, proof = events
    assert found["actor"]["name"] == "巡查员小李"
    assert (found["from_state"], found["to_state"]) == ("", "found")
    assert len(found["photos"]) == 1
    assert found["lat"] == pytest.approx(32.0513, abs=1e-6)
    assert (sent["from_state"], sent["to_state"]) == ("found", "dispatched")
    assert sent["data"]["merchant"] is True
    assert proof["actor"] == {"id": loop.merchant.pk, "name": "商户老王"}
    assert proof["note"] == "已清理"
    assert proof["photos"][0]["kind"] == "proof"
    assert proof["photos"][0]["url"].startswith("http://testserver/media/")
    assert dt.datetime.fromisoformat(proof["at"]) <= clock.now()
