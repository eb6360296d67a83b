"""The demo district's resident reports and venue verification tasks: triaged as the services do
it, figures that come out of the rows, work waiting for demo_community and the verifiers, a fixed
Open311 key that works, and a second load that changes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from venuesafe.accounts.models import User
from venuesafe.demo.reports_history import OPEN311_DEMO_API_KEY
from venuesafe.hazards.models import HazardSource, HazardState
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.reports.models import ReportState, ResidentReport
from venuesafe.reports.selectors import report_triage_list
from venuesafe.verifications.models import EscalationLevel, EventKind, TaskState, VerificationTask
from venuesafe.verifications.selectors import verification_figures

pytestmark = pytest.mark.django_db

# A Wednesday, 11:00 in Shanghai.
NOW = dt.datetime(2026, 6, 17, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 17)


@pytest.fixture
def loaded():
    with time_machine.travel(NOW, tick=False):
        out = io.StringIO()
        call_command("load_demo_district", stdout=out)
        yield out.getvalue()


def test_reports_history__triaged_as_the_services_do_and_todays_wait_for_demo_community(loaded):
    reports = list(ResidentReport.objects.select_related("hazard", "community"))
    states = {s: [r for r in reports if r.state == s] for s in ReportState.values}
    assert len(reports) == 15
    assert len(states[ReportState.ACCEPTED]) == 9 and len(states[ReportState.MERGED]) == 2
    assert len(states[ReportState.DISMISSED]) == 1 and len(states[ReportState.NEW]) == 3
    assert len({r.category_id for r in reports}) >= 6
    for r in reports:
        assert NOW - dt.timedelta(days=61) < r.submitted_at <= NOW
        if r.state == ReportState.NEW:
            assert r.hazard is None and r.triaged_at is None
            assert r.community.name == "仁和社区" and NOW - r.submitted_at < dt.timedelta(hours=3)
        else:
            assert r.submitted_at < r.triaged_at < NOW
    for r in states[ReportState.ACCEPTED]:
        # Its own work order, found when the report was accepted, dispatched with a deadline still ahead.
        assert r.hazard.source == HazardSource.RESIDENT_REPORT and r.hazard.venue_id == r.venue_id
        assert r.hazard.found_at == r.triaged_at
        assert r.hazard.state == HazardState.DISPATCHED and r.hazard.deadline > NOW
    for r in states[ReportState.MERGED]:
        # Into the work order an earlier report of the same problem opened, still open then.
        first = ResidentReport.objects.get(hazard=r.hazard, state=ReportState.ACCEPTED)
        assert first.category_id == r.category_id and first.triaged_at < r.submitted_at
        assert r.hazard.events.filter(kind="recorded_again", at=r.triaged_at).exists()
    assert states[ReportState.DISMISSED][0].dismiss_reason

    community = User.objects.get(username="demo_community")
    waiting = report_triage_list(user=community, state=ReportState.NEW)
    assert waiting.count() == 3
    # Her inbox: today's three reports unread; the notices of earlier weeks dated then and read.
    notices = Notice.objects.filter(recipient=community, kind=NoticeKind.RESIDENT_REPORT)
    assert notices.filter(read_at__isnull=True).count() == 3
    assert all(n.read_at == n.created_at < NOW - dt.timedelta(hours=12) for n in notices.exclude(read_at=None))


def test_reports_history__verification_tasks_and_figures_from_the_rows(loaded):
    tasks = list(VerificationTask.objects.select_related("assignee", "community"))
    assert len(tasks) == 22
    target = dt.timedelta(minutes=settings.VERIFICATION_TARGET_MINUTES)
    closed = [t for t in tasks if t.state != TaskState.OPEN]
    assert sum(t.state == TaskState.DISMISSED for t in closed) == 3
    for t in closed:
        assert t.on_site and t.reported_at < t.closed_at < NOW and t.due_at == t.reported_at + target
        assert t.closed_by_id == t.assignee_id
        late = t.closed_at > t.due_at
        escalated = t.events.filter(kind=EventKind.ESCALATED).exists()
        assert late == escalated == (t.escalation_level > EscalationLevel.GRID)
    assert sum(t.closed_at > t.due_at for t in closed) == 3
    assert min(t.reported_at for t in tasks) < NOW - dt.timedelta(days=80)

    open_ = [t for t in tasks if t.state == TaskState.OPEN]
    assert len(open_) == 2 and {t.community.name for t in open_} == {"仁和社区"}
    waiting = next(t for t in open_ if t.due_at > NOW)
    assert waiting.assignee.username in ("demo_inspector", "demo_grid")
    assert waiting.due_at - NOW < dt.timedelta(hours=2)
    assert Notice.objects.filter(
        recipient=waiting.assignee, kind=NoticeKind.VERIFY_VENUE, read_at=None, created_at=waiting.reported_at
    ).exists()
    overdue = next(t for t in open_ if t.due_at < NOW)
    assert overdue.escalation_level == EscalationLevel.COMMUNITY

    office = User.objects.get(username="demo_street")
    with time_machine.travel(NOW, tick=False):
        figures = verification_figures(user=office, date_from=TODAY - dt.timedelta(days=100), date_to=TODAY)
    total = figures["total"]
    assert total["reported"] == 22 and total["responded"] == 20
    assert total["within_target"] == 17 and total["open_now"] == 2 and total["overdue_now"] == 1
    assert 25 < total["mean_response_minutes"] < 150


def test_reports_history__printed_with_a_working_open311_key_and_a_second_load_changes_nothing(loaded, client):
    assert "Resident reports: 15 (3 waiting for triage); venue verifications: 22 (2 open)." in loaded
    assert f"api_key={OPEN311_DEMO_API_KEY}" in loaded
    before = (
        list(ResidentReport.objects.order_by("pk").values_list("pk", "state", "version", "updated_at")),
        list(VerificationTask.objects.order_by("pk").values_list("pk", "state", "escalation_level", "closed_at")),
    )
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        out = io.StringIO()
        call_command("load_demo_district", stdout=out)
    assert "nothing changed" in out.getvalue()
    after = (
        list(ResidentReport.objects.order_by("pk").values_list("pk", "state", "version", "updated_at")),
        list(VerificationTask.objects.order_by("pk").values_list("pk", "state", "escalation_level", "closed_at")),
    )
    assert after == before

    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": OPEN311_DEMO_API_KEY,
                "service_code": "other",
                "lat": 32.0745,
                "long": 120.8495,
                "description": "路口有人私拉电线",
            },
        )
    assert response.status_code in (200, 201), response.content
    assert ResidentReport.objects.count() == 16
