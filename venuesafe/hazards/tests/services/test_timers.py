"""Escalation and reminders with a controlled clock (hazards.services.run_hazard_timers)."""

from __future__ import annotations

import pytest

from venuesafe.hazards import services
from venuesafe.hazards.models import EscalationLevel, EventKind, Hazard, HazardEvent, HazardState
from venuesafe.hazards.services import ResponsibleParty, run_hazard_timers
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.testing.factories import make_photo

from .world import T0, hours

S = HazardState


def _notices(kind, hazard=None):
    qs = Notice.objects.filter(kind=kind)
    if hazard is not None:
        qs = qs.filter(hazard=hazard)
    return qs


def _recipients(kind, hazard=None):
    return set(_notices(kind, hazard).values_list("recipient__username", flat=True))


def _totals():
    return HazardEvent.objects.count(), Notice.objects.count(), list(Hazard.objects.values_list("escalation_level"))


def test_escalate__overdue_goes_to_the_community_then_the_street_office(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.DISPATCHED)  # deadline T0 + 24 h
    assert h.deadline == T0 + hours(24)

    clock_at(T0 + hours(24))  # due, not late
    assert run_hazard_timers().escalations == 0

    clock_at(T0 + hours(25))
    report = run_hazard_timers()
    h.refresh_from_db()
    assert (report.escalations, h.escalation_level, h.state) == (1, EscalationLevel.COMMUNITY, S.DISPATCHED)
    event = h.events.get(kind=EventKind.ESCALATED)
    assert (event.actor, event.from_state, event.to_state, event.data["level"]) == (None, S.DISPATCHED, S.DISPATCHED, 1)
    assert _recipients(NoticeKind.ESCALATED) == {world.comm.username}
    # Overdue notices to the responsible merchant and the venue's grid worker and inspector.
    assert report.overdue_notices == 3
    assert _recipients(NoticeKind.OVERDUE) == {
        world.merchant.username,
        world.grid_worker.username,
        world.inspector.username,
    }

    clock_at(T0 + hours(24 + 23))  # still within one step: no second level
    assert run_hazard_timers().changes == 0

    clock_at(T0 + hours(24 + 24))  # deadline + HAZARD_ESCALATION_STEP_HOURS
    report = run_hazard_timers()
    h.refresh_from_db()
    assert (report.escalations, report.overdue_notices, h.escalation_level) == (1, 0, EscalationLevel.STREET)
    assert list(h.events.filter(kind=EventKind.ESCALATED).values_list("data__level", flat=True)) == [1, 2]
    street_notice = _notices(NoticeKind.ESCALATED).get(recipient=world.street)
    assert street_notice.hazard == h
    assert _recipients(NoticeKind.ESCALATED) == {world.comm.username, world.street.username}

    clock_at(T0 + hours(500))  # the top level is the street office
    assert run_hazard_timers().changes == 0
    assert h.events.filter(kind=EventKind.ESCALATED).count() == 2


def test_escalate__one_late_run_takes_each_level_once(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.RECTIFYING)
    clock_at(T0 + hours(100))
    report = run_hazard_timers()
    assert report.escalations == 2
    events = list(h.events.filter(kind=EventKind.ESCALATED).order_by("id"))
    assert [e.data["level"] for e in events] == [1, 2]
    h.refresh_from_db()
    assert (h.escalation_level, h.version) == (EscalationLevel.STREET, 3 + 2)
    assert _recipients(NoticeKind.ESCALATED, h) == {world.comm.username, world.street.username}


def test_escalate__step_hours_come_from_settings(world, clock_at, settings):
    settings.HAZARD_ESCALATION_STEP_HOURS = 2
    clock_at(T0)
    h = world.hazard_in(S.DISPATCHED)
    clock_at(T0 + hours(25))
    run_hazard_timers()
    assert Hazard.objects.get(pk=h.pk).escalation_level == EscalationLevel.COMMUNITY
    clock_at(T0 + hours(26))
    run_hazard_timers()
    assert Hazard.objects.get(pk=h.pk).escalation_level == EscalationLevel.STREET


def test_timers__second_run_at_the_same_time_changes_nothing(world, clock_at):
    clock_at(T0)
    world.hazard_in(S.DISPATCHED)
    world.hazard_in(S.RECTIFYING, code="EXT-05")
    clock_at(T0 + hours(30))
    first = run_hazard_timers()
    assert first.escalations == 2
    before = _totals()
    second = run_hazard_timers()
    assert (second.escalations, second.overdue_notices, second.due_soon_notices) == (0, 0, 0)
    assert _totals() == before


@pytest.mark.parametrize("state", [S.CLOSED, S.WITHDRAWN])
def test_escalate__closed_or_withdrawn_orders_never_escalate(world, clock_at, state):
    clock_at(T0)
    h = world.hazard_in(state)
    events = h.events.count()
    clock_at(T0 + hours(1000))
    report = run_hazard_timers()
    assert report.changes == 0
    h.refresh_from_db()
    assert (h.escalation_level, h.events.count()) == (EscalationLevel.GRID, events)
    assert not _notices(NoticeKind.ESCALATED).exists()
    assert services.hazard_escalate(hazard=h) == 0


def test_escalate__order_closed_before_the_deadline_never_escalates(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.AWAITING_REVIEW)
    clock_at(T0 + hours(10))
    services.hazard_review_pass(hazard=h, actor=world.inspector)
    clock_at(T0 + hours(100))
    assert run_hazard_timers().changes == 0
    assert not h.events.filter(kind=EventKind.ESCALATED).exists()


def test_due_soon__sent_once_per_deadline(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.FOUND)
    services.hazard_dispatch(hazard=h, actor=world.comm, party=ResponsibleParty(merchant=True), deadline=T0 + hours(72))
    staff = {world.merchant.username, world.grid_worker.username, world.inspector.username}

    clock_at(T0 + hours(47))  # 25 h before the deadline
    assert run_hazard_timers().due_soon_notices == 0

    clock_at(T0 + hours(49))
    assert run_hazard_timers().due_soon_notices == 3
    assert _recipients(NoticeKind.DUE_SOON) == staff
    assert run_hazard_timers().changes == 0
    clock_at(T0 + hours(60))
    assert run_hazard_timers().changes == 0

    # A new deadline is a new reminder, when it comes near.
    services.hazard_extend_deadline(hazard=h, actor=world.street, deadline=T0 + hours(120), reason="等配件")
    assert run_hazard_timers().due_soon_notices == 0
    clock_at(T0 + hours(97))
    assert run_hazard_timers().due_soon_notices == 3
    assert _notices(NoticeKind.DUE_SOON, h).count() == 6
    assert not _notices(NoticeKind.OVERDUE).exists()


def test_due_soon__not_for_orders_awaiting_review(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.RECTIFYING)
    services.hazard_submit_proof(hazard=h, actor=world.merchant, photos=[make_photo()])
    clock_at(T0 + hours(20))
    assert run_hazard_timers().due_soon_notices == 0


def test_overdue_notice__again_after_an_extended_deadline_passes(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.RECTIFYING)
    clock_at(T0 + hours(25))
    assert run_hazard_timers().overdue_notices == 3
    services.hazard_extend_deadline(hazard=h, actor=world.street, deadline=T0 + hours(30), reason="延期")
    assert run_hazard_timers().overdue_notices == 0
    clock_at(T0 + hours(31))
    assert run_hazard_timers().overdue_notices == 3
    assert _notices(NoticeKind.OVERDUE, h).count() == 6
