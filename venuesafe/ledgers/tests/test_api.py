"""POST /api/v1/ledgers/exports/ → 202 → poll → download; refusals in the API's one error shape."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from venuesafe.ledgers.models import Export, ExportState

URL = "/api/v1/ledgers/exports/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_create__202_then_status_then_download(ledgers):
    w = ledgers.world
    client = api(w.street)
    response = client.post(
        URL,
        {
            "kind": "hazards",
            "format": "xlsx",
            "filters": {
                "org_unit": w.d.comm_a1.pk,
                "state": "open",
                "date_from": "2026-03-01",
                "date_to": "2026-03-10",
            },
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["status_url"] == f"{URL}{data['id']}/"
    assert data["filters"] == {
        "date_from": "2026-03-01",
        "date_to": "2026-03-10",
        "org_unit": w.d.comm_a1.pk,
        "category": None,
        "state": "open",
    }

    status = client.get(data["status_url"]).json()
    assert status["state"] == "done"
    assert status["rows_done"] == status["rows_total"] == 3
    assert status["progress_percent"] == 100
    assert status["download_url"] == f"{URL}{data['id']}/download/"

    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in download["Content-Disposition"]
    wb = load_workbook(io.BytesIO(body(download)))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Work order no."
    assert len(rows) == 1 + 3
    assert ledgers.dispatched.pk in {r[0] for r in rows[1:]}


def test_list__only_my_exports(ledgers):
    w = ledgers.world
    api(w.street).post(URL, {"kind": "venues"}, format="json")
    api(w.comm).post(URL, {"kind": "venues", "format": "csv"}, format="json")
    mine = api(w.comm).get(URL).json()
    assert [(e["kind"], e["format"]) for e in mine] == [("venues", "csv")]


def test_status_and_download__someone_else__404(ledgers):
    w = ledgers.world
    created = api(w.street).post(URL, {"kind": "venues"}, format="json").json()
    for url in (created["status_url"], f"{created['status_url']}download/"):
        response = api(w.comm).get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_download__not_built_yet__409_not_ready(ledgers):
    export = Export.objects.create(kind="hazards", format="xlsx", requested_by=ledgers.world.street)
    response = api(ledgers.world.street).get(f"{URL}{export.pk}/download/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"
    assert response.json()["current_state"] == ExportState.QUEUED


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"date_from": "2026-02-30"}, "filters.date_from"),
        ({"date_from": "04/05/2026"}, "filters.date_from"),
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "filters.date_to"),
        ({"state": "rectifying"}, "filters.state"),  # a hazard state on the venue archive
        ({"category": "NOPE"}, "filters.category"),
    ],
)
def test_create__bad_filter__400_with_the_field_and_nothing_exported(ledgers, filters, field):
    response = api(ledgers.world.street).post(URL, {"kind": "venues", "filters": filters}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert not Export.objects.exists()


def test_create__area_outside_scope__refused(ledgers):
    w = ledgers.world
    response = api(w.comm_a2).post(URL, {"kind": "hazards", "filters": {"org_unit": w.d.comm_a1.pk}}, format="json")
    assert response.status_code == 400
    assert "filters.org_unit" in response.json()["fields"]
    assert not Export.objects.exists()


def test_create__merchant__403_cannot_export(ledgers):
    response = api(ledgers.world.merchant).post(URL, {"kind": "self_checks"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "cannot_export"
    assert not Export.objects.exists()


def test_create__unknown_ledger__400(ledgers):
    response = api(ledgers.world.street).post(URL, {"kind": "payroll"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_schema__ledger_endpoints(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    assert set(paths[URL]) >= {"get", "post"}
    assert "get" in paths["/api/v1/ledgers/exports/{id}/"]
    assert "get" in paths["/api/v1/ledgers/exports/{id}/download/"]
    assert "202" in paths[URL]["post"]["responses"]
