"""Risk API: a venue's explained score, candidate major hazards, today's patrol list, coverage, schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from venuesafe.core import geo
from venuesafe.risk import selectors
from venuesafe.risk.models import VenueRisk
from venuesafe.risk.tests.views.helpers import inspected
from venuesafe.testing.factories import found_hazard

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


# --- venues/{id}/risk/ ----------------------------------------------------------------------


def test_venue_risk__factors_add_up_to_the_score_with_labels(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        found_hazard(area.yellow, area.inspector, "EVA-01")
    body = api(area.inspector).get(f"/api/v1/venues/{area.yellow.pk}/risk/").json()
    risk = VenueRisk.objects.get(venue=area.yellow)
    assert body["score"] == risk.score == sum(f["points"] for f in body["factors"])
    assert body["level"] == risk.level
    labels = {f["key"]: f["label"] for f in body["factors"]}
    assert labels["category"] == "Category base risk"
    assert labels["never_inspected"] == "Never inspected"
    assert body["next_due"] is None and body["last_inspected_at"] is None
    assert body["candidate_major"] is None


def test_venue_risk__orange_inspected_20_days_ago__due_6_days_ago(area):
    body = api(area.community_staff).get(f"/api/v1/venues/{area.orange.pk}/risk/").json()
    assert (body["level"], body["frequency_days"], body["overdue_days"]) == ("orange", 14, 6)
    assert body["next_due"] is not None


def test_venue_risk__candidate_major_with_its_elements(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hazard = found_hazard(area.red, area.inspector, "MAT-02")
    flag = api(area.street_office).get(f"/api/v1/venues/{area.red.pk}/risk/").json()["candidate_major"]
    assert flag["direct"] is True
    assert flag["factors"] == [
        {
            "hazard": hazard.pk,
            "code": "MAT-02",
            "label": hazard.hazard_type.name_en,
            "element": "6.8",
            "direct": True,
        }
    ]


def test_venue_risk__not_scored__nulls_and_blue_frequency(area):
    VenueRisk.objects.filter(venue=area.yellow).delete()
    body = api(area.inspector).get(f"/api/v1/venues/{area.yellow.pk}/risk/").json()
    assert (body["score"], body["level"], body["factors"], body["frequency_days"]) == (None, None, [], 90)


def test_venue_risk__out_of_scope_404__merchant_403(area):
    response = api(area.inspector).get(f"/api/v1/venues/{area.other_street.pk}/risk/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = api(area.merchant).get(f"/api/v1/venues/{area.red.pk}/risk/")
    assert response.status_code == 403
    assert set(response.json()) == {"code", "message", "fields"}


# --- risk/candidates/ -----------------------------------------------------------------------


def test_candidates__own_street_only(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        found_hazard(area.red, area.inspector, "MAT-02")
    rows = api(area.street_office).get("/api/v1/risk/candidates/").json()["results"]
    assert [r["venue"]["id"] for r in rows] == [area.red.pk]
    assert rows[0]["community"]["id"] == area.district.comm_a1.pk
    assert rows[0]["cleared_at"] is None
    assert api(area.other_street_office).get("/api/v1/risk/candidates/").json()["results"] == []


def test_candidates__count_against_threshold__cleared_only_when_asked(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hazards = [found_hazard(area.orange, area.inspector, c) for c in ("RES-01", "EVA-01", "EVA-03", "FAC-01")]
    row = api(area.street_office).get("/api/v1/risk/candidates/").json()["results"][0]
    assert (row["direct"], row["elements_count"], row["threshold"]) == (False, 4, 4)

    from venuesafe.hazards.services import hazard_withdraw

    with django_capture_on_commit_callbacks(execute=True):
        hazard_withdraw(hazard=hazards[0], actor=area.street_office, reason="误报")
    client = api(area.street_office)
    assert client.get("/api/v1/risk/candidates/").json()["results"] == []
    rows = client.get("/api/v1/risk/candidates/", {"include_cleared": "true"}).json()["results"]
    assert [r["venue"]["id"] for r in rows] == [area.orange.pk] and rows[0]["cleared_at"] is not None


def test_candidates__inspector_403(area):
    response = api(area.inspector).get("/api/v1/risk/candidates/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


# --- risk/patrol/ ---------------------------------------------------------------------------


def test_patrol__due_venues_of_the_grid_in_walking_order(area):
    stops = api(area.inspector).get("/api/v1/risk/patrol/").json()
    assert [(s["order"], s["venue"]["id"]) for s in stops] == [
        (1, area.red.pk),
        (2, area.yellow.pk),
        (3, area.orange.pk),
    ]
    assert stops[0]["leg_m"] is None  # the route starts at the riskiest venue
    assert 180 < stops[1]["leg_m"] < 200  # 0.002° of longitude at 32° N
    assert (stops[2]["level"], stops[2]["overdue_days"]) == ("orange", 6)
    assert stops[0]["last_inspected_at"] is None and stops[2]["last_inspected_at"] is not None


def test_patrol__inspected_within_frequency__drops_off(area):
    inspected(area.yellow, area.inspector, 1)
    ids = [s["venue"]["id"] for s in api(area.inspector).get("/api/v1/risk/patrol/").json()]
    assert area.yellow.pk not in ids and ids == [area.red.pk, area.orange.pk]


def test_patrol__from_a_gcj02_position__answers_in_gcj02(area):
    glat, glng = geo.wgs84_to_gcj02(32.0500, 120.8570)
    stops = api(area.inspector).get("/api/v1/risk/patrol/", {"lat": glat, "lng": glng, "coord_system": "gcj02"}).json()
    assert [s["venue"]["id"] for s in stops] == [area.orange.pk, area.yellow.pk, area.red.pk]
    first = stops[0]
    assert first["coord_system"] == "gcj02"
    expected = geo.wgs84_to_gcj02(area.orange.lat, area.orange.lng)
    assert abs(first["lat"] - expected[0]) < 1e-6 and abs(first["lng"] - expected[1]) < 1e-6
    assert 85 < first["leg_m"] < 105


def test_patrol__bad_position__400_with_fields(area):
    response = api(area.inspector).get("/api/v1/risk/patrol/", {"lat": "32.05"})
    assert response.status_code == 400 and "lng" in response.json()["fields"]
    response = api(area.inspector).get("/api/v1/risk/patrol/", {"lat": "51.5", "lng": "-0.12"})
    assert response.status_code == 400 and "lat" in response.json()["fields"]


def test_patrol__street_office_and_merchant_403(area):
    assert api(area.street_office).get("/api/v1/risk/patrol/").status_code == 403
    assert api(area.merchant).get("/api/v1/risk/patrol/").status_code == 403


# --- risk/coverage/ -------------------------------------------------------------------------


def test_coverage__matches_the_selector(area):
    body = api(area.street_office).get("/api/v1/risk/coverage/").json()
    total, rows = selectors.coverage(user=area.street_office)
    assert body["total"] == total.as_dict()
    assert (body["total"]["venues"], body["total"]["covered"]) == (6, 2)
    assert body["by_community"] == [r.as_dict() for r in rows]
    assert body["risk_counts"] == selectors.risk_counts(user=area.street_office)
    assert body["frequency_days"] == {"red": 7, "orange": 14, "yellow": 30, "blue": 90}


def test_coverage__org_unit_outside_scope__400(area):
    response = api(area.street_office).get("/api/v1/risk/coverage/", {"org_unit": area.district.comm_b1.pk})
    assert response.status_code == 400 and "org_unit" in response.json()["fields"]


def test_coverage__merchant_403(area):
    assert api(area.merchant).get("/api/v1/risk/coverage/").status_code == 403


# --- schema ---------------------------------------------------------------------------------


def test_schema__risk_paths():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/venues/{id}/risk/",
        "/api/v1/risk/candidates/",
        "/api/v1/risk/patrol/",
        "/api/v1/risk/coverage/",
    ):
        assert "get" in schema["paths"][path], path
        assert "403" in schema["paths"][path]["get"]["responses"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/risk/patrol/"]["get"]["parameters"]}
    assert {"lat", "lng", "coord_system"} <= params
