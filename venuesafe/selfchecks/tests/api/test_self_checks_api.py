import datetime as dt
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from venuesafe.core import clock
from venuesafe.hazards.models import Hazard, HazardState
from venuesafe.selfchecks.models import SelfCheck, SelfCheckAnswer
from venuesafe.selfchecks.tests.views.helpers import punch_in
from venuesafe.testing.factories import make_photo

URL = "/api/v1/self-checks/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def items_of(client, venue_id) -> list[dict]:
    response = client.get(f"/api/v1/venues/{venue_id}/self-check-items/")
    assert response.status_code == 200, response.content
    return [item for step in response.json() for item in step["items"]]


def document(client, venue_id, *, no: dict[str, dict] | None = None, **extra) -> tuple[dict, dict]:
    """(the JSON document, the photo parts): "yes" to every item except the codes in `no`."""
    no = no or {}
    answers, parts = [], {}
    for item in items_of(client, venue_id):
        answer = {"item": item["id"], "ok": item["code"] not in no}
        if item["photo_required"]:
            answer["photo"] = f"p{item['id']}"
            parts[f"p{item['id']}"] = make_photo(f"{item['code']}.jpg")
        answer.update(no.get(item["code"], {}))
        answers.append(answer)
    doc = {"client_id": str(uuid.uuid4()), "venue": venue_id, "answers": answers, **extra}
    return doc, parts


def submit(client, doc, parts):
    return client.post(URL, {"payload": json.dumps(doc), **parts}, format="multipart")


def nothing_saved() -> bool:
    return not SelfCheck.objects.exists() and not SelfCheckAnswer.objects.exists() and not Hazard.objects.exists()


def test_self_check_items__by_step_with_hints(shops):
    response = api(shops.merchant).get(f"/api/v1/venues/{shops.shop.pk}/self-check-items/", HTTP_ACCEPT_LANGUAGE="en")
    steps = response.json()
    assert [s["step"] for s in steps] == ["equipment", "wiring", "passages"]
    first = steps[0]["items"][0]
    assert first["code"] == "SC-EQ-01"
    assert first["photo_required"] is True
    assert first["hint"].startswith("Needle in the green")
    assert first["hazard_type"] == "EXT-03"
    assert api(shops.merchant).get(f"/api/v1/venues/{shops.other_shop.pk}/self-check-items/").status_code == 404


def test_self_checks_create__one_no_with_photo_raises_a_dispatched_hazard(shops):
    client = api(shops.merchant)
    doc, parts = document(client, shops.shop.pk, no={"SC-WI-01": {"note": "插座烧黑", "photo": "socket"}})
    parts["socket"] = make_photo("socket.jpg")
    response = submit(client, doc, parts)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["revision"] == 1
    assert body["day"] == clock.local_today().isoformat()
    assert body["failed_count"] == 1
    failed = [a for a in body["answers"] if not a["ok"]]
    assert len(failed) == 1 and failed[0]["item_code"] == "SC-WI-01"
    assert failed[0]["hazard"]["state"] == "dispatched"
    assert failed[0]["photo"].startswith("http://testserver/")
    hazard = Hazard.objects.get()
    assert hazard.pk == failed[0]["hazard"]["id"]
    assert hazard.state == HazardState.DISPATCHED


def test_self_checks_create__fix_now_goes_to_awaiting_review(shops):
    client = api(shops.merchant)
    doc, parts = document(client, shops.shop.pk, no={"SC-PA-02": {"fix_now": True, "proof_photo": "after"}})
    response = submit(client, doc, parts | {"after": make_photo("after.jpg")})
    assert response.status_code == 201, response.content
    assert Hazard.objects.get().state == HazardState.AWAITING_REVIEW


def test_self_checks_create__retry_with_same_client_id_creates_nothing_twice(shops):
    client = api(shops.merchant)
    doc, parts = document(client, shops.shop.pk, no={"SC-WI-01": {}})
    first = submit(client, doc, parts)
    _doc, parts_again = document(client, shops.shop.pk)
    second = submit(client, doc, parts_again)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert SelfCheck.objects.count() == 1
    assert Hazard.objects.count() == 1


def test_self_checks_create__amend_same_day_is_revision_2_both_kept(shops):
    client = api(shops.merchant)
    first = submit(client, *document(client, shops.shop.pk))
    second = submit(client, *document(client, shops.shop.pk, no={"SC-WI-02": {}}))
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["revision"] == 2
    today = clock.local_today().isoformat()
    listed = client.get(URL, {"venue": shops.shop.pk, "day": today}).json()["results"]
    assert [c["revision"] for c in listed] == [2, 1]
    detail = client.get(f"{URL}{first.json()['id']}/").json()
    assert detail["revision"] == 1
    assert all(a["ok"] for a in detail["answers"])


def test_self_checks_create__json_without_photos_is_refused_where_a_photo_is_required(shops):
    client = api(shops.merchant)
    doc, _parts = document(client, shops.shop.pk)
    for answer in doc["answers"]:
        answer.pop("photo", None)
    response = client.post(URL, doc, format="json")
    assert response.status_code == 400
    assert "answers[0].photo" in response.json()["fields"]
    assert nothing_saved()


