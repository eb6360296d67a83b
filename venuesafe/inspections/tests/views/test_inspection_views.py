import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from venuesafe.hazards.models import Hazard, HazardPhoto, HazardState
from venuesafe.inspections.models import Inspection, InspectionAnswer, LocationStatus
from venuesafe.inspections.selectors import checklist_for_category
from venuesafe.testing.factories import category, make_photo, venue
from venuesafe.venues.models import Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def food_venue(loop):
    return venue(
        loop.d.comm_a1, loop.d.grid_a1a, category=category("FOOD"), sign_name="老李饭店", lat=32.05, lng=120.85
    )


def _items(v):
    return list(checklist_for_category(v.category))


def _post_data(v, *, fail=None, photo=True, client_id=None, **extra):
    """Every question answered "yes" except the item coded `fail`, answered "no" (with a photo)."""
    data = {
        "client_id": str(client_id or uuid.uuid4()),
        "started_at": (timezone.localtime() - dt.timedelta(minutes=10)).isoformat(),
        "lat": "32.0501",
        "lng": "120.8501",
        "accuracy_m": "12",
        "coord_system": "wgs84",
        "note": "",
    }
    for item in _items(v):
        data[f"answer-{item.pk}"] = "pass"
        if item.code == fail:
            data[f"answer-{item.pk}"] = "fail"
            data[f"note-{item.pk}"] = "报警器断电"
            if photo:
                data[f"photos-{item.pk}"] = [make_photo("gas.jpg")]
    data.update(extra)
    return data


def _post(client, v, data):
    with translation.override("en"):
        return client.post(reverse("inspections:start", args=[v.pk]), data, HTTP_ACCEPT_LANGUAGE="en")


