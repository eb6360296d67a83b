import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from venuesafe.core import geo
from venuesafe.testing.factories import category, make_photo, make_uscc, venue
from venuesafe.venues.models import Venue

pytestmark = pytest.mark.django_db


def _data(district, **overrides):
    data = {
        "sign_name": "老王烧烤",
        "category": category("FOOD_BBQ").pk,
        "address": "陈桥街道人民路18号",
        "licence_kind": "",
        "licence_no": make_uscc(501),
        "community": district.comm_a1.pk,
        "grid": district.grid_a1a.pk,
        "operator_name": "王五",
        "operator_mobile": "13912340000",
        "lat": "32.05",
        "lng": "120.86",
        "coord_system": "wgs84",
        "location_source": "gps",
        "location_accuracy_m": "8",
        "submission_id": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def _post_create(client, district, photo=True, **overrides):
    data = _data(district, **overrides)
    if photo:
        data["photo"] = make_photo() if photo is True else photo
    with translation.override("en"):
        return client.post(reverse("venues:create"), data, HTTP_ACCEPT_LANGUAGE="en")


def test_venue_create__form_renders(client, a1_staff):
    client.force_login(a1_staff)
    response = client.get(reverse("venues:create"))
    assert response.status_code == 200
    body = response.content.decode()
    for element_id in ("id_sign_name", "id_category", "id_photo", "id_lat", "id_lng", "id_coord_system"):
        assert f'id="{element_id}"' in body
    assert 'capture="environment"' in body
    assert 'name="submission_id"' in body
    assert "<optgroup" in body


def test_venue_create__valid_with_photo(client, district, a1_staff):
    client.force_login(a1_staff)
    response = _post_create(client, district)
    venue_obj = Venue.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("venues:detail", args=[venue_obj.pk])
    assert venue_obj.photo
    assert venue_obj.elements_present == 5
    assert venue_obj.org_path == district.grid_a1a.path
    assert venue_obj.location_source == "gps"
    assert venue_obj.location_accuracy_m == 8
    assert venue_obj.created_by == a1_staff
    record = venue_obj.history.get()
    assert record.history_user == a1_staff
    detail = client.get(response.url)
    assert detail.status_code == 200
    assert 'id="venue-photo"' in detail.content.decode()


def test_venue_create__grid_worker_gets_community_from_grid(client, district, a1a_worker):
    client.force_login(a1a_worker)
    response = _post_create(client, district, community="")
    assert response.status_code == 302
    assert Venue.objects.get().community == district.comm_a1


def test_venue_create__gcj02_input_is_stored_as_wgs84(client, district, a1_staff):
    client.force_login(a1_staff)
    glat, glng = geo.wgs84_to_gcj02(32.05, 120.86)
    response = _post_create(client, district, lat=str(glat), lng=str(glng), coord_system="gcj02", location_source="")
    assert response.status_code == 302
    v = Venue.objects.get()
    assert v.lat == pytest.approx(32.05, abs=1e-6)
    assert v.lng == pytest.approx(120.86, abs=1e-6)
    assert v.location_source == "map"


@pytest.mark.parametrize(
    ("overrides", "photo", "field"),
    [
        ({"licence_no": "91320602MA1ABCDEF0"}, True, "licence_no"),
        ({"lat": "48.85", "lng": "2.35"}, True, "lat"),
        ({}, SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg"), "photo"),
        ({"sign_name": ""}, True, "sign_name"),
        ({"operator_mobile": "12345"}, True, "operator_mobile"),
        ({"grid": "district_b_grid"}, True, "grid"),
    ],
)
def test_venue_create__bad_input_shows_error_and_saves_nothing(client, district, a1_staff, overrides, photo, field):
    if overrides.get("grid") == "district_b_grid":
        overrides = {"grid": district.grid_b1a.pk}
    client.force_login(a1_staff)
    response = _post_create(client, district, photo=photo, **overrides)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="field-{field}"' in response.content.decode()
    assert not Venue.objects.exists()


def test_venue_create__photo_too_large(client, district, a1_staff, settings):
    settings.PHOTO_MAX_BYTES = 100
    client.force_login(a1_staff)
    response = _post_create(client, district)
    assert response.status_code == 400
    assert "photo" in response.context["form"].errors
    assert not Venue.objects.exists()


def test_venue_create__double_submit_creates_one_venue(client, district, a1_staff):
    client.force_login(a1_staff)
    sid = str(uuid.uuid4())
    first = _post_create(client, district, submission_id=sid)
    second = _post_create(client, district, submission_id=sid)
    assert Venue.objects.count() == 1
    assert second.status_code == 302
    assert second.url == first.url


def test_venue_create__failed_submission_can_be_retried_with_same_id(client, district, a1_staff):
    client.force_login(a1_staff)
    sid = str(uuid.uuid4())
    assert _post_create(client, district, submission_id=sid, licence_no="BAD").status_code == 400
    assert _post_create(client, district, submission_id=sid).status_code == 302
    assert Venue.objects.count() == 1


def test_venue_create__other_street_community_refused(client, district, a1_staff):
    client.force_login(a1_staff)
    response = _post_create(client, district, community=district.comm_b1.pk, grid="")
    assert response.status_code == 400
    assert "community" in response.context["form"].errors
    assert not Venue.objects.exists()


def _edit_data(v, **overrides):
    data = {
        "sign_name": v.sign_name,
        "category": v.category_id,
        "address": v.address,
        "licence_kind": v.licence_kind,
        "licence_no": v.licence_no,
        "community": v.community_id,
        "grid": v.grid_id or "",
        "operator_name": v.operator_name,
        "operator_mobile": v.operator_mobile,
        "business_status": v.business_status,
        "lat": repr(v.lat),
        "lng": repr(v.lng),
        "coord_system": "wgs84",
        "location_source": v.location_source,
        "location_accuracy_m": "",
        "submission_id": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_venue_edit__keeps_history(client, district, a1_staff):
    v = venue(district.comm_a1, district.grid_a1a)
    client.force_login(a1_staff)
    form_page = client.get(reverse("venues:edit", args=[v.pk]))
    assert form_page.status_code == 200
    response = client.post(
        reverse("venues:edit", args=[v.pk]),
        _edit_data(v, sign_name="老王烧烤（新）", grid=district.grid_a1b.pk, photo=make_photo()),
    )
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.sign_name == "老王烧烤（新）"
    assert v.grid == district.grid_a1b
    assert v.photo
    latest = v.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == a1_staff
    detail = client.get(reverse("venues:detail", args=[v.pk]))
    changes = {c.field: c for c in detail.context["history"][0].changes}
    assert changes["sign_name"].new == "老王烧烤（新）"
    assert changes["grid"].old == district.grid_a1a.name
    assert changes["grid"].new == district.grid_a1b.name


def test_venue_edit__unchanged_location_is_not_reconverted(client, district, a1_staff):
    v = venue(district.comm_a1, lat=32.05, lng=120.86)
    client.force_login(a1_staff)
    response = client.post(reverse("venues:edit", args=[v.pk]), _edit_data(v, address="新地址1号"))
    assert response.status_code == 302
    v.refresh_from_db()
    assert (v.lat, v.lng) == (32.05, 120.86)


def test_venue_edit__bad_licence_saves_nothing(client, district, a1_staff):
    v = venue(district.comm_a1)
    client.force_login(a1_staff)
    response = client.post(
        reverse("venues:edit", args=[v.pk]), _edit_data(v, sign_name="改名", licence_kind="uscc", licence_no="123")
    )
    assert response.status_code == 400
    assert "licence_no" in response.context["form"].errors
    v.refresh_from_db()
    assert v.sign_name != "改名"


def test_venue_edit__out_of_scope_is_404(client, district, a1_staff):
    other = venue(district.comm_b1)
    client.force_login(a1_staff)
    assert client.get(reverse("venues:edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("venues:close", args=[other.pk])).status_code == 404


def test_venue_close__deregisters_and_keeps_archive(client, district, a1_staff):
    v = venue(district.comm_a1)
    client.force_login(a1_staff)
    assert client.get(reverse("venues:close", args=[v.pk])).status_code == 405
    response = client.post(reverse("venues:close", args=[v.pk]))
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.business_status == "closed"
    assert Venue.objects.filter(pk=v.pk).exists()


def test_venue_create__shows_every_error_at_once(client, district, a1_staff):
    client.force_login(a1_staff)
    response = _post_create(client, district, licence_no="123", lat="48.85", lng="2.35")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"licence_no", "lat"} <= set(errors)
    assert not Venue.objects.exists()
