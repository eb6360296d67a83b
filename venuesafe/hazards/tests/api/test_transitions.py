import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from venuesafe.accounts.models import Role
from venuesafe.core import clock, geo
from venuesafe.hazards.models import Hazard, HazardEvent, HazardState
from venuesafe.testing.factories import make_photo, user_with_role, venue
from venuesafe.venues.models import VenueMerchant

from .helpers import snapshot, url


def later(hours: int) -> str:
    return timezone.localtime(clock.now() + dt.timedelta(hours=hours)).isoformat()


def proof(client, hazard, **extra):
    data = {"photos": [make_photo("after.jpg")], "note": "已清理通道", **extra}
    return client.post(url(hazard, "proof"), data, format="multipart")


# --- each transition ------------------------------------------------------------------------


def test_hazards_dispatch__to_a_community_with_default_deadline(found, loop, client_for, district):
    response = client_for(loop.community_staff).post(
        url(found, "dispatch"), {"responsible_community": district.comm_a1.pk, "note": "社区跟进"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "dispatched"
    assert body["version"] == found.version + 1
    assert body["responsible"]["merchant"] is False
    assert body["responsible"]["community"]["id"] == district.comm_a1.pk
    found.refresh_from_db()
    assert found.state == HazardState.DISPATCHED
    assert found.deadline > clock.now()
    assert found.events.last().note == "社区跟进"


def test_hazards_dispatch__explicit_deadline_and_department(found, loop, client_for):
    deadline = later(48)
    response = client_for(loop.street_office).post(
        url(found, "dispatch"), {"responsible_department": "FIRE", "deadline": deadline}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["responsible"]["department"]["code"] == "FIRE"
    found.refresh_from_db()
    assert found.deadline == dt.datetime.fromisoformat(deadline)


def test_hazards_acknowledge__merchant_starts_rectifying(dispatched, loop, client_for):
    response = client_for(loop.merchant).post(url(dispatched, "acknowledge"), {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "rectifying"
    assert [a["action"] for a in response.json()["allowed_actions"]] == ["submit_proof"]


def test_hazards_proof__photos_note_and_position(dispatched, loop, client_for):
    glat, glng = geo.from_wgs84(32.0513, 120.8635, "gcj02")
    response = proof(
        client_for(loop.merchant), dispatched, lat=glat, lng=glng, accuracy_m=5, coord_system="gcj02", version=2
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "awaiting_review"
    assert [p["kind"] for p in body["photos"]] == ["evidence", "proof"]
    assert body["photos"][1]["url"].startswith("http://testserver/media/hazards/")
    event = HazardEvent.objects.filter(hazard=dispatched).last()
    assert event.kind == "proof_submitted"
    assert event.note == "已清理通道"
    assert (event.lat, event.lng) == (pytest.approx(32.0513, abs=1e-6), pytest.approx(120.8635, abs=1e-6))


def test_hazards_proof__several_photos_as_photos_brackets(dispatched, loop, client_for):
    data = {"photos[]": [make_photo("a.jpg"), make_photo("b.png", "PNG")]}
    response = client_for(loop.merchant).post(url(dispatched, "proof"), data, format="multipart")
    assert response.status_code == 200, response.content
    assert [p["kind"] for p in response.json()["photos"]] == ["evidence", "proof", "proof"]


def test_hazards_review__fail_then_pass(dispatched, loop, client_for):
    assert proof(client_for(loop.merchant), dispatched).status_code == 200
    inspector = client_for(loop.inspector)
    failed = inspector.post(
        url(dispatched, "review-fail"), {"reason": "通道仍有杂物", "photos": [make_photo()]}, format="multipart"
    )
    assert failed.status_code == 200, failed.content
    assert failed.json()["state"] == "rectifying"
    assert failed.json()["review_failures"] == 1
    assert failed.json()["photos"][-1]["kind"] == "review"
    assert proof(client_for(loop.merchant), dispatched).status_code == 200
    passed = inspector.post(url(dispatched, "review-pass"), {"note": "已整改到位"}, format="json")
    assert passed.status_code == 200, passed.content
    assert passed.json()["state"] == "closed"
    assert passed.json()["closed_at"]
    assert passed.json()["is_overdue"] is False


def test_hazards_reopen__closed_goes_back_to_rectifying(dispatched, loop, client_for):
    assert proof(client_for(loop.merchant), dispatched).status_code == 200
    assert client_for(loop.inspector).post(url(dispatched, "review-pass"), {}, format="json").status_code == 200
    response = client_for(loop.community_staff).post(url(dispatched, "reopen"), {"reason": "复发"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "rectifying"
    assert response.json()["reopen_count"] == 1


def test_hazards_redispatch__street_office_with_reason(dispatched, loop, client_for, district):
    response = client_for(loop.street_office).post(
        url(dispatched, "redispatch"),
        {"responsible_community": district.comm_a1.pk, "reason": "商户无力整改", "deadline": later(100)},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "dispatched"
    assert body["responsible"]["merchant"] is False
    assert body["responsible"]["community"]["id"] == district.comm_a1.pk


def test_hazards_extend_deadline__later_with_reason(dispatched, loop, client_for):
    new = later(24 * 10)
    response = client_for(loop.street_office).post(
        url(dispatched, "extend-deadline"), {"deadline": new, "reason": "需采购设备"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert dt.datetime.fromisoformat(response.json()["deadline"]) == dt.datetime.fromisoformat(new)
    assert response.json()["state"] == "dispatched"


def test_hazards_withdraw__kept_and_marked(dispatched, loop, client_for):
    response = client_for(loop.street_office).post(url(dispatched, "withdraw"), {"reason": "误报"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "withdrawn"
    assert Hazard.objects.filter(pk=dispatched.pk, state="withdrawn").exists()


# --- refusals: 409 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "who", "data"),
    [
        ("review-pass", "inspector", {}),
        ("review-fail", "inspector", {"reason": "x"}),
        ("reopen", "inspector", {"reason": "x"}),
        ("dispatch", "community_staff", {"responsible_merchant": True}),
    ],
)
def test_hazards_transition__wrong_state_is_409_and_changes_nothing(dispatched, loop, client_for, action, who, data):
    before = snapshot(dispatched)
    response = client_for(getattr(loop, who)).post(url(dispatched, action), data, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "state_conflict"
    assert body["current_state"] == "dispatched"
    assert body["version"] == dispatched.version
    assert snapshot(dispatched) == before


def test_hazards_transition__stale_version_is_409(dispatched, loop, client_for):
    seen = client_for(loop.merchant).get(url(dispatched)).json()["version"]
    assert (
        client_for(loop.merchant).post(url(dispatched, "acknowledge"), {"version": seen}, format="json").status_code
        == 200
    )
    before = snapshot(dispatched)
    response = proof(client_for(loop.merchant), dispatched, version=seen)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version"
    assert body["current_state"] == "rectifying"
    assert body["version"] == seen + 1
    assert snapshot(dispatched) == before
    assert proof(client_for(loop.merchant), dispatched, version=body["version"]).status_code == 200


# --- refusals: 403 / 404 --------------------------------------------------------------------


def test_hazards_transition__merchant_of_another_venue_is_404(dispatched, loop, client_for, district):
    other = user_with_role(Role.MERCHANT, district.comm_a1)
    VenueMerchant.objects.create(venue=venue(district.comm_a1, district.grid_a1a), user=other)
    before = snapshot(dispatched)
    for action in ("acknowledge", "proof"):
        response = client_for(other).post(url(dispatched, action), {"photos": [make_photo()]}, format="multipart")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client_for(other).get(url(dispatched)).status_code == 404
    assert snapshot(dispatched) == before


def test_hazards_transition__staff_of_another_street_is_404(found, client_for, district):
    outsider = user_with_role(Role.STREET_OFFICE, district.street_b)
    response = client_for(outsider).post(url(found, "withdraw"), {"reason": "x"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "action", "data"),
    [
        ("grid_worker", "dispatch", {"responsible_merchant": True}),
        ("inspector", "dispatch", {"responsible_merchant": True}),
        ("merchant", "withdraw", {"reason": "不想整改"}),
        ("community_staff", "withdraw", {"reason": "x"}),
    ],
)
def test_hazards_transition__visible_but_not_allowed_is_403(found, dispatched, loop, client_for, who, action, data):
    hazard = found if action == "dispatch" else dispatched
    before = snapshot(hazard)
    response = client_for(getattr(loop, who)).post(url(hazard, action), data, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "not_allowed_for_hazard"
    assert snapshot(hazard) == before


def test_hazards_review__own_proof_is_403(dispatched, loop, client_for):
    staff = client_for(loop.community_staff)
    assert proof(staff, dispatched).status_code == 200  # on the merchant's behalf
    before = snapshot(dispatched)
    response = staff.post(url(dispatched, "review-pass"), {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "own_proof"
    assert snapshot(dispatched) == before


# --- refusals: 400 --------------------------------------------------------------------------


def test_hazards_proof__without_photos_is_400(dispatched, loop, client_for):
    before = snapshot(dispatched)
    response = client_for(loop.merchant).post(url(dispatched, "proof"), {"note": "好了"}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["photos"]
    assert snapshot(dispatched) == before


def test_hazards_proof__non_image_is_400(dispatched, loop, client_for):
    before = snapshot(dispatched)
    fake = SimpleUploadedFile("after.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client_for(loop.merchant).post(url(dispatched, "proof"), {"photos": [fake]}, format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()["fields"]
    assert snapshot(dispatched) == before


def test_hazards_proof__position_outside_china_is_400(dispatched, loop, client_for):
    before = snapshot(dispatched)
    response = proof(client_for(loop.merchant), dispatched, lat=1.3521, lng=103.8198)
    assert response.status_code == 400
    assert "lat" in response.json()["fields"]
    assert snapshot(dispatched) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"deadline": "past", "reason": "需采购设备"}, "deadline"),
        ({"deadline": "naive", "reason": "需采购设备"}, "deadline"),
        ({"reason": "需采购设备"}, "deadline"),
        ({"deadline": "future", "reason": ""}, "reason"),
        ({"deadline": "future", "reason": "x", "version": "two"}, "version"),
    ],
)
def test_hazards_extend_deadline__bad_input_is_400(dispatched, loop, client_for, data, field):
    values = {
        "past": later(-1),
        "naive": (clock.now() + dt.timedelta(days=5)).replace(tzinfo=None).isoformat(),
        "future": later(24 * 10),
    }
    if "deadline" in data:
        data = {**data, "deadline": values[data["deadline"]]}
    before = snapshot(dispatched)
    response = client_for(loop.street_office).post(url(dispatched, "extend-deadline"), data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert snapshot(dispatched) == before


def test_hazards_extend_deadline__not_later_than_current_is_400(dispatched, loop, client_for):
    dispatched.refresh_from_db()
    earlier = timezone.localtime(dispatched.deadline - dt.timedelta(hours=1)).isoformat()
    before = snapshot(dispatched)
    response = client_for(loop.street_office).post(
        url(dispatched, "extend-deadline"), {"deadline": earlier, "reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "deadline" in response.json()["fields"]
    assert snapshot(dispatched) == before


@pytest.mark.parametrize(
    ("action", "who", "data", "field"),
    [
        ("dispatch", "community_staff", {}, "responsible"),
        (
            "dispatch",
            "community_staff",
            {"responsible_merchant": True, "deadline": "2020-01-01T00:00:00+08:00"},
            "deadline",
        ),
        ("withdraw", "street_office", {"reason": "  "}, "reason"),
        ("redispatch", "street_office", {"responsible_merchant": True}, "reason"),
    ],
)
def test_hazards_transition__bad_input_is_400(found, loop, client_for, action, who, data, field):
    before = snapshot(found)
    response = client_for(getattr(loop, who)).post(url(found, action), data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert snapshot(found) == before


def test_hazards_dispatch__community_of_another_street_is_400(found, loop, client_for, district):
    before = snapshot(found)
    response = client_for(loop.street_office).post(
        url(found, "dispatch"), {"responsible_community": district.comm_b1.pk}, format="json"
    )
    # The street office of A cannot see community B1 at all: it reads as an unknown id.
    assert response.status_code == 400
    assert "responsible_community" in response.json()["fields"]
    assert snapshot(found) == before


def test_hazards_review_fail__without_reason_is_400(dispatched, loop, client_for):
    assert proof(client_for(loop.merchant), dispatched).status_code == 200
    before = snapshot(dispatched)
    response = client_for(loop.inspector).post(url(dispatched, "review-fail"), {"reason": ""}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["reason"]
    assert snapshot(dispatched) == before
