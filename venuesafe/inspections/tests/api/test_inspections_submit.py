import datetime as dt
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from venuesafe.accounts.models import Role
from venuesafe.core import clock, geo
from venuesafe.hazards.models import Hazard, HazardPhoto, HazardState
from venuesafe.inspections.models import Inspection, InspectionAnswer
from venuesafe.notices.models import Notice
from venuesafe.testing.factories import make_photo, user_with_role

from .helpers import INSPECTIONS_URL, document, submit_multipart, submit_with_failure


def nothing_saved():
    return not Inspection.objects.exists() and not Hazard.objects.exists() and not InspectionAnswer.objects.exists()


def test_inspections_create__json_all_pass(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk)
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["client_id"] == doc["client_id"]
    assert body["venue"]["id"] == loop.venue.pk
    assert body["inspector"] == {"id": loop.inspector.pk, "name": "巡查员小李"}
    assert body["location_status"] == "on_site"
    assert 0 < body["distance_m"] < 50
    assert body["hazards"] == []
    assert len(body["answers"]) == len(doc["answers"])
    assert {a["result"] for a in body["answers"]} == {"pass"}
    assert Inspection.objects.get().answers.count() == len(doc["answers"])


def test_inspections_create__multipart_failed_item_raises_hazard_for_the_merchant(loop, client_for):
    response = submit_with_failure(client_for(loop.inspector), loop.venue.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    hazard = Hazard.objects.get()
    assert body["hazards"] == [
        {
            "id": hazard.pk,
            "hazard_type": "EVA-01",
            "severity": hazard.severity,
            "state": "dispatched",
            "deadline": body["hazards"][0]["deadline"],
            "fixed_on_spot": False,
        }
    ]
    assert dt.datetime.fromisoformat(body["hazards"][0]["deadline"]) == hazard.deadline
    assert body["answers"][0]["hazard"] == hazard.pk
    assert body["answers"][0]["checklist_code"] == "GEN-01"
    assert hazard.state == HazardState.DISPATCHED
    assert hazard.responsible_merchant is True
    photo = HazardPhoto.objects.get(hazard=hazard)
    assert photo.kind == "evidence"
    assert photo.image.name.endswith(".jpg")
    assert Notice.objects.filter(recipient=loop.merchant, kind="dispatched", hazard=hazard).exists()


def test_inspections_create__fixed_on_spot_goes_to_review(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk, fail={1: {"fixed_on_spot": True, "proof_photos": ["after"]}})
    response = submit_multipart(client, doc, {"after": make_photo("after.jpg")})
    assert response.status_code == 201, response.content
    assert response.json()["hazards"][0]["state"] == "awaiting_review"
    assert HazardPhoto.objects.get().kind == "proof"


def test_inspections_create__position_in_requested_system(loop, client_for):
    client = client_for(loop.inspector)
    glat, glng = geo.from_wgs84(32.0513, 120.8635, "gcj02")
    doc = document(client, loop.venue.pk, lat=glat, lng=glng, coord_system="gcj02")
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["coord_system"] == "gcj02"
    assert (body["lat"], body["lng"]) == (pytest.approx(glat, abs=1e-6), pytest.approx(glng, abs=1e-6))
    stored = Inspection.objects.get()
    assert (stored.lat, stored.lng) == (pytest.approx(32.0513, abs=1e-6), pytest.approx(120.8635, abs=1e-6))
    assert body["location_status"] == "on_site"
    detail = client.get(f"{INSPECTIONS_URL}{body['id']}/").json()
    assert (detail["lat"], detail["lng"]) == (pytest.approx(32.0513, abs=1e-6), pytest.approx(120.8635, abs=1e-6))


def test_inspections_create__far_away_is_saved_off_site(loop, client_for):
    client = client_for(loop.inspector)
    response = client.post(INSPECTIONS_URL, document(client, loop.venue.pk, lat=32.07, lng=120.8635), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["location_status"] == "off_site"
    assert response.json()["distance_m"] > 200


def test_inspections_create__no_position_is_saved_so(loop, client_for):
    client = client_for(loop.inspector)
    response = client.post(INSPECTIONS_URL, document(client, loop.venue.pk, lat=None, lng=None), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["location_status"] == "no_location"


def test_inspections_create__corrects_the_archive(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk, venue_changes={"sign_name": "老王便利店", "photo": "front"})
    response = submit_multipart(client, doc, {"front": make_photo("front.jpg")})
    assert response.status_code == 201, response.content
    assert set(response.json()["corrected_fields"]) == {"sign_name", "photo"}
    loop.venue.refresh_from_db()
    assert loop.venue.sign_name == "老王便利店"
    assert loop.venue.photo.name


# --- idempotency ----------------------------------------------------------------------------


def test_inspections_create__retry_with_same_client_id_creates_nothing_twice(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk, fail={0: {"photos": ["p1"]}})
    first = submit_multipart(client, doc)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first.headers
    again = submit_multipart(client, doc)
    assert again.status_code == 200, again.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Inspection.objects.count() == 1
    assert Hazard.objects.count() == 1
    assert HazardPhoto.objects.count() == 1


def test_inspections_create__client_id_of_another_user_is_409(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk)
    assert client.post(INSPECTIONS_URL, doc, format="json").status_code == 201
    response = client_for(loop.inspector_2).post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "client_id_taken"
    assert Inspection.objects.get().inspector == loop.inspector


# --- refusals -------------------------------------------------------------------------------


def test_inspections_create__missing_photo_part_is_400_on_that_field(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk, fail={2: {"photos": ["p1", "p2"]}})
    response = submit_multipart(client, doc, {"p1": make_photo()})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["answers[2].photos"]
    assert "p2" in response.json()["fields"]["answers[2].photos"][0]
    assert nothing_saved()


def test_inspections_create__non_image_photo_is_400(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk, fail={0: {"photos": ["p1"]}})
    text = SimpleUploadedFile("exit.jpg", b"not an image at all", content_type="image/jpeg")
    response = submit_multipart(client, doc, {"p1": text})
    assert response.status_code == 400
    assert "answers[0].photos" in response.json()["fields"]
    assert nothing_saved()


def test_inspections_create__failed_item_without_photo_is_400(loop, client_for):
    client = client_for(loop.inspector)
    response = client.post(INSPECTIONS_URL, document(client, loop.venue.pk, fail={0: {}}), format="json")
    assert response.status_code == 400
    assert "answers[0].photos" in response.json()["fields"]
    assert nothing_saved()


def test_inspections_create__unknown_checklist_item_is_400(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk)
    doc["answers"][3]["checklist_item"] = 999999
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 400
    assert "answers[3].checklist_item" in response.json()["fields"]
    assert nothing_saved()


def test_inspections_create__unanswered_questions_are_400(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk)
    doc["answers"] = doc["answers"][:-2]
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 400
    assert "answers" in response.json()["fields"]
    del doc["answers"]
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 400
    assert "answers" in response.json()["fields"]
    assert nothing_saved()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"ended_at": "2026-05-04T09:42:00"}, "ended_at"),
        ({"lat": 1.3521, "lng": 103.8198}, "lat"),
        ({"coord_system": "mars"}, "coord_system"),
    ],
)
def test_inspections_create__bad_fields_are_400(loop, client_for, change, field):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk)
    doc.update(change)
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert nothing_saved()


