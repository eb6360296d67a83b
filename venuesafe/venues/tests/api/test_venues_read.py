import pytest

from venuesafe.accounts.models import Role
from venuesafe.core import geo
from venuesafe.org.models import Department
from venuesafe.testing.factories import category, make_photo, user_with_role, venue
from venuesafe.venues.models import VenueMerchant
from venuesafe.venues.services import venue_update

LIST_URL = "/api/v1/venues/"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def venues(district):
    d = district
    return {
        "a1": venue(d.comm_a1, d.grid_a1a, sign_name="仁和小吃", category=category("FOOD_SNACK")),
        "a1_hotel": venue(d.comm_a1, d.grid_a1b, sign_name="仁和民宿", category=category("HOTEL_BNB")),
        "a2": venue(d.comm_a2, d.grid_a2a, sign_name="天和五金", category=category("SHOP_HARDWARE")),
        "b1": venue(d.comm_b1, d.grid_b1a, sign_name="幸福超市", category=category("SHOP_MARKET")),
    }


def test_venues_list__community_staff_sees_its_community(district, venues, client_for):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    assert _ids(client_for(staff).get(LIST_URL)) == {venues["a1"].pk, venues["a1_hotel"].pk}


def test_venues_list__street_office_sees_its_street(district, venues, client_for):
    office = user_with_role(Role.STREET_OFFICE, district.street_a)
    assert _ids(client_for(office).get(LIST_URL)) == {venues["a1"].pk, venues["a1_hotel"].pk, venues["a2"].pk}


def test_venues_list__merchant_sees_only_its_venue(district, venues, client_for):
    merchant = user_with_role(Role.MERCHANT, district.comm_a1)
    VenueMerchant.objects.create(venue=venues["a2"], user=merchant)
    assert _ids(client_for(merchant).get(LIST_URL)) == {venues["a2"].pk}


def test_venues_list__department_viewer_sees_its_categories(district, venues, client_for):
    police = Department.objects.get(code="POLICE")  # hotels, entertainment, internet cafés, rentals
    viewer = user_with_role(Role.DEPARTMENT_VIEWER, district.district, department=police)
    assert _ids(client_for(viewer).get(LIST_URL)) == {venues["a1_hotel"].pk}


def test_venues_list__department_viewer_fire_sees_all_categories_in_its_area(district, venues, client_for):
    fire = Department.objects.get(code="FIRE")
    viewer = user_with_role(Role.DEPARTMENT_VIEWER, district.street_b, department=fire)
    assert _ids(client_for(viewer).get(LIST_URL)) == {venues["b1"].pk}


def test_venues_list__filters(district, venues, client_for):
    admin = user_with_role(Role.DISTRICT_ADMIN, district.district)
    complete = venue(district.comm_a2, photo=make_photo(), sign_name="天和便利店")
    venue_update(venue=venues["b1"], actor=admin, business_status="suspended")
    client = client_for(admin)
    assert _ids(client.get(LIST_URL, {"category": "SHOP"})) == {venues["a2"].pk, venues["b1"].pk, complete.pk}
    assert _ids(client.get(LIST_URL, {"category": "FOOD_SNACK"})) == {venues["a1"].pk}
    assert _ids(client.get(LIST_URL, {"search": "民宿"})) == {venues["a1_hotel"].pk}
    assert _ids(client.get(LIST_URL, {"search": venues["a2"].licence_no[:12]})) == {venues["a2"].pk}
    assert _ids(client.get(LIST_URL, {"business_status": "suspended"})) == {venues["b1"].pk}
    assert _ids(client.get(LIST_URL, {"org_unit": district.comm_a2.pk})) == {venues["a2"].pk, complete.pk}
    assert _ids(client.get(LIST_URL, {"complete": "true"})) == {complete.pk}
    assert complete.pk not in _ids(client.get(LIST_URL, {"complete": "false"}))
    assert len(_ids(client.get(LIST_URL))) == 5


def test_venues_list__filter_org_unit_out_of_scope_is_invalid(district, venues, client_for):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    response = client_for(staff).get(LIST_URL, {"org_unit": district.comm_b1.pk})
    assert response.status_code == 400
    assert "org_unit" in response.json()["fields"]


