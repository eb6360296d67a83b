import math

import pytest

from venuesafe.accounts.models import Role
from venuesafe.core import geo
from venuesafe.testing.factories import user_with_role, venue

NEAR_URL = "/api/v1/venues/near/"
CENTRE = (32.0500, 120.8600)


def _offset(metres_north: float, metres_east: float) -> tuple[float, float]:
    lat = CENTRE[0] + math.degrees(metres_north / geo.EARTH_RADIUS_M)
    lng = CENTRE[1] + math.degrees(metres_east / (geo.EARTH_RADIUS_M * math.cos(math.radians(CENTRE[0]))))
    return lat, lng


@pytest.fixture
def spots(district):
    d = district
    made = {}
    for name, (north, east), community in [
        ("m30", (30, 0), d.comm_a1),
        ("m10", (0, 10), d.comm_a1),
        ("m70", (-70, 0), d.comm_a2),
        ("m150", (0, -150), d.comm_a1),
        ("b40", (40, 0), d.comm_b1),  # other street: out of scope for street A
    ]:
        lat, lng = _offset(north, east)
        made[name] = venue(community, sign_name=name, lat=lat, lng=lng)
    return made


@pytest.fixture
def office(district):
    return user_with_role(Role.STREET_OFFICE, district.street_a)


def test_venues_near__nearest_first_within_default_radius(spots, office, client_for):
    response = client_for(office).get(NEAR_URL, {"lat": CENTRE[0], "lng": CENTRE[1]})
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [r["sign_name"] for r in rows] == ["m10", "m30", "m70"]
    assert [r["distance_m"] for r in rows] == [
        pytest.approx(10, abs=0.5),
        pytest.approx(30, abs=0.5),
        pytest.approx(70, abs=0.5),
    ]
    assert rows[0]["id"] == spots["m10"].pk
    assert rows[0]["category"]["code"] == "SHOP"
    assert rows[0]["lat"] == pytest.approx(spots["m10"].lat)


def test_venues_near__radius(spots, office, client_for):
    client = client_for(office)
    rows = client.get(NEAR_URL, {"lat": CENTRE[0], "lng": CENTRE[1], "radius": 50}).json()
    assert [r["sign_name"] for r in rows] == ["m10", "m30"]
    rows = client.get(NEAR_URL, {"lat": CENTRE[0], "lng": CENTRE[1], "radius": 200}).json()
    assert [r["sign_name"] for r in rows] == ["m10", "m30", "m70", "m150"]


def test_venues_near__gcj02_in_and_out(spots, office, client_for):
    glat, glng = geo.wgs84_to_gcj02(*CENTRE)
    rows = client_for(office).get(NEAR_URL, {"lat": glat, "lng": glng, "coord_system": "gcj02"}).json()
    assert [r["sign_name"] for r in rows] == ["m10", "m30", "m70"]
    elat, elng = geo.wgs84_to_gcj02(spots["m10"].lat, spots["m10"].lng)
    assert rows[0]["lat"] == pytest.approx(elat, abs=1e-6)
    assert rows[0]["lng"] == pytest.approx(elng, abs=1e-6)
    assert rows[0]["distance_m"] == pytest.approx(10, abs=0.5)


def test_venues_near__scoped(spots, district, client_for):
    staff_b = user_with_role(Role.COMMUNITY_STAFF, district.comm_b1)
    rows = client_for(staff_b).get(NEAR_URL, {"lat": CENTRE[0], "lng": CENTRE[1]}).json()
    assert [r["sign_name"] for r in rows] == ["b40"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 32.05}, "lng"),
        ({"lat": 32.05, "lng": 120.86, "radius": 999999}, "radius"),
        ({"lat": 32.05, "lng": 120.86, "radius": 0}, "radius"),
        ({"lat": 132.05, "lng": 120.86}, "lat"),
        ({"lat": 32.05, "lng": 120.86, "coord_system": "mars"}, "coord_system"),
    ],
)
def test_venues_near__bad_query_is_400(office, client_for, params, field):
    response = client_for(office).get(NEAR_URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]


def test_venues_near__radius_limit_from_settings(spots, office, client_for, settings):
    settings.NEAR_ME_MAX_RADIUS_M = 40
    response = client_for(office).get(NEAR_URL, {"lat": CENTRE[0], "lng": CENTRE[1], "radius": 50})
    assert response.status_code == 400
    assert "radius" in response.json()["fields"]
