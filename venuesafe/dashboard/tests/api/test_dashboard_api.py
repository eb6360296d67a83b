"""GET /api/v1/dashboard/summary/, /map/ and /units/: the figures, the poll, the scope."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from venuesafe.accounts.models import Role
from venuesafe.dashboard.tests.api.screen_world import EXPECTED_STREET, NOW, ScreenWorld, sh
from venuesafe.org.models import Department
from venuesafe.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

SUMMARY = "/api/v1/dashboard/summary/"
MAP = "/api/v1/dashboard/map/"
UNITS = "/api/v1/dashboard/units/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(district):
    return ScreenWorld(district).populate()


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_summary__street_office_gets_the_street_figures(world, at_now):
    response = client_for(world.street).get(SUMMARY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] is True
    assert body["marker"]
    assert body["org_unit"] == {"id": world.d.street_a.pk, "name": "陈桥街道", "level": "street"}
    assert body["today"] == "2026-01-10"
    for figure, expected in EXPECTED_STREET.items():
        assert body[figure] == expected, figure
    assert len(body["daily"]) == 30
    assert [c["name"] for c in body["communities"]] == ["天和社区", "仁和社区"]
    # Times carry their offset.
    assert dt.datetime.fromisoformat(body["feed"][0]["at"]) == sh(2026, 1, 10, 0, 1)
    assert body["feed"][0]["kind"] == "inspection"


def test_summary__since_the_current_marker_is_unchanged(world, at_now):
    client = client_for(world.street)
    marker = client.get(SUMMARY).json()["marker"]
    response = client.get(SUMMARY, {"since": marker})
    assert response.status_code == 200
    assert response.json() == {"changed": False, "marker": marker}


def test_summary__a_new_inspection_changes_the_marker(world, at_now):
    client = client_for(world.street)
    marker = client.get(SUMMARY).json()["marker"]
    inspection = world.inspection(world.v5, sh(2026, 1, 10, 9, 59))
    body = client.get(SUMMARY, {"since": marker}).json()
    assert body["changed"] is True
    assert body["marker"] != marker
    assert body["inspections"]["today"] == EXPECTED_STREET["inspections"]["today"] + 1
    assert body["feed"][0]["inspection_id"] == inspection.pk


def test_summary__a_closing_changes_the_marker_and_the_figures(world, at_now):
    client = client_for(world.street)
    marker = client.get(SUMMARY).json()["marker"]
    closed = world.hazard(world.v5, "EVA-01", sh(2026, 1, 10, 8, 0), "closed", closed_at=sh(2026, 1, 10, 9, 0))
    body = client.get(SUMMARY, {"since": marker}).json()
    assert body["changed"] is True
    assert body["marker"] != marker
    assert body["hazards"]["closed_this_year"] == EXPECTED_STREET["hazards"]["closed_this_year"] + 1
    assert (body["feed"][0]["kind"], body["feed"][0]["hazard_id"]) == ("closed", closed.pk)


def test_summary__a_marker_of_another_unit_is_not_current(world, at_now):
    admin = client_for(world.admin)
    street_b_marker = admin.get(SUMMARY, {"org_unit": world.d.street_b.pk}).json()["marker"]
    body = admin.get(SUMMARY, {"org_unit": world.d.street_a.pk, "since": street_b_marker}).json()
    assert body["changed"] is True


def test_summary__district_admin_chooses_a_street(world, at_now):
    client = client_for(world.admin)
    assert client.get(SUMMARY).json()["org_unit"]["id"] == world.d.district.pk
    body = client.get(SUMMARY, {"org_unit": world.d.street_a.pk}).json()
    assert body["org_unit"]["id"] == world.d.street_a.pk
    assert body["hazards"] == EXPECTED_STREET["hazards"]


def test_summary__community_staff_see_only_their_community(world, at_now):
    body = client_for(world.comm).get(SUMMARY).json()
    assert body["org_unit"]["id"] == world.d.comm_a1.pk
    assert [c["name"] for c in body["communities"]] == ["仁和社区"]
    assert {item["community"] for item in body["feed"]} == {"仁和社区"}
    assert {item["venue"] for item in body["feed"]} <= {"仁和一号店", "仁和二号店", "仁和三号店", "仁和四号店"}


def test_summary__community_staff_asking_for_the_street_is_403(world, at_now):
    response = client_for(world.comm).get(SUMMARY, {"org_unit": world.d.street_a.pk})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert client_for(world.comm).get(MAP, {"org_unit": world.d.comm_a2.pk}).status_code == 403


@pytest.mark.parametrize("who", ["merchant", "inspector"])
def test_summary__merchants_and_inspectors_have_no_screen(world, who, at_now):
    client = client_for(getattr(world, who))
    for url in (SUMMARY, MAP):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"
    assert client.get(UNITS).json() == []


@pytest.mark.parametrize("url", [SUMMARY, MAP, UNITS])
def test_dashboard__anonymous_is_refused_in_json(world, url):
    response = APIClient().get(url)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert "hazards" not in response.json()


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5"])
def test_summary__bad_org_unit_is_400_with_fields(world, raw):
    response = client_for(world.street).get(SUMMARY, {"org_unit": raw})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["org_unit"]


def test_map__located_open_venues_in_scope(world, at_now):
    response = client_for(world.street).get(MAP)
    assert response.status_code == 200
    body = response.json()
    assert body["coord_system"] == "wgs84"
    assert body["venues"] == [
        [world.v1.lat, world.v1.lng, "red", 2],
        [world.v2.lat, world.v2.lng, "orange", 0],
        [world.v5.lat, world.v5.lng, "blue", 1],
    ]
    community = client_for(world.comm).get(MAP).json()["venues"]
    assert [v[:2] for v in community] == [[world.v1.lat, world.v1.lng], [world.v2.lat, world.v2.lng]]
    street_b = client_for(world.street_b).get(MAP).json()["venues"]
    assert street_b == [[world.v7.lat, world.v7.lng, "red", 1]]


def test_units__the_screens_a_user_may_open(world):
    d = world.d
    assert client_for(world.comm).get(UNITS).json() == [{"id": d.comm_a1.pk, "name": "仁和社区", "level": "community"}]
    street = client_for(world.street).get(UNITS).json()
    assert [u["id"] for u in street] == [d.street_a.pk, d.comm_a1.pk, d.comm_a2.pk]


def test_summary__a_second_screen_of_the_unit_is_served_from_the_shared_summary(
    world, at_now, django_assert_max_num_queries
):
    first = client_for(world.street).get(SUMMARY).json()
    other_office = user_with_role(Role.STREET_OFFICE, world.d.street_a)
    with django_assert_max_num_queries(12):  # login, scope, marker — no aggregates
        second = client_for(other_office).get(SUMMARY).json()
    assert second["hazards"] == first["hazards"] and second["marker"] == first["marker"]


def test_summary__a_department_viewer_never_gets_the_street_offices_shared_summary(world, at_now):
    street = client_for(world.street).get(SUMMARY).json()
    police = user_with_role(Role.DEPARTMENT_VIEWER, world.d.street_a, department=Department.objects.get(code="POLICE"))
    mine = client_for(police).get(SUMMARY).json()
    assert street["hazards"]["found_this_year"] > 0
    assert mine["hazards"]["found_this_year"] == 0  # every venue of the world is a shop: not the police's line
    assert mine["venues"]["archived"] == 0
