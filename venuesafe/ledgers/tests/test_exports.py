"""The files themselves, read back: headers, rows and values against the database, for a filter."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import translation

from venuesafe.accounts.models import Role
from venuesafe.hazards.models import OPEN_STATES, Hazard, HazardEvent, HazardState
from venuesafe.inspections.models import Inspection
from venuesafe.ledgers import services
from venuesafe.ledgers.filters import LedgerFilters
from venuesafe.ledgers.models import ExportState
from venuesafe.org.models import Department
from venuesafe.selfchecks.models import SelfCheck
from venuesafe.testing.factories import category, user_with_role, venue
from venuesafe.venues.models import Venue

from .conftest import PERIOD, T0, local, read_xlsx, sheet_rows, wall

START = dt.date.fromisoformat(PERIOD[0])
END = dt.date.fromisoformat(PERIOD[1])


def export(actor, kind, fmt="xlsx", language="zh-hans", **filters):
    e = services.export_request(actor=actor, kind=kind, fmt=fmt, filters=LedgerFilters(**filters), language=language)
    assert e.state == ExportState.DONE, e.error
    return e


def content(e) -> bytes:
    with e.file.open("rb") as fh:
        return fh.read()


def xlsx_rows(e, sheet=0) -> list[list]:
    return sheet_rows(read_xlsx(content(e)).worksheets[sheet])


def csv_rows(e) -> list[list[str]]:
    raw = content(e)
    assert raw.startswith("\ufeff".encode()), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def by_header(rows: list[list]) -> list[dict]:
    head = rows[0]
    return [dict(zip(head, row, strict=True)) for row in rows[1:]]


def period_bounds():
    return LedgerFilters(date_from=START, date_to=END).bounds()


# --- hazard ledger --------------------------------------------------------------------------


def test_hazard_ledger__community_open_period__rows_and_values_match_the_database(ledgers):
    w = ledgers.world
    e = export(w.street, "hazards", org_unit=w.d.comm_a1, state="open", date_from=START, date_to=END, language="en")
    rows = by_header(xlsx_rows(e))

    start, end = period_bounds()
    expected = list(
        Hazard.objects.filter(
            org_path__startswith=w.d.comm_a1.path, state__in=OPEN_STATES, found_at__gte=start, found_at__lt=end
        ).order_by("found_at", "id")
    )
    assert [r["Work order no."] for r in rows] == [h.pk for h in expected]
    assert e.rows_total == len(expected) == e.rows_done
    ids = {r["Work order no."] for r in rows}
    assert {ledgers.dispatched.pk, ledgers.found_other.pk} <= ids
    assert ledgers.closed.pk not in ids, "closed is not open"
    assert ledgers.old.pk not in ids, "found before the period"
    assert ledgers.a2.pk not in ids, "another community"

    row = next(r for r in rows if r["Work order no."] == ledgers.dispatched.pk)
    h = ledgers.dispatched
    assert row["Venue"] == h.venue.sign_name
    assert row["Community"] == "仁和社区"
    assert row["Hazard type code"] == "ELE-01"
    assert row["Hazard type"] == h.hazard_type.name_en
    assert row["State"] == "Dispatched"
    assert row["Found at"] == local(h.found_at) == wall(2026, 3, 4, 8, 0)
    assert row["Deadline"] == local(h.deadline)
    assert row["Overdue"] == "Yes"  # the clock stands at T0 + 5 days, past the 24-hour deadline
    assert row["Responsible party"] == "the merchant"
    assert row["Closed at"] is None


def test_hazard_ledger__timeline_column_and_events_sheet_hold_every_event(ledgers):
    w = ledgers.world
    e = export(w.street, "hazards", state=HazardState.CLOSED, language="en")
    wb = read_xlsx(content(e))
    assert wb.sheetnames == ["Hazard ledger", "Events"]
    rows = by_header(sheet_rows(wb["Hazard ledger"]))
    assert [r["Work order no."] for r in rows] == list(
        Hazard.objects.filter(state=HazardState.CLOSED).order_by("found_at", "id").values_list("pk", flat=True)
    )
    h = ledgers.closed
    row = next(r for r in rows if r["Work order no."] == h.pk)
    assert row["Closed at"] == local(h.closed_at) == wall(2026, 3, 3, 14, 0)
    assert row["Rectification time (h)"] == 30
    assert row["Closed on time"] == "No"  # 立即 gives 24 hours; it took 30
    assert row["Timeline"].split("\n") == [
        "2026-03-02 08:00 Found 巡查员甲: 后门通道堆放纸箱",
        "2026-03-02 09:00 Dispatched 仁和专员: 请当天清理",
        "2026-03-02 10:00 Acknowledged 店主",
        "2026-03-03 04:00 Proof submitted 店主: 已清理",
        "2026-03-03 14:00 Review passed 巡查员甲: 通道畅通",
    ]

    events = [r for r in by_header(sheet_rows(wb["Events"])) if r["Work order no."] == h.pk]
    db_events = list(HazardEvent.objects.filter(hazard=h).order_by("at", "id"))
    assert len(events) == len(db_events) == 5
    with translation.override("en"):
        for got, event in zip(events, db_events, strict=True):
            assert got["Time"] == local(event.at)
            assert got["Event"] == event.get_kind_display()
            assert got["To state"] == event.get_to_state_display()
            assert (got["Note"] or "") == event.note
    assert [r["By"] for r in events] == ["巡查员甲", "仁和专员", "店主", "店主", "巡查员甲"]
    # Every event of every exported hazard is on the sheet, and nothing else.
    assert len(sheet_rows(wb["Events"])) - 1 == HazardEvent.objects.filter(hazard__state=HazardState.CLOSED).count()


def test_hazard_ledger__overdue_state_takes_only_open_orders_past_their_deadline(ledgers):
    w = ledgers.world
    e = export(w.street, "hazards", state="overdue", language="en")
    rows = by_header(xlsx_rows(e))
    assert rows
    assert {r["Overdue"] for r in rows} == {"Yes"}
    assert ledgers.closed.pk not in {r["Work order no."] for r in rows}


def test_hazard_ledger__csv_parsed_matches_the_database(ledgers):
    w = ledgers.world
    e = export(w.street, "hazards", fmt="csv", org_unit=w.d.comm_a1, date_from=START, date_to=END, language="en")
    rows = by_header(csv_rows(e))
    start, end = period_bounds()
    expected = list(
        Hazard.objects.filter(org_path__startswith=w.d.comm_a1.path, found_at__gte=start, found_at__lt=end)
        .select_related("venue")
        .order_by("found_at", "id")
    )
    assert [int(r["Work order no."]) for r in rows] == [h.pk for h in expected]
    with translation.override("en"):
        for row, h in zip(rows, expected, strict=True):
            assert row["Venue"] == h.venue.sign_name
            assert row["Found at"] == f"{local(h.found_at):%Y-%m-%d %H:%M}"
            assert row["State"] == h.get_state_display()
            assert len(row["Timeline"].split("\n")) == h.events.count()
    closed = next(r for r in rows if int(r["Work order no."]) == ledgers.closed.pk)
    assert closed["Closed at"] == "2026-03-03 14:00"
    assert closed["Rectification time (h)"] == "30.0"


# --- the other ledgers ----------------------------------------------------------------------


def test_venue_archive__default_language_gives_chinese_headers(ledgers):
    e = export(ledgers.world.street, "venues")
    rows = xlsx_rows(e)
    assert "店招名称" in rows[0]
    assert rows[0][1] == "店招名称"
    assert read_xlsx(content(e)).sheetnames == ["场所档案"]


def test_venue_archive__english_headers_and_values_match_the_database(ledgers):
    w = ledgers.world
    e = export(w.street, "venues", language="en", org_unit=w.d.comm_a1, state="open")
    rows = by_header(xlsx_rows(e))
    assert list(rows[0])[:4] == ["Archive no.", "Shop sign name", "Category", "Address"]
    expected = list(Venue.objects.filter(org_path__startswith=w.d.comm_a1.path, business_status="open").order_by("id"))
    assert [r["Archive no."] for r in rows] == [v.pk for v in expected]
    row, v = rows[0], expected[0]
    assert row["Shop sign name"] == v.sign_name
    assert row["Licence number"] == v.licence_no
    assert row["Operator mobile"] == v.operator_mobile
    assert row["Latitude (WGS-84)"] == round(v.lat, 7)
    assert row["Longitude (WGS-84)"] == round(v.lng, 7)
    assert row["Five elements present"] == v.elements_present == 4
    assert row["Missing elements"] == "Photo"
    assert row["Business status"] == "Open"


def test_inspection_ledger__rows_match_the_database(ledgers):
    w = ledgers.world
    e = export(w.street, "inspections", language="en", org_unit=w.d.comm_a1, date_from=START, date_to=END)
    rows = by_header(xlsx_rows(e))
    insp = ledgers.inspection
    assert [r["Inspection no."] for r in rows] == [insp.pk]
    row = rows[0]
    assert row["Venue"] == insp.venue.sign_name
    assert row["Inspector"] == "巡查员甲"
    assert row["Started at"] == local(insp.started_at)
    assert row["Ended at"] == local(insp.ended_at)
    with translation.override("en"):
        assert row["Location check"] == insp.get_location_status_display()
    assert row["Hazards found"] == 1
    assert row["Note"] == "例行巡查"
    # The period is on the day the inspection ended.
    assert export(w.street, "inspections", date_to=dt.date(2026, 3, 3)).rows_total == 0


def test_self_check_ledger__rows_match_the_database(ledgers):
    w = ledgers.world
    e = export(w.street, "self_checks", language="en", date_from=START, date_to=END)
    rows = by_header(xlsx_rows(e))
    sc = ledgers.self_check
    assert [r["Self-check no."] for r in rows] == list(SelfCheck.objects.values_list("pk", flat=True))
    row = rows[0]
    assert row["Merchant"] == "店主"
    assert row["Day"].date() == sc.day == dt.date(2026, 3, 4)
    assert row["Submission of the day"] == sc.revision
    assert row["Items answered no"] == sc.failed_count
    assert row["Submitted at"] == local(sc.submitted_at)
    assert export(w.street, "self_checks", date_from=dt.date(2026, 3, 5)).rows_total == 0


# --- scope ----------------------------------------------------------------------------------


def test_community_export__holds_nothing_of_another_community(ledgers):
    w = ledgers.world
    a1_venues = set(Venue.objects.filter(community=w.d.comm_a1).values_list("sign_name", flat=True))
    a2_venues = set(Venue.objects.filter(community=w.d.comm_a2).values_list("sign_name", flat=True))
    for kind in ("venues", "hazards", "inspections", "self_checks"):
        for fmt in ("xlsx", "csv"):
            e = export(w.comm_a2, kind, fmt=fmt, language="en")
            rows = xlsx_rows(e) if fmt == "xlsx" else csv_rows(e)
            cells = {str(c) for row in rows[1:] for c in row if c is not None}
            assert not cells & a1_venues, (kind, fmt)
            assert "仁和社区" not in cells, (kind, fmt)
            if kind != "self_checks":  # nobody punched in at the A2 venue
                assert cells & a2_venues, (kind, fmt)
    # And the same ledger for the street holds both.
    street = {r[1] for r in xlsx_rows(export(w.street, "hazards"))[1:]}
    assert street & a1_venues and street & a2_venues


def test_department_viewer__exports_only_its_line(ledgers):
    """Market regulation answers for shops but not for KTVs: a KTV in its street is not in its ledger."""
    w = ledgers.world
    market = Department.objects.get(code="MARKET")
    viewer = user_with_role(Role.DEPARTMENT_VIEWER, w.d.street_a, department=market)
    ktv = venue(w.d.comm_a1, w.d.grid_a1a, category=category("ENT"), sign_name="星光KTV")
    rows = by_header(xlsx_rows(export(viewer, "venues", language="en")))
    ids = {r["Archive no."] for r in rows}
    assert ktv.pk not in ids
    assert ids == set(
        Venue.objects.filter(org_path__startswith=w.d.street_a.path)
        .exclude(category__code="ENT")
        .values_list("pk", flat=True)
    )
    assert ids


def test_inspection_ledger__an_inspector_exports_the_grid_he_patrols(ledgers):
    """An inspector of grid A1a sees A1a's inspections, not A2's."""
    w = ledgers.world
    rows = by_header(xlsx_rows(export(w.inspector, "inspections", language="en")))
    assert {r["Inspection no."] for r in rows} == set(
        Inspection.objects.filter(org_path__startswith=w.d.grid_a1a.path).values_list("pk", flat=True)
    )


def test_headers__follow_the_language_of_the_request(ledgers):
    w = ledgers.world
    english = xlsx_rows(export(w.street, "hazards", language="en"))[0]
    chinese = xlsx_rows(export(w.street, "hazards", language="zh-hans"))[0]
    assert english[1] == "Venue" and chinese[1] == "场所"
    with translation.override("en"):
        assert english[0] == "Work order no."
    assert T0  # the fixture's clock


def test_text_that_looks_like_a_formula__stays_text(ledgers):
    """A sign name typed as a formula must not run in Excel (CSV injection)."""
    w = ledgers.world
    trap = venue(w.d.comm_a1, w.d.grid_a1a, sign_name='=HYPERLINK("http://x.test","点我")', address="#N/A\x07路")
    wb = read_xlsx(content(export(w.street, "venues", language="en")))
    row = next(r for r in wb.worksheets[0].iter_rows(min_row=2) if r[0].value == trap.pk)
    assert row[1].value == '=HYPERLINK("http://x.test","点我")'
    assert row[1].data_type == "s"
    assert row[3].value == "#N/A路" and row[3].data_type == "s"  # a control character is dropped
    rows = by_header(csv_rows(export(w.street, "venues", fmt="csv", language="en")))
    got = next(r for r in rows if r["Archive no."] == str(trap.pk))
    assert got["Shop sign name"] == "'" + trap.sign_name
