import json

import pytest
from django.urls import reverse

from venuesafe.core import geo
from venuesafe.testing.factories import Role, category, user_with_role, venue
from venuesafe.venues.models import VenueMerchant

pytestmark = pytest.mark.django_db

PHOTO = "venues/photos/test.jpg"  # the factory's venues have no photo: 4 of 5 elements


def _ids(response):
    return {v.pk for v in response.context["page"].object_list}


def test_venue_list__needs_login(client):
    response = client.get(reverse("venues:list"))
    assert response.status_code == 302


def test_venue_list__shows_only_in_scope(client, district, a1_staff):
    mine = venue(district.comm_a1, district.grid_a1a, photo=PHOTO)
    other_community = venue(district.comm_a2)
    other_street = venue(district.comm_b1)
    client.force_login(a1_staff)
    response = client.get(reverse("venues:list"))
    assert response.status_code == 200
    assert _ids(response) == {mine.pk}
    body = response.content.decode()
    assert mine.sign_name in body
    assert other_community.sign_name not in body
    assert other_street.sign_name not in body
    assert "5/5" in body


def test_venue_list__search_by_name_address_and_licence(client, district, street_a_office):
    a = venue(district.comm_a1, sign_name="老王烧烤", address="人民路1号")
    b = venue(district.comm_a2, sign_name="便民超市", address="青年路8号")
    out = venue(district.comm_b1, sign_name="老王烧烤分店")
    client.force_login(street_a_office)
    assert _ids(client.get(reverse("venues:list"), {"q": "老王"})) == {a.pk}
    assert _ids(client.get(reverse("venues:list"), {"q": "青年路"})) == {b.pk}
    assert _ids(client.get(reverse("venues:list"), {"q": b.licence_no[:12].lower()})) == {b.pk}
    assert out.pk not in _ids(client.get(reverse("venues:list")))


def test_venue_list__filters(client, district, street_a_office):
    shop = venue(district.comm_a1, district.grid_a1a, photo=PHOTO)
    bbq = venue(district.comm_a2, category=category("FOOD_BBQ"), business_status="suspended", photo=PHOTO)
    incomplete = venue(district.comm_a1, district.grid_a1b, licence_kind="", licence_no="")
    client.force_login(street_a_office)
    url = reverse("venues:list")
    assert _ids(client.get(url, {"category": category("FOOD").pk})) == {bbq.pk}
    assert _ids(client.get(url, {"category": category("SHOP").pk})) == {shop.pk, incomplete.pk}
    assert _ids(client.get(url, {"business_status": "suspended"})) == {bbq.pk}
    assert _ids(client.get(url, {"org_unit": district.comm_a1.pk})) == {shop.pk, incomplete.pk}
    assert _ids(client.get(url, {"org_unit": district.grid_a1a.pk})) == {shop.pk}
    assert _ids(client.get(url, {"complete": "no"})) == {incomplete.pk}
    assert _ids(client.get(url, {"complete": "yes"})) == {shop.pk, bbq.pk}


def test_venue_list__out_of_scope_org_unit_filter_is_ignored(client, district, a1_staff):
    venue(district.comm_b1)
    mine = venue(district.comm_a1)
    client.force_login(a1_staff)
    response = client.get(reverse("venues:list"), {"org_unit": district.comm_b1.pk})
    assert response.status_code == 200
    assert _ids(response) == {mine.pk}


