import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from venuesafe.accounts.models import Role
from venuesafe.core import geo
from venuesafe.core.models import IdempotencyKey
from venuesafe.testing.factories import make_photo, make_uscc, user_with_role, venue
from venuesafe.venues.models import Venue

LIST_URL = "/api/v1/venues/"


@pytest.fixture
def staff(district):
    return user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)


@pytest.fixture
def payload(district):
    return {
        "sign_name": "老王烧烤",
        "category": "FOOD_BBQ",
        "address": "仁和路12号",
        "licence_no": make_uscc(4242),
        "lat": 32.0512,
        "lng": 120.8634,
        "location_source": "gps",
        "location_accuracy_m": 8.5,
        "operator_name": "王五",
        "operator_mobile": "13800001234",
        "floor_area_m2": 60,
        "community": district.comm_a1.pk,
        "grid": district.grid_a1a.pk,
    }


def test_venues_create__json(staff, payload, client_for, district):
    response = client_for(staff).post(LIST_URL, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    v = Venue.objects.get(pk=body["id"])
    assert v.sign_name == "老王烧烤"
    assert v.category.code == "FOOD_BBQ"
    assert v.licence_kind == "uscc"
    assert (v.lat, v.lng) == (pytest.approx(32.0512), pytest.approx(120.8634))
    assert v.community == district.comm_a1
    assert v.grid == district.grid_a1a
    assert v.created_by == staff
    assert body["category"] == {"code": "FOOD_BBQ", "label": v.category.label}
    assert body["photo"] is None
    assert body["missing_elements"] == ["photo"]
    assert body["lat"] == pytest.approx(32.0512)


def test_venues_create__multipart_with_photo(staff, payload, client_for):
    payload["photo"] = make_photo("front.jpg")
    response = client_for(staff).post(LIST_URL, payload, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["photo"].startswith("http://testserver/media/venues/photos/")
    assert body["is_complete"] is True
    v = Venue.objects.get(pk=body["id"])
    assert v.photo.name.endswith(".jpg")
    assert v.elements_present == 5


def test_venues_create__grid_only_infers_community(staff, payload, client_for, district):
    del payload["community"]
    response = client_for(staff).post(LIST_URL, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["community"] == district.comm_a1.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "NOT_A_CATEGORY"}, "category"),
        ({"licence_no": "91320602MA1ABCDE1X"}, "licence_no"),
        ({"licence_kind": "uscc", "licence_no": "9132060"}, "licence_no"),
        ({"licence_kind": "other", "licence_no": "AB!"}, "licence_no"),
        ({"lat": 48.8566, "lng": 2.3522}, "lat"),
        ({"lat": "north"}, "lat"),
        ({"operator_mobile": "12345"}, "operator_mobile"),
        ({"sign_name": ""}, "sign_name"),
        ({"business_status": "bankrupt"}, "business_status"),
        ({"coord_system": "mars"}, "coord_system"),
    ],
)
def test_venues_create__bad_input_is_400_and_nothing_saved(staff, payload, client_for, change, field):
    before = Venue.objects.count()
    payload.update(change)
    response = client_for(staff).post(LIST_URL, payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert field in body["fields"], body
    assert Venue.objects.count() == before


@pytest.mark.parametrize(
    "photo",
    [
        SimpleUploadedFile("front.jpg", b"%PDF-1.4 definitely not a jpeg", content_type="image/jpeg"),
        SimpleUploadedFile("front.txt", b"hello", content_type="text/plain"),
    ],
)
def test_venues_create__non_image_photo_is_400(staff, payload, client_for, photo):
    before = Venue.objects.count()
    payload["photo"] = photo
    response = client_for(staff).post(LIST_URL, payload, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert "photo" in response.json()["fields"]
    assert Venue.objects.count() == before


def test_venues_create__photo_too_large_is_400(staff, payload, client_for, settings):
    settings.PHOTO_MAX_BYTES = 100
    payload["photo"] = make_photo()
    response = client_for(staff).post(LIST_URL, payload, format="multipart")
    assert response.status_code == 400
    assert "photo" in response.json()["fields"]
    assert not Venue.objects.exists()


def test_venues_create__outside_own_area_is_400(staff, payload, client_for, district):
    payload.update(community=district.comm_a2.pk, grid=district.grid_a2a.pk)
    response = client_for(staff).post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert "community" in response.json()["fields"]
    assert not Venue.objects.exists()


def test_venues_create__merchant_cannot_register(district, payload, client_for):
    merchant = user_with_role(Role.MERCHANT, district.comm_a1)
    response = client_for(merchant).post(LIST_URL, payload, format="json")
    # A merchant sees no org units, so the community reads as unknown (or the role is refused).
    assert response.status_code in (400, 403)
    assert response.json()["code"] in ("invalid", "cannot_register_venue")
    assert not Venue.objects.exists()


def test_venues_create__gcj02_input_stored_as_wgs84(staff, payload, client_for):
    wlat, wlng = 32.0512, 120.8634
    glat, glng = geo.wgs84_to_gcj02(wlat, wlng)
    payload.update(lat=glat, lng=glng, coord_system="gcj02")
    response = client_for(staff).post(LIST_URL, payload, format="json")
    assert response.status_code == 201, response.content
    v = Venue.objects.get(pk=response.json()["id"])
    assert geo.distance_m(v.lat, v.lng, wlat, wlng) < 0.05
    # The answer comes back in the system the client wrote in.
    assert response.json()["coord_system"] == "gcj02"
    assert response.json()["lat"] == pytest.approx(glat, abs=1e-6)
    assert response.json()["lng"] == pytest.approx(glng, abs=1e-6)


def test_venues_create__bd09_input_stored_as_wgs84(staff, payload, client_for):
    blat, blng = geo.from_wgs84(32.0512, 120.8634, "bd09")
    payload.update(lat=blat, lng=blng, coord_system="bd09")
    response = client_for(staff).post(LIST_URL, payload, format="json")
    v = Venue.objects.get(pk=response.json()["id"])
    assert geo.distance_m(v.lat, v.lng, 32.0512, 120.8634) < 1


def test_venues_create__idempotency_key_retry_returns_same_venue(staff, payload, client_for):
    client = client_for(staff)
    first = client.post(LIST_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="reg-7f3a")
    again = client.post(LIST_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="reg-7f3a")
    assert first.status_code == 201
    assert again.status_code in (200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Venue.objects.count() == 1
    other = client.post(LIST_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="reg-other")
    assert other.json()["id"] != first.json()["id"]
    assert Venue.objects.count() == 2


def test_venues_create__idempotency_key_is_per_user(staff, payload, client_for, district):
    colleague = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    a = client_for(staff).post(LIST_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    b = client_for(colleague).post(LIST_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert a.json()["id"] != b.json()["id"]
    assert Venue.objects.count() == 2


def test_venues_create__idempotency_key_after_failure_can_be_retried(staff, payload, client_for):
    client = client_for(staff)
    bad = client.post(LIST_URL, {**payload, "operator_mobile": "1"}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    good = client.post(LIST_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert good.status_code == 201
    assert IdempotencyKey.objects.get().object_id == str(good.json()["id"])


def test_venues_update__patch(staff, client_for, district):
    v = venue(district.comm_a1, district.grid_a1a)
    response = client_for(staff).patch(
        f"{LIST_URL}{v.pk}/", {"sign_name": "新招牌", "operator_mobile": "+86 139 0000 2222"}, format="json"
    )
    assert response.status_code == 200, response.content
    v.refresh_from_db()
    assert v.sign_name == "新招牌"
    assert v.operator_mobile == "13900002222"
    assert response.json()["sign_name"] == "新招牌"


def test_venues_update__patch_photo_multipart(staff, client_for, district):
    v = venue(district.comm_a1, district.grid_a1a)
    response = client_for(staff).patch(f"{LIST_URL}{v.pk}/", {"photo": make_photo()}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["is_complete"] is True


def test_venues_update__patch_gcj02(staff, client_for, district):
    v = venue(district.comm_a1, district.grid_a1a)
    glat, glng = geo.wgs84_to_gcj02(32.06, 120.87)
    response = client_for(staff).patch(
        f"{LIST_URL}{v.pk}/", {"lat": glat, "lng": glng, "coord_system": "gcj02"}, format="json"
    )
    assert response.status_code == 200
    v.refresh_from_db()
    assert geo.distance_m(v.lat, v.lng, 32.06, 120.87) < 0.05


def test_venues_update__bad_input_changes_nothing(staff, client_for, district):
    v = venue(district.comm_a1, district.grid_a1a)
    response = client_for(staff).patch(
        f"{LIST_URL}{v.pk}/", {"sign_name": "新招牌", "licence_no": "91320602MA1ABCDE1X"}, format="json"
    )
    assert response.status_code == 400
    assert "licence_no" in response.json()["fields"]
    v.refresh_from_db()
    assert v.sign_name != "新招牌"


def test_venues_update__put_requires_the_main_fields(staff, client_for, district):
    v = venue(district.comm_a1, district.grid_a1a)
    response = client_for(staff).put(f"{LIST_URL}{v.pk}/", {"sign_name": "新招牌"}, format="json")
    assert response.status_code == 400
    assert {"category", "address"} <= set(response.json()["fields"])


def test_venues_delete__is_405_and_venue_kept(staff, client_for, district):
    v = venue(district.comm_a1, district.grid_a1a)
    response = client_for(staff).delete(f"{LIST_URL}{v.pk}/")
    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert "deregister" in body["message"].lower() or "注销" in body["message"]
    assert Venue.objects.filter(pk=v.pk).exists()


def test_venues_close__deregisters_and_keeps_archive(staff, client_for, district):
    v = venue(district.comm_a1, district.grid_a1a)
    response = client_for(staff).post(f"{LIST_URL}{v.pk}/close/")
    assert response.status_code == 200
    assert response.json()["business_status"] == "closed"
    v.refresh_from_db()
    assert v.business_status == "closed"
