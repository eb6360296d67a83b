"""The ledger page: ask for an export, see it in my list, download it; or stream a CSV now."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from venuesafe.hazards.models import Hazard
from venuesafe.ledgers.models import Export, ExportState

URL = "/ledgers/"


def login(client, user):
    client.force_login(user)
    return client


def test_page__staff__form_and_my_exports(client, ledgers):
    response = login(client, ledgers.world.comm).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ledger-form"' in html
    assert 'name="kind" value="hazards"' in html
    assert 'id="nav-ledgers"' in html
    assert 'id="no-exports"' in html
    # The area choices are the user's own: community A1 and its grids, not community A2.
    assert "仁和一网格" in html and "天和一网格" not in html


def test_page__merchant__403(client, ledgers):
    assert login(client, ledgers.world.merchant).get(URL).status_code == 403


def test_post__export_listed_with_a_download_link_that_serves_the_file(client, ledgers):
    w = ledgers.world
    login(client, w.street)
    response = client.post(
        URL,
        {
            "kind": "hazards",
            "format": "xlsx",
            "org_unit": str(w.d.comm_a1.pk),
            "hazard_state": "closed",
            "venue_status": "suspended",  # the other ledger's field is ignored
            "date_from": "2026-03-01",
            "date_to": "2026-03-10",
        },
    )
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?export={export.pk}#export-{export.pk}"
    assert export.filters["state"] == "closed"
    assert export.state == ExportState.DONE

    page = client.get(response["Location"]).content.decode()
    download_url = f"/ledgers/exports/{export.pk}/download/"
    assert f'id="export-{export.pk}"' in page
    assert f'href="{download_url}"' in page

    download = client.get(download_url)
    assert download.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    ids = [row[0] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert ids == [ledgers.closed.pk]
    assert len(list(wb.worksheets[1].iter_rows(min_row=2))) == 5  # the events sheet


def test_download__someone_elses_export__404(client, ledgers):
    w = ledgers.world
    login(client, w.street)
    client.post(URL, {"kind": "venues", "format": "csv"})
    export = Export.objects.get()
    client.logout()
    assert login(client, w.comm).get(f"/ledgers/exports/{export.pk}/download/").status_code == 404


def test_post__invalid_date__400_with_the_error_at_the_field_and_nothing_exported(client, ledgers):
    login(client, ledgers.world.street)
    response = client.post(URL, {"kind": "hazards", "format": "xlsx", "date_from": "2026-13-01"})
    assert response.status_code == 400
    assert 'id="errors-date_from"' in response.content.decode()
    assert not Export.objects.exists()


def test_post__area_outside_scope__400_and_nothing_exported(client, ledgers):
    w = ledgers.world
    login(client, w.comm_a2)
    response = client.post(URL, {"kind": "hazards", "format": "xlsx", "org_unit": str(w.d.comm_a1.pk)})
    assert response.status_code == 400
    assert 'id="errors-org_unit"' in response.content.decode()
    assert not Export.objects.exists()


def test_csv_now__streams_the_ledger_with_bom_in_the_request_language(client, ledgers):
    w = ledgers.world
    login(client, w.street)
    response = client.get(
        "/ledgers/csv/",
        {"kind": "hazards", "format": "csv", "org_unit": str(w.d.comm_a2.pk)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["Work order no.", "Venue"]
    expected = Hazard.objects.filter(community=w.d.comm_a2).order_by("found_at", "id").values_list("pk", flat=True)
    assert [int(r[0]) for r in rows[1:]] == list(expected)
    assert not Export.objects.exists(), "a direct CSV leaves no export behind"


def test_csv_now__invalid_filter__400_page_with_the_error(client, ledgers):
    login(client, ledgers.world.street)
    response = client.get("/ledgers/csv/", {"kind": "venues", "date_to": "yesterday"})
    assert response.status_code == 400
    assert 'id="errors-date_to"' in response.content.decode()


def test_admin__exports_listed_read_only(client, ledgers, django_user_model):
    w = ledgers.world
    login(client, w.street).post(URL, {"kind": "venues", "format": "csv"})
    admin = django_user_model.objects.create_superuser("root", password="x-Passw0rd!", mobile="13700000000")
    client.force_login(admin)
    page = client.get("/admin/ledgers/export/")
    assert page.status_code == 200
    assert "陈桥综安办" in page.content.decode()
    assert client.get("/admin/ledgers/export/add/").status_code == 403