@pytest.mark.parametrize("who", ["other_merchant", "other_community_staff"])
def test_self_checks_create__venue_not_visible_is_404_and_nothing_saved(shops, who):
    client = api(shops.merchant)
    doc, parts = document(client, shops.shop.pk)
    response = submit(api(getattr(shops, who)), doc, parts)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert nothing_saved()


def test_self_checks_create__staff_who_see_the_venue_are_403(shops):
    doc, parts = document(api(shops.merchant), shops.shop.pk)
    response = submit(api(shops.grid_worker), doc, parts)
    assert response.status_code == 403
    assert response.json()["code"] == "not_venue_merchant"
    assert nothing_saved()


def test_self_checks_create__non_image_photo_is_400_on_its_field(shops):
    client = api(shops.merchant)
    doc, parts = document(client, shops.shop.pk)
    first_photo = doc["answers"][0]["photo"]
    parts[first_photo] = SimpleUploadedFile("gauge.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    response = submit(client, doc, parts)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["answers[0].photo"]
    assert nothing_saved()


def test_self_checks_create__missing_part_is_400_on_its_field(shops):
    client = api(shops.merchant)
    doc, parts = document(client, shops.shop.pk)
    parts.pop(doc["answers"][0]["photo"])
    response = submit(client, doc, parts)
    assert response.status_code == 400
    assert "answers[0].photo" in response.json()["fields"]
    assert nothing_saved()


def test_self_checks_create__future_day_is_400_on_day(shops):
    client = api(shops.merchant)
    tomorrow = clock.local_today() + dt.timedelta(days=1)
    response = submit(client, *document(client, shops.shop.pk, day=tomorrow.isoformat()))
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["day"]
    assert nothing_saved()


def test_self_checks_list__scoped(shops):
    punch_in(shops.shop, shops.merchant)
    punch_in(shops.other_shop, shops.other_merchant)
    venues = lambda user: {c["venue"]["id"] for c in api(user).get(URL).json()["results"]}  # noqa: E731
    assert venues(shops.merchant) == {shops.shop.pk}
    assert venues(shops.community_staff) == {shops.shop.pk}
    assert venues(shops.other_community_staff) == {shops.other_shop.pk}
    other_id = SelfCheck.objects.get(venue=shops.other_shop).pk
    assert api(shops.community_staff).get(f"{URL}{other_id}/").status_code == 404


# --- the grid worker's list and the figures -----------------------------------------------


def test_self_checks_missing__changes_after_a_punch_in(shops):
    client = api(shops.grid_worker)
    rows = client.get(f"{URL}missing/").json()["results"]
    assert [(r["id"], r["merchants"], r["grid"]["id"]) for r in rows] == [
        (shops.shop.pk, 1, shops.district.grid_a1a.pk)
    ]
    punch_in(shops.shop, shops.merchant)
    assert client.get(f"{URL}missing/").json()["results"] == []
    assert api(shops.merchant).get(f"{URL}missing/").status_code == 403


def test_self_checks_figures__rate_moves_from_0_to_100_percent_and_matches_the_page(shops):
    client = api(shops.community_staff)
    before = client.get(f"{URL}figures/").json()
    assert before["total"]["expected"] == 1 and before["total"]["rate"] == 0
    punch_in(shops.shop, shops.merchant)
    after = client.get(f"{URL}figures/").json()
    assert after["total"] == {"id": None, "name": "", "expected": 1, "punched": 1, "rate": 1.0}
    assert [r["id"] for r in after["by_community"]] == [shops.district.comm_a1.pk]
    assert [r["id"] for r in after["by_grid"]] == [shops.district.grid_a1a.pk]
    assert after["daily"][-1] == {"day": clock.local_today().isoformat(), "expected": 1, "punched": 1, "rate": 1.0}
    assert len(after["daily"]) == 30
    assert after["mastery_rule"] == {"days": 20, "window_days": 30}
    assert after["merchants"] == 1 and after["masters"] == 0
    assert after["longest_streaks"][0] == {"venue_id": shops.shop.pk, "name": "老王便利店", "streak": 1}


def test_self_checks_figures__a_community_sees_nothing_of_another(shops):
    punch_in(shops.other_shop, shops.other_merchant)
    mine = api(shops.community_staff).get(f"{URL}figures/").json()
    assert mine["total"]["punched"] == 0
    assert [r["id"] for r in mine["by_community"]] == [shops.district.comm_a1.pk]
    response = api(shops.community_staff).get(f"{URL}figures/", {"org_unit": shops.district.comm_b1.pk})
    assert response.status_code == 400  # not a visible org unit
    assert "org_unit" in response.json()["fields"]


def test_self_checks_figures__future_day_400_and_merchant_403(shops):
    tomorrow = clock.local_today() + dt.timedelta(days=1)
    response = api(shops.street_office).get(f"{URL}figures/", {"day": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "day" in response.json()["fields"]
    assert api(shops.merchant).get(f"{URL}figures/").status_code == 403