def test_inspection_start__renders_food_checklist_with_gas_questions(client, loop, food_venue):
    client.force_login(loop.inspector)
    with translation.override("en"):
        response = client.get(reverse("inspections:start", args=[food_venue.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="inspection-form"' in body
    assert 'id="section-gas"' in body
    items = {i.code: i for i in _items(food_venue)}
    for code in ("FOOD-01", "FOOD-02", "FOOD-03"):  # gas alarm, shut-off valve, hose
        pk = items[code].pk
        assert f'name="answer-{pk}"' in body
        assert f'id="answer-{pk}-fail"' in body
        assert f'id="photos-{pk}"' in body
    assert "gas alarm" in body.lower() and "hose" in body.lower() and "shut-off valve" in body.lower()
    # The hazard choice of a "no" has the item's default hazard preselected.
    default = items["FOOD-01"].default_hazard_type
    assert f'<option value="{default.pk}" selected>' in body
    assert 'capture="environment"' in body and "multiple" in body
    assert 'name="client_id"' in body and 'name="started_at"' in body
    assert 'data-offsite-m="200"' in body
    assert 'id="venue-corrections"' in body and 'name="relocate_venue"' in body
    assert 'name="adhoc-hazard_type"' in body


def test_inspection_start__one_failed_item_creates_inspection_and_hazard_once(client, loop, food_venue):
    client.force_login(loop.inspector)
    client_id = uuid.uuid4()
    data = _post_data(food_venue, fail="FOOD-01", client_id=client_id)
    response = _post(client, food_venue, data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("inspections:detail", args=[inspection.pk])
    assert inspection.client_id == client_id
    assert inspection.inspector == loop.inspector
    assert inspection.location_status == LocationStatus.ON_SITE
    assert inspection.accuracy_m == 12
    hazard = Hazard.objects.get()
    assert hazard.venue == food_venue
    assert hazard.hazard_type.code.startswith("GAS-")
    assert hazard.description == "报警器断电"
    assert HazardPhoto.objects.filter(hazard=hazard, kind="evidence").count() == 1
    assert InspectionAnswer.objects.filter(inspection=inspection, result="fail", hazard=hazard).count() == 1

    # A retry after a lost response (same client id, same data) creates nothing twice.
    retry = _post(client, food_venue, _post_data(food_venue, fail="FOOD-01", client_id=client_id))
    assert retry.status_code == 302
    assert retry.url == reverse("inspections:detail", args=[inspection.pk])
    assert Inspection.objects.count() == 1
    assert Hazard.objects.count() == 1
    assert HazardPhoto.objects.count() == 1

    detail = client.get(response.url)
    body = detail.content.decode()
    assert detail.status_code == 200
    assert reverse("hazards:detail", args=[hazard.pk]) in body
    assert 'data-location-status="on_site"' in body


def test_inspection_start__failed_item_without_photo_rerenders_and_saves_nothing(client, loop, food_venue):
    client.force_login(loop.inspector)
    data = _post_data(food_venue, fail="FOOD-03", photo=False)
    response = _post(client, food_venue, data)
    assert response.status_code == 400
    assert Inspection.objects.count() == 0
    assert Hazard.objects.count() == 0
    body = response.content.decode()
    item = next(i for i in _items(food_venue) if i.code == "FOOD-03")
    assert 'id="inspection-error-summary"' in body
    assert f'id="errors-item-{item.pk}"' in body
    assert "Add at least one photo." in body
    # The answers stay as given, the details of the "no" open, the same client id kept.
    assert f'id="answer-{item.pk}-fail" value="fail" checked' in body
    assert f'value="{data["client_id"]}"' in body


def test_inspection_start__service_error_keys_land_next_to_the_answer(client, loop, food_venue):
    """A photo the service refuses ("answers[i].photos") shows next to its question."""
    client.force_login(loop.inspector)
    data = _post_data(food_venue, fail="FOOD-02", photo=False)
    item = next(i for i in _items(food_venue) if i.code == "FOOD-02")
    from django.core.files.uploadedfile import SimpleUploadedFile

    data[f"photos-{item.pk}"] = [SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")]
    response = _post(client, food_venue, data)
    assert response.status_code == 400
    assert Inspection.objects.count() == 0
    assert f'id="errors-item-{item.pk}"' in response.content.decode()


def test_inspection_start__unanswered_question_is_an_error(client, loop, food_venue):
    client.force_login(loop.inspector)
    data = _post_data(food_venue)
    item = _items(food_venue)[0]
    del data[f"answer-{item.pk}"]
    response = _post(client, food_venue, data)
    assert response.status_code == 400
    assert "Answer this question." in response.content.decode()
    assert Inspection.objects.count() == 0


def test_inspection_start__no_position_still_saves_marked_so(client, loop, food_venue):
    client.force_login(loop.inspector)
    response = _post(client, food_venue, _post_data(food_venue, lat="", lng="", accuracy_m=""))
    assert response.status_code == 302
    assert Inspection.objects.get().location_status == LocationStatus.NO_LOCATION


def test_inspection_start__far_away_is_off_site(client, loop, food_venue):
    client.force_login(loop.inspector)
    response = _post(client, food_venue, _post_data(food_venue, lat="32.06", lng="120.85"))
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.location_status == LocationStatus.OFF_SITE
    assert inspection.distance_m > 1000
    assert 'data-location-status="off_site"' in client.get(response.url).content.decode()


def test_inspection_start__fixed_on_spot_goes_to_review(client, loop, food_venue):
    client.force_login(loop.inspector)
    item = next(i for i in _items(food_venue) if i.code == "FOOD-01")
    data = _post_data(food_venue, fail="FOOD-01", photo=False)
    data[f"fixed-{item.pk}"] = "on"
    data[f"proof_photos-{item.pk}"] = [make_photo("fixed.jpg")]
    response = _post(client, food_venue, data)
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.state == HazardState.AWAITING_REVIEW
    assert hazard.fixed_on_spot


def test_inspection_start__adhoc_finding_and_archive_correction(client, loop, food_venue):
    client.force_login(loop.inspector)
    from venuesafe.testing.factories import hazard_type

    data = _post_data(food_venue)
    data.update(
        {
            "adhoc-hazard_type": hazard_type("EVA-01").pk,
            "adhoc-note": "后门堆货",
            "adhoc-photos": [make_photo("door.jpg")],
            "venue-sign_name": "老李饭店(总店)",
            "venue-category": food_venue.category_id,
            "venue-address": food_venue.address,
            "venue-licence_no": food_venue.licence_no,
            "venue-licence_kind": food_venue.licence_kind,
            "relocate_venue": "on",
        }
    )
    response = _post(client, food_venue, data)
    assert response.status_code == 302
    food_venue.refresh_from_db()
    assert food_venue.sign_name == "老李饭店(总店)"
    assert (food_venue.lat, food_venue.lng) == (32.0501, 120.8501)
    inspection = Inspection.objects.get()
    assert "sign_name" in inspection.corrected_fields and "lat" in inspection.corrected_fields
    assert Hazard.objects.get().hazard_type.code == "EVA-01"
    assert food_venue.history.first().history_user == loop.inspector


def test_inspection_start__bad_archive_correction_shows_next_to_field(client, loop, food_venue):
    client.force_login(loop.inspector)
    data = _post_data(food_venue)
    data.update({"venue-sign_name": food_venue.sign_name, "venue-licence_no": "12", "venue-licence_kind": "other"})
    data["venue-category"] = food_venue.category_id
    data["venue-address"] = food_venue.address
    response = _post(client, food_venue, data)
    assert response.status_code == 400
    assert 'id="errors-venue-licence_no"' in response.content.decode()
    assert Inspection.objects.count() == 0
    assert Venue.objects.get(pk=food_venue.pk).licence_no == food_venue.licence_no


def test_inspection_start__merchant_gets_403_and_other_street_404(client, loop, district, food_venue):
    client.force_login(loop.merchant)
    from venuesafe.venues.models import VenueMerchant

    VenueMerchant.objects.create(venue=food_venue, user=loop.merchant)
    assert client.get(reverse("inspections:start", args=[food_venue.pk])).status_code == 403
    assert _post(client, food_venue, _post_data(food_venue)).status_code == 403
    elsewhere = venue(district.comm_b1)
    client.force_login(loop.inspector)
    assert client.get(reverse("inspections:start", args=[elsewhere.pk])).status_code == 404
    assert Inspection.objects.count() == 0


def test_tasks_today__reviews_due_venues_and_my_inspections(client, loop, food_venue):
    awaiting = loop.hazard_in(HazardState.AWAITING_REVIEW)
    client.force_login(loop.inspector)
    _post(client, food_venue, _post_data(food_venue))
    response = client.get(reverse("inspections:today"))
    assert response.status_code == 200
    assert [h.pk for h in response.context["reviews"]] == [awaiting.pk]
    due = {v.pk for v in response.context["due_venues"]}
    assert loop.venue.pk in due  # never inspected
    assert food_venue.pk not in due  # inspected just now
    assert [i.venue_id for i in response.context["inspections_today"]] == [food_venue.pk]
    body = response.content.decode()
    assert reverse("hazards:detail", args=[awaiting.pk]) in body
    assert f'id="inspect-venue-{loop.venue.pk}"' in body


def test_venue_detail__start_inspection_button_open_hazards_and_last_inspections(client, loop, food_venue):
    hazard = loop.hazard_in(HazardState.DISPATCHED)
    client.force_login(loop.inspector)
    body = client.get(reverse("venues:detail", args=[loop.venue.pk])).content.decode()
    assert 'id="venue-inspect-link"' in body
    assert reverse("hazards:detail", args=[hazard.pk]) in body
    client.force_login(loop.merchant)
    body = client.get(reverse("venues:detail", args=[loop.venue.pk])).content.decode()
    assert 'id="venue-inspect-link"' not in body
    assert reverse("hazards:detail", args=[hazard.pk]) in body