def test_venue_list__paginates_by_20(client, district, a1_staff):
    for _ in range(23):
        venue(district.comm_a1)
    client.force_login(a1_staff)
    first = client.get(reverse("venues:list"))
    assert len(first.context["page"].object_list) == 20
    second = client.get(reverse("venues:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 3


def test_venue_list__htmx_returns_results_fragment(client, district, a1_staff):
    venue(district.comm_a1)
    client.force_login(a1_staff)
    response = client.get(reverse("venues:list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="venue-results")
    assert response.templates[0].name == "venues/_list_results.html"
    assert "<html" not in response.content.decode()


def test_venue_list__query_count_is_flat(client, district, a1_staff, django_assert_max_num_queries):
    for _ in range(15):
        venue(district.comm_a1, district.grid_a1a)
    client.force_login(a1_staff)
    with django_assert_max_num_queries(14):
        client.get(reverse("venues:list"))


def test_venue_detail__in_scope(client, district, a1_staff):
    v = venue(district.comm_a1, district.grid_a1a, photo="")
    client.force_login(a1_staff)
    response = client.get(reverse("venues:detail", args=[v.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert response.context["missing"] == {"photo"}
    body = response.content.decode()
    assert 'id="venue-map"' in body
    assert 'id="venue-missing"' in body
    departments = {link.department.code for link in response.context["departments"]}
    assert {"FIRE", "MARKET", "COMMERCE"} <= departments


def test_venue_detail__subtype_lists_parent_category_departments(client, district, a1_staff):
    v = venue(district.comm_a1, category=category("FOOD_BBQ"))
    client.force_login(a1_staff)
    response = client.get(reverse("venues:detail", args=[v.pk]))
    assert "HOUSING_GAS" in {link.department.code for link in response.context["departments"]}


def test_venue_detail__out_of_scope_is_404(client, district, a1_staff):
    other = venue(district.comm_b1)
    client.force_login(a1_staff)
    assert client.get(reverse("venues:detail", args=[other.pk])).status_code == 404


def test_merchant__sees_only_its_venue_and_cannot_edit(client, district):
    own = venue(district.comm_a1)
    neighbour = venue(district.comm_a1)
    merchant = user_with_role(Role.MERCHANT, district.comm_a1)
    VenueMerchant.objects.create(venue=own, user=merchant)
    client.force_login(merchant)
    assert _ids(client.get(reverse("venues:list"))) == {own.pk}
    detail = client.get(reverse("venues:detail", args=[own.pk]))
    assert detail.status_code == 200
    assert detail.context["can_edit"] is False
    assert 'id="venue-edit-link"' not in detail.content.decode()
    assert client.get(reverse("venues:detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("venues:edit", args=[own.pk])).status_code == 403
    assert client.post(reverse("venues:edit", args=[own.pk]), {"sign_name": "x"}).status_code == 403
    assert client.post(reverse("venues:close", args=[own.pk])).status_code == 403
    assert client.get(reverse("venues:edit", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("venues:create")).status_code == 403
    own.refresh_from_db()
    assert own.business_status == "open"


def test_map_data__only_in_scope(client, district, a1_staff, settings):
    settings.MAP_TILE_COORDINATE_SYSTEM = "wgs84"
    mine = venue(district.comm_a1, lat=32.05, lng=120.86)
    venue(district.comm_b1)
    venue(district.comm_a1, lat=None, lng=None)
    client.force_login(a1_staff)
    response = client.get(reverse("venues:map_data"))
    data = response.json()
    assert [v["id"] for v in data["venues"]] == [mine.pk]
    item = data["venues"][0]
    assert item["url"] == reverse("venues:detail", args=[mine.pk])
    assert (item["lat"], item["lng"]) == (32.05, 120.86)
    assert item["status"] == "open"


def test_map_data__shifted_to_gcj02_for_chinese_tiles(client, district, a1_staff, settings):
    settings.MAP_TILE_COORDINATE_SYSTEM = "gcj02"
    venue(district.comm_a1, lat=32.05, lng=120.86)
    client.force_login(a1_staff)
    data = client.get(reverse("venues:map_data")).json()
    glat, glng = geo.wgs84_to_gcj02(32.05, 120.86)
    assert data["coord_system"] == "gcj02"
    assert data["venues"][0]["lat"] == pytest.approx(glat, abs=1e-6)
    assert data["venues"][0]["lng"] == pytest.approx(glng, abs=1e-6)


def test_map_data__bbox(client, district, a1_staff, settings):
    settings.MAP_TILE_COORDINATE_SYSTEM = "wgs84"
    inside = venue(district.comm_a1, lat=32.05, lng=120.86)
    venue(district.comm_a1, lat=32.20, lng=120.95)
    client.force_login(a1_staff)
    data = client.get(reverse("venues:map_data"), {"bbox": "120.85,32.04,120.87,32.06"}).json()
    assert [v["id"] for v in data["venues"]] == [inside.pk]


def test_map_page__renders_map_container(client, district, a1_staff):
    client.force_login(a1_staff)
    body = client.get(reverse("venues:map")).content.decode()
    assert 'id="venue-map"' in body
    assert "vendor/leaflet/leaflet.js" in body
    config = json.loads(body.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["tileUrl"]


def test_near__lists_by_distance(client, district, a1_staff):
    far = venue(district.comm_a1, lat=32.0500, lng=120.8620)  # ~190 m east
    near = venue(district.comm_a1, lat=32.0500, lng=120.8605)  # ~47 m east
    venue(district.comm_a1, lat=32.0600, lng=120.8600)  # ~1.1 km north
    venue(district.comm_b1, lat=32.0500, lng=120.8601)  # out of scope
    client.force_login(a1_staff)
    response = client.get(reverse("venues:near"), {"lat": "32.05", "lng": "120.86", "radius": "200"})
    assert response.status_code == 200
    results = response.context["results"]
    assert [r["venue"].id for r in results] == [near.pk, far.pk]
    assert 40 < results[0]["distance"] < 55
    assert 'data-distance="' in response.content.decode()


def test_near__radius_capped_by_setting(client, district, a1_staff, settings):
    settings.NEAR_ME_MAX_RADIUS_M = 500
    client.force_login(a1_staff)
    response = client.get(reverse("venues:near"), {"lat": "32.05", "lng": "120.86", "radius": "1000"})
    assert [c[0] for c in response.context["form"].fields["radius"].choices] == [100, 200, 500]
    assert response.context["results"] is None
    assert response.context["error"]


def test_near__outside_china_is_an_error(client, district, a1_staff):
    client.force_login(a1_staff)
    response = client.get(reverse("venues:near"), {"lat": "48.85", "lng": "2.35", "radius": "200"})
    assert response.context["results"] is None
    assert response.context["error"]


def test_completeness__per_community_and_total(client, district, street_a_office):
    venue(district.comm_a1, photo=PHOTO)
    venue(district.comm_a1, licence_kind="", licence_no="")
    venue(district.comm_a2, photo=PHOTO)
    venue(district.comm_b1, photo=PHOTO)
    client.force_login(street_a_office)
    response = client.get(reverse("venues:completeness"))
    rows = {r.org_unit_id: r for r in response.context["rows"]}
    assert set(rows) == {district.comm_a1.pk, district.comm_a2.pk}
    assert (rows[district.comm_a1.pk].venues, rows[district.comm_a1.pk].complete) == (2, 1)
    total = response.context["total"]
    assert (total.venues, total.complete) == (3, 2)
    assert "66.7 %" in response.content.decode()
