import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from venuesafe.reports.models import ReportState
from venuesafe.reports.services import report_submit
from venuesafe.testing.factories import found_hazard, make_photo

from ..conftest import A1_POINT

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _report(world, **kwargs):
    return report_submit(
        category=world.fire_exit,
        description="出口锁了",
        lat=A1_POINT[0] + 0.0001,
        lng=A1_POINT[1],
        contact_phone="13912349876",
        photos=[make_photo()],
        **kwargs,
    )


def test_report_api__list_and_detail_scoped(api, report_world):
    report = _report(report_world)
    api.force_authenticate(report_world.staff_a1)
    body = api.get(reverse("api-report-list")).json()
    assert [r["reference"] for r in body["results"]] == [report.reference]
    detail = api.get(reverse("api-report-detail", args=[report.pk])).json()
    assert detail["contact_phone"] == "13912349876"
    assert detail["public_status"] == "open"
    assert [v["id"] for v in detail["nearby_venues"]] == [report_world.venue_a1.pk]
    assert len(detail["photos"]) == 1
    api.force_authenticate(report_world.staff_a2)
    assert api.get(reverse("api-report-list")).json()["results"] == []
    response = api.get(reverse("api-report-detail", args=[report.pk]))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_report_api__accept_then_conflict(api, report_world):
    report = _report(report_world)
    api.force_authenticate(report_world.staff_a1)
    response = api.post(
        reverse("api-report-accept", args=[report.pk]),
        {"venue": report_world.venue_a1.pk, "hazard_type": "EVA-02", "severity": "serious", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == ReportState.ACCEPTED and body["hazard"] and body["version"] == 2
    response = api.post(reverse("api-report-dismiss", args=[report.pk]), {"reason": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "state_conflict"
    assert response.json()["current_state"] == "accepted" and response.json()["version"] == 2


def test_report_api__accept_errors(api, report_world):
    report = _report(report_world)
    api.force_authenticate(report_world.staff_a1)
    response = api.post(reverse("api-report-accept", args=[report.pk]), {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "venue_required"
    assert "venue" in response.json()["fields"]
    response = api.post(
        reverse("api-report-accept", args=[report.pk]), {"venue": report_world.venue_a2.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "venue_out_of_scope"
    response = api.post(
        reverse("api-report-accept", args=[report.pk]),
        {"venue": report_world.venue_a1.pk, "hazard_type": "NOPE"},
        format="json",
    )
    assert response.status_code == 400 and "hazard_type" in response.json()["fields"]


def test_report_api__merge_and_dismiss(api, report_world):
    hazard = found_hazard(report_world.venue_a1, report_world.inspector_a1)
    one, two = _report(report_world), _report(report_world)
    api.force_authenticate(report_world.staff_a1)
    response = api.post(reverse("api-report-merge", args=[one.pk]), {"hazard": hazard.pk}, format="json")
    assert response.status_code == 200 and response.json()["hazard"] == hazard.pk
    response = api.post(reverse("api-report-dismiss", args=[two.pk]), {"reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = api.post(reverse("api-report-dismiss", args=[two.pk]), {"reason": "重复举报"}, format="json")
    assert response.status_code == 200 and response.json()["dismiss_reason"] == "重复举报"


def test_report_api__anonymous_refused(api, report_world):
    assert api.get(reverse("api-report-list")).status_code in (401, 403)