def test_venues_list__unknown_category_is_invalid(district, venues, client_for):
    admin = user_with_role(Role.DISTRICT_ADMIN, district.district)
    response = client_for(admin).get(LIST_URL, {"category": "NOPE"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "category" in response.json()["fields"]


def test_venues_list__paginated(district, venues, client_for):
    admin = user_with_role(Role.DISTRICT_ADMIN, district.district)
    body = client_for(admin).get(LIST_URL, {"limit": 2, "offset": 1}).json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"]


def test_venues_detail__representation(district, venues, client_for):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    v = venues["a1"]
    body = client_for(staff).get(f"{LIST_URL}{v.pk}/").json()
    assert body["id"] == v.pk
    assert body["sign_name"] == "仁和小吃"
    assert body["category"]["code"] == "FOOD_SNACK"
    assert body["category"]["label"]
    assert body["lat"] == pytest.approx(v.lat)
    assert body["lng"] == pytest.approx(v.lng)
    assert body["coord_system"] == "wgs84"
    assert body["photo"] is None
    assert body["community"] == district.comm_a1.pk
    assert body["grid"] == district.grid_a1a.pk
    assert body["business_status"] == "open"
    assert body["business_status_label"]
    assert body["elements_present"] == 4
    assert body["missing_elements"] == ["photo"]
    assert body["is_complete"] is False
    assert body["licence_no"] == v.licence_no


def test_venues_detail__gcj02_output(district, venues, client_for):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    v = venues["a1"]
    body = client_for(staff).get(f"{LIST_URL}{v.pk}/", {"coord_system": "gcj02"}).json()
    glat, glng = geo.wgs84_to_gcj02(v.lat, v.lng)
    assert body["coord_system"] == "gcj02"
    assert body["lat"] == pytest.approx(glat, abs=1e-6)
    assert body["lng"] == pytest.approx(glng, abs=1e-6)
    assert abs(body["lng"] - v.lng) > 1e-4  # really shifted


def test_venues_list__bd09_output(district, venues, client_for):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    rows = client_for(staff).get(LIST_URL, {"coord_system": "bd09"}).json()["results"]
    v = venues["a1"]
    [row] = [r for r in rows if r["id"] == v.pk]
    blat, blng = geo.from_wgs84(v.lat, v.lng, "bd09")
    assert (row["lat"], row["lng"]) == (pytest.approx(blat, abs=1e-6), pytest.approx(blng, abs=1e-6))


def test_venues_detail__out_of_scope_is_404(district, venues, client_for):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    client = client_for(staff)
    for method in ("get", "patch", "put"):
        response = getattr(client, method)(f"{LIST_URL}{venues['b1'].pk}/", {"sign_name": "x"}, format="json")
        assert response.status_code == 404, method
        assert response.json()["code"] == "not_found"
    assert client.post(f"{LIST_URL}{venues['b1'].pk}/close/").json()["code"] == "not_found"
    assert client.get(f"{LIST_URL}{venues['b1'].pk}/history/").json()["code"] == "not_found"
    venues["b1"].refresh_from_db()
    assert venues["b1"].sign_name == "幸福超市"


def test_venues_detail__missing_is_404(district, client_for):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    response = client_for(staff).get(f"{LIST_URL}999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("role", [Role.MERCHANT, Role.DEPARTMENT_VIEWER])
def test_venues_patch__read_only_user_is_403(district, venues, client_for, role):
    department = Department.objects.get(code="FIRE") if role == Role.DEPARTMENT_VIEWER else None
    user = user_with_role(role, district.comm_a1, department=department)
    VenueMerchant.objects.create(venue=venues["a1"], user=user)
    client = client_for(user)
    response = client.patch(f"{LIST_URL}{venues['a1'].pk}/", {"sign_name": "改名"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "cannot_edit_venue"
    assert client.post(f"{LIST_URL}{venues['a1'].pk}/close/").json()["code"] == "cannot_edit_venue"
    venues["a1"].refresh_from_db()
    assert venues["a1"].sign_name == "仁和小吃"
    assert venues["a1"].business_status == "open"


def test_venues_history__records_edit_with_actor(district, venues, client_for):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1, full_name="赵网格")
    client = client_for(staff)
    client.patch(f"{LIST_URL}{venues['a1'].pk}/", {"sign_name": "仁和新小吃"}, format="json")
    entries = client.get(f"{LIST_URL}{venues['a1'].pk}/history/").json()
    assert entries[0]["kind"] == "changed"
    assert entries[0]["actor"] == "赵网格"
    assert {"field": "sign_name", "old": "仁和小吃", "new": "仁和新小吃"}.items() <= entries[0]["changes"][0].items()


def test_venues_completeness__per_community_and_total(district, venues, client_for):
    office = user_with_role(Role.STREET_OFFICE, district.street_a)
    venue(district.comm_a2, photo=make_photo())
    body = client_for(office).get("/api/v1/venues/completeness/").json()
    by_name = {row["name"]: row for row in body["communities"]}
    assert set(by_name) == {"仁和社区", "天和社区"}
    assert by_name["天和社区"]["venues"] == 2
    assert by_name["天和社区"]["complete"] == 1
    assert by_name["天和社区"]["complete_rate"] == pytest.approx(0.5)
    assert body["total"]["venues"] == 4
    assert body["total"]["complete"] == 1
    assert body["total"]["elements_present"] == 3 * 4 + 5

    within = client_for(office).get("/api/v1/venues/completeness/", {"org_unit": district.comm_a1.pk}).json()
    assert within["total"]["venues"] == 2
    assert within["total"]["org_unit_id"] == district.comm_a1.pk


def test_venue_categories__list(district, client_for):
    user = user_with_role(Role.GRID_WORKER, district.grid_a1a)
    rows = client_for(user).get("/api/v1/venue-categories/").json()
    by_code = {row["code"]: row for row in rows}
    assert by_code["FOOD_BBQ"]["parent"] == "FOOD"
    assert by_code["FOOD"]["parent"] is None
    assert by_code["FOOD"]["name"] == "小餐饮"
    assert by_code["FOOD"]["name_en"] == "Small restaurant"
    assert {"FIRE", "MARKET"} <= {d["code"] for d in by_code["FOOD"]["departments"]}


def test_venues_list__query_count_does_not_grow(district, client_for, django_assert_num_queries):
    office = user_with_role(Role.STREET_OFFICE, district.street_a)
    client = client_for(office)
    for _ in range(3):
        venue(district.comm_a1, district.grid_a1a)
    client.get(LIST_URL)  # warm-up (content types, reference data)
    with django_assert_num_queries(2) as few:
        client.get(LIST_URL)
    for _ in range(10):
        venue(district.comm_a2, district.grid_a2a, category=category("FOOD_BBQ"))
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST_URL).json()["results"]) == 13
