"""The weekly / monthly summary report: figures equal to the loop's, overdue and escalated lists, scope, bad input."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from PIL import Image

from venuesafe.documents import selectors, summary
from venuesafe.hazards import selectors as hazard_selectors
from venuesafe.hazards import services
from venuesafe.hazards.models import EventKind, HazardEvent, HazardState
from venuesafe.hazards.tests.services.world import T0
from venuesafe.inspections.tests.services.helpers import submit
from venuesafe.selfchecks import selectors as selfcheck_selectors
from venuesafe.testing.factories import Role, found_hazard, make_photo, user_with_role, venue

from . import pdfread

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
SUNDAY = dt.date(2026, 3, 8)
FRIDAY_NOON = T0 + dt.timedelta(days=4, hours=4)  # Fri 6 March 2026, 12:00 in Shanghai


@pytest.fixture
def scene(world, clock_at):
    """Week of Mon 2 – Sun 8 March 2026, seen on Friday.

    Monday 08:00: in community A1 one order is found and closed at once; a blocked exit at the world's
    venue and one at the neighbour (handed to its merchant) are found, 24 h to fix; in community A2
    and in street B one each as well. Thursday the timers escalate every late one (community, then
    street); the neighbour then fixes its exit and the order closes, late. An inspection on Monday.
    """
    d = world.d
    clock_at(T0)
    a2_venue = venue(d.comm_a2, d.grid_a2a, sign_name="天和小吃店")
    b_venue = venue(d.comm_b1, d.grid_b1a, sign_name="幸福面馆")
    a_inspector = user_with_role(Role.INSPECTOR, d.street_a, full_name="街道巡查员")
    b_inspector = user_with_role(Role.INSPECTOR, d.street_b, full_name="幸福巡查员")

    closed_at_once = world.hazard_in(HazardState.CLOSED, "EVA-02")
    overdue_a1 = world.found("EVA-01")
    fixed_late = world.hazard_in(HazardState.RECTIFYING, "EVA-01", venue=world.other_venue)
    overdue_a2 = found_hazard(a2_venue, a_inspector, "EVA-01")
    overdue_b = found_hazard(b_venue, b_inspector, "EVA-01")
    submit(world)  # a clean inspection

    clock_at(T0 + dt.timedelta(days=3))
    services.run_hazard_timers()
    services.hazard_submit_proof(hazard=fixed_late, actor=world.other_merchant, photos=[make_photo("after.jpg")])
    services.hazard_review_pass(hazard=fixed_late, actor=world.inspector)

    clock_at(FRIDAY_NOON)
    return {
        "a2_venue": a2_venue,
        "b_venue": b_venue,
        "closed_at_once": closed_at_once,
        "overdue_a1": overdue_a1,
        "fixed_late": fixed_late,
        "overdue_a2": overdue_a2,
        "overdue_b": overdue_b,
    }


def pdf_url(**query) -> str:
    return f"{reverse('documents:summary_pdf')}?{urlencode(query)}"


def api_url(**query) -> str:
    return f"{reverse('api-documents-summary')}?{urlencode(query)}"


def get_pdf(client, user, url, tmp_path):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:400]
    assert response["Content-Type"] == "application/pdf"
    return pdfread.save(response.content, tmp_path)


def zh_headline(report) -> list[tuple[str, str]]:
    with translation.override("zh-hans"):
        return [(str(label), value) for label, value in summary.headline_rows(report)]


def test_report__street_week__figures_equal_the_loop_figures(client, tmp_path, world, scene):
    street = world.d.street_a
    pdf = get_pdf(client, world.street, pdf_url(org_unit=street.pk, period="week", date="2026-03-04"), tmp_path)
    layout = pdfread.text(pdf)
    raw = pdfread.compact(pdfread.raw(pdf))

    assert "陈桥街道" in layout
    assert "2026-03-02" in layout and "2026-03-08" in layout

    # The loop's own figures for the same week and street, as the figures page shows them.
    figures = hazard_selectors.loop_figures(user=world.street, date_from=MONDAY, date_to=SUNDAY, org_unit=street).total
    assert (figures.found, figures.closed, figures.open, figures.overdue) == (4, 2, 2, 2)
    assert figures.on_time_rate == 0.5
    report = selectors.summary_report(
        user=world.street, unit=street, period=selectors.report_period(kind="week", day=MONDAY)
    )
    rows = dict(zh_headline(report))
    with translation.override("zh-hans"):
        expected = {
            str(_("Hazards found")): str(figures.found),
            str(_("Hazards closed")): str(figures.closed),
            str(_("Closed on time")): "50.0%",
            str(_("Mean rectification time")): summary.hours(figures.mean_hours),
            str(_("Open now")): str(figures.open),
            str(_("Overdue now")): str(figures.overdue),
            str(_("Inspections")): "1",
        }
    assert figures.mean_hours == 36.0  # one closed at once, one 72 h after it was found
    for label, value in expected.items():
        assert rows[label] == value
    # ...and the PDF prints each figure next to its label.
    for label, value in zh_headline(report):
        assert re.search(re.escape(label) + r"\s+" + re.escape(value), layout), (label, value)

    # Punch-in: the mean of the daily rates of the days so far (Monday to Friday).
    checks = selfcheck_selectors.self_check_figures(
        user=world.street, day=dt.date(2026, 3, 6), date_from=MONDAY, date_to=dt.date(2026, 3, 6), org_unit=street
    )
    assert len(checks.daily) == 5
    assert report.punch_in_rate == round(sum(d["rate"] for d in checks.daily) / 5, 4)

    # Overdue now: the world's venue and the one in A2; escalated this week: those and the neighbour.
    for h in (scene["overdue_a1"], scene["overdue_a2"], scene["fixed_late"]):
        assert pdfread.compact(h.venue.sign_name) in raw
    assert [i["hazard_id"] for i in report.overdue] == [scene["overdue_a1"].pk, scene["overdue_a2"].pk]
    escalated = {(i["hazard_id"], i["escalation_level"]) for i in report.escalated}
    for h in (scene["overdue_a1"], scene["overdue_a2"], scene["fixed_late"]):
        assert {(h.pk, 1), (h.pk, 2)} <= escalated
    assert len(report.escalated) == 6
    # Nothing of street B.
    assert "幸福面馆" not in raw and "幸福社区" not in raw


def test_report__escalated_item_closed_since__listed_as_escalated_not_overdue(client, tmp_path, world, scene):
    neighbour = world.other_venue.sign_name
    report = selectors.summary_report(
        user=world.comm, unit=world.d.comm_a1, period=selectors.report_period(kind="week", day=MONDAY)
    )
    assert neighbour not in [i["venue"] for i in report.overdue]
    late = [i for i in report.escalated if i["venue"] == neighbour]
    assert late and all(i["state"] == HazardState.CLOSED for i in late)
    # Overdue from its deadline (Tue 08:00) until it closed (Thu 08:00).
    assert {i["days_overdue"] for i in late} == {2}

    pdf = get_pdf(client, world.comm, pdf_url(org_unit=world.d.comm_a1.pk, period="week", date="2026-03-02"), tmp_path)
    pages = pdfread.page_texts(pdf)
    heading = pdfread.zh(lambda: _("Work orders escalated in the period (%(n)d)") % {"n": len(report.escalated)})
    escalated_part = pdfread.compact("".join(pages)).split(pdfread.compact(heading), 1)[1]
    assert pdfread.compact(neighbour) in escalated_part


def test_report__community__holds_no_venue_of_another_community(client, tmp_path, world, scene):
    pdf = get_pdf(client, world.comm, pdf_url(org_unit=world.d.comm_a1.pk, period="week", date="2026-03-06"), tmp_path)
    raw = pdfread.compact(pdfread.raw(pdf))
    assert "仁和社区" in raw
    assert pdfread.compact(world.venue.sign_name) in raw
    assert "天和小吃店" not in raw and "天和社区" not in raw
    assert "幸福面馆" not in raw
    # While the street's report of the same week has the A2 venue.
    street_pdf = get_pdf(
        client, world.street, pdf_url(org_unit=world.d.street_a.pk, period="week", date="2026-03-06"), tmp_path
    )
    assert "天和小吃店" in pdfread.raw(street_pdf)


def test_report__month__pages_render_and_fonts_are_embedded(client, tmp_path, world, scene):
    pdf = get_pdf(
        client, world.street, pdf_url(org_unit=world.d.street_a.pk, period="month", date="2026-03-15"), tmp_path
    )
    layout = pdfread.text(pdf)
    assert "2026-03-01" in layout and "2026-03-31" in layout
    pages = pdfread.pngs(pdf, tmp_path)
    assert len(pages) == int(pdfread.info(pdf)["Pages"]) >= 1
    for png in pages:
        with Image.open(png) as image:
            assert pdfread.dark_pixels(image) > 500  # text and charts, not blank
    fonts = pdfread.fonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts), [f["line"] for f in fonts]


def test_report__long_lists_run_over_several_pages(client, tmp_path, world, scene, monkeypatch):
    # Forty more overdue orders in A1 push the lists onto more pages; the table header repeats.
    d = world.d
    for n in range(40):
        v = venue(d.comm_a1, d.grid_a1a, sign_name=f"长清单小店{n:02d}")
        found_hazard(v, world.inspector, "EVA-01", found_at=T0)
    pdf = get_pdf(client, world.street, pdf_url(org_unit=d.street_a.pk, period="week", date="2026-03-02"), tmp_path)
    pages = pdfread.page_texts(pdf)
    assert len(pages) >= 3
    text = "".join(pages)
    assert all(f"长清单小店{n:02d}" in text for n in range(40))


def test_report__api__same_pdf_and_json_errors(client, tmp_path, world, scene):
    pdf = get_pdf(
        client, world.street, api_url(org_unit=world.d.street_a.pk, period="week", date="2026-03-02"), tmp_path
    )
    assert "陈桥街道" in pdfread.text(pdf)

    response = client.get(api_url(org_unit=world.d.street_a.pk, period="fortnight"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "period" in response.json()["fields"]

    response = client.get(api_url(org_unit=world.d.street_a.pk, period="week", date="06/03/2026"))
    assert response.status_code == 400
    assert "date" in response.json()["fields"]

    response = client.get(api_url(org_unit=world.d.street_b.pk, period="week"))
    assert response.status_code == 403
    assert response.json()["code"] == "report_area_out_of_scope"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "fortnight"}, "period"),
        ({"period": ""}, "period"),
        ({"period": "week", "date": "2026-13-01"}, "date"),
        ({"period": "week", "date": "yesterday"}, "date"),
        ({"period": "month", "date": "2026-04-01"}, "date"),  # has not begun on 6 March
        ({"period": "week", "org_unit": "abc"}, "org_unit"),
    ],
)
def test_report__bad_input__400_page_saying_what(client, world, scene, query, field):
    client.force_login(world.street)
    response = client.get(pdf_url(**query), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert 'id="report-error"' in body
    assert f'id="errors-{field}"' in body


def test_report__area_out_of_scope__403(client, world, scene):
    client.force_login(world.street)
    response = client.get(pdf_url(org_unit=world.d.street_b.pk, period="week"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "You may not report on this area." in response.content.decode()
    # Community staff may report on their community, not on the street above it.
    client.force_login(world.comm)
    assert client.get(pdf_url(org_unit=world.d.street_a.pk, period="week")).status_code == 403
    assert client.get(pdf_url(org_unit=world.d.comm_a2.pk, period="week")).status_code == 403


def test_reports_page__merchant_has_no_area__403(client, world):
    client.force_login(world.merchant)
    response = client.get(reverse("documents:reports"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "You have no area to report on." in response.content.decode()
    assert client.get(pdf_url(period="week")).status_code == 403


def test_reports_page__offers_the_areas_in_scope_and_previews_the_figures(client, world, scene):
    client.force_login(world.street)
    body = client.get(reverse("documents:reports")).content.decode()
    start = body.index('id="report-form"')
    form = body[start : body.index("</form>", start)]
    for unit in (world.d.street_a, world.d.comm_a1, world.d.comm_a2):
        assert f'value="{unit.pk}"' in form
    assert f'value="{world.d.street_b.pk}"' not in form and f'value="{world.d.comm_b1.pk}"' not in form

    query = {"org_unit": world.d.comm_a1.pk, "period": "week", "date": "2026-03-02"}
    response = client.get(f"{reverse('documents:reports')}?{urlencode(query)}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="report-preview"' in body
    assert f'href="{pdf_url(**query)}"'.replace("&", "&amp;") in body
    assert "Hazards found" in body


def test_nav__reports_link_for_report_areas_only(client, world):
    client.force_login(world.street)
    assert f'href="{reverse("documents:reports")}"' in client.get(reverse("documents:reports")).content.decode()
    client.force_login(world.merchant)
    assert f'href="{reverse("documents:reports")}"' not in client.get(reverse("notices:inbox")).content.decode()


# --- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        ("week", "2026-03-08", "2026-03-02", "2026-03-08"),  # a Sunday belongs to the week before it
        ("week", "2026-03-02", "2026-03-02", "2026-03-08"),
        ("week", "2026-01-01", "2025-12-29", "2026-01-04"),  # ISO week 1 of 2026 starts in 2025
        ("month", "2024-02-10", "2024-02-01", "2024-02-29"),
        ("month", "2025-12-31", "2025-12-01", "2025-12-31"),
    ],
)
def test_report_period__week_is_monday_to_sunday_month_is_the_calendar_month(kind, day, start, end):
    period = selectors.report_period(kind=kind, day=day, today=dt.date(2026, 3, 10))
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


def test_report_period__iso_week_number_across_the_year_end():
    period = selectors.report_period(kind="week", day="2026-01-01", today=dt.date(2026, 3, 10))
    assert period.iso_week == (2026, 1)


def test_report__escalation_events_come_from_the_timers(world, scene):
    # The fixture's escalations are real timer events, two levels per late order, on Thursday.
    events = HazardEvent.objects.filter(kind=EventKind.ESCALATED, hazard=scene["overdue_a1"]).order_by("id")
    assert [e.data["level"] for e in events] == [1, 2]
    assert {e.at for e in events} == {T0 + dt.timedelta(days=3)}