def test_inspections_create__nested_field_errors_name_the_answer(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk)
    doc["answers"][1]["result"] = "maybe"
    doc["answers"][4]["hazard_type"] = "NOPE-99"
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"answers[1].result", "answers[4].hazard_type"}


def test_inspections_create__time_in_the_future_is_400(loop, client_for):
    client = client_for(loop.inspector)
    later = (clock.now() + dt.timedelta(hours=2)).isoformat()
    response = client.post(INSPECTIONS_URL, document(client, loop.venue.pk, ended_at=later), format="json")
    assert response.status_code == 400
    assert "ended_at" in response.json()["fields"]


def test_inspections_create__bad_payload_part_is_400(loop, client_for):
    client = client_for(loop.inspector)
    response = client.post(INSPECTIONS_URL, {"payload": "{not json", "p1": make_photo()}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["payload"]
    response = client.post(INSPECTIONS_URL, {"p1": make_photo()}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["payload"]


def test_inspections_create__bad_archive_correction_names_venue_changes(loop, client_for):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk, venue_changes={"licence_no": "91320602MA1ABCDE1X"})
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 400, response.content
    assert "venue_changes.licence_no" in response.json()["fields"]
    assert nothing_saved()


def test_inspections_create__merchant_may_not_inspect(loop, client_for):
    client = client_for(loop.merchant)
    doc = document(client, loop.venue.pk)
    response = client.post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "cannot_inspect_venue"
    assert nothing_saved()


def test_inspections_create__venue_out_of_scope_reads_as_unknown(loop, client_for, district):
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk)
    elsewhere = user_with_role(Role.INSPECTOR, district.comm_b1)
    response = client_for(elsewhere).post(INSPECTIONS_URL, doc, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["venue"]
    assert nothing_saved()


# --- reading --------------------------------------------------------------------------------


def test_inspections_list__filters_and_scope(loop, client_for, district):
    client = client_for(loop.inspector)
    assert submit_with_failure(client, loop.venue.pk).status_code == 201
    far = document(client, loop.venue.pk, lat=32.07, lng=120.8635)
    assert client.post(INSPECTIONS_URL, far, format="json").status_code == 201

    body = client.get(INSPECTIONS_URL).json()
    assert body["count"] == 2
    assert body["results"][0]["client_id"] == far["client_id"]  # newest first
    off_site = client.get(INSPECTIONS_URL, {"location_status": "off_site"}).json()
    assert [r["client_id"] for r in off_site["results"]] == [far["client_id"]]
    assert client.get(INSPECTIONS_URL, {"inspector": loop.inspector_2.pk}).json()["count"] == 0
    assert client.get(INSPECTIONS_URL, {"venue": loop.venue.pk}).json()["count"] == 2
    assert client.get(INSPECTIONS_URL, {"location_status": "nowhere"}).status_code == 400

    # The merchant sees the inspections of its own venue; staff of another street none.
    assert client_for(loop.merchant).get(INSPECTIONS_URL).json()["count"] == 2
    outsider = user_with_role(Role.STREET_OFFICE, district.street_b)
    assert client_for(outsider).get(INSPECTIONS_URL).json()["count"] == 0
    inspection = Inspection.objects.first()
    assert client_for(outsider).get(f"{INSPECTIONS_URL}{inspection.pk}/").status_code == 404


def test_inspections_retrieve__answers_and_hazards(loop, client_for):
    client = client_for(loop.inspector)
    created = submit_with_failure(client, loop.venue.pk).json()
    detail = client.get(f"{INSPECTIONS_URL}{created['id']}/")
    assert detail.status_code == 200
    assert detail.json() == created


def test_inspections_list__queries_do_not_grow_with_rows(loop, client_for, django_assert_max_num_queries):
    client = client_for(loop.inspector)
    for _ in range(3):
        doc = document(client, loop.venue.pk)
        doc["client_id"] = str(uuid.uuid4())
        assert client.post(INSPECTIONS_URL, doc, format="json").status_code == 201
    with django_assert_max_num_queries(8):
        body = client.get(INSPECTIONS_URL).json()
    assert body["count"] == 3


def test_inspections_create__json_body_is_not_a_payload(loop, client_for):
    # JSON requests carry the document itself; a `payload` key there is just an unknown field.
    client = client_for(loop.inspector)
    doc = document(client, loop.venue.pk)
    response = client.post(INSPECTIONS_URL, {"payload": json.dumps(doc)}, format="json")
    assert response.status_code == 400
    assert "client_id" in response.json()["fields"]
