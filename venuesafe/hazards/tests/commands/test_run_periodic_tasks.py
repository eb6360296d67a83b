"""`manage.py run_periodic_tasks`: one idempotent run, or a loop that survives database errors
and stops cleanly."""

from __future__ import annotations

import io
import os
import signal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from venuesafe.hazards.models import EscalationLevel, EventKind, Hazard, HazardEvent, HazardState
from venuesafe.hazards.services import ResponsibleParty, TimerReport, hazard_dispatch, hazard_extend_deadline
from venuesafe.hazards.tests.services.world import T0, hours
from venuesafe.notices.models import Notice, NoticeKind

S = HazardState
COMMAND = "venuesafe.hazards.management.commands.run_periodic_tasks"


def run(*args) -> str:
    out = io.StringIO()
    call_command("run_periodic_tasks", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _counts():
    return HazardEvent.objects.count(), Notice.objects.count()


def test_command__second_run_at_the_same_time_changes_nothing_and_says_so(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.DISPATCHED)  # deadline T0 + 24 h
    clock_at(T0 + hours(25))
    events, notices = _counts()

    first = run()
    assert first.count("\n") == 1
    assert "1 escalation, 3 overdue notices, 0 due-soon notices" in first
    assert "2026-03-03 09:00:00" in first  # local (Asia/Shanghai) time of the run
    after_first = _counts()
    assert after_first == (events + 1, notices + 4)  # one escalation event; comm staff + 3 overdue notices

    second = run()
    assert "nothing changed" in second
    assert "0 escalations, 0 overdue notices, 0 due-soon notices" in second
    assert _counts() == after_first
    assert Hazard.objects.get(pk=h.pk).escalation_level == EscalationLevel.COMMUNITY


def test_command__an_extended_deadline_gives_a_new_due_soon_notice_later(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.FOUND)
    hazard_dispatch(hazard=h, actor=world.comm, party=ResponsibleParty(merchant=True), deadline=T0 + hours(48))
    clock_at(T0 + hours(30))
    assert "3 due-soon notices" in run()
    assert "nothing changed" in run()

    hazard_extend_deadline(hazard=h, actor=world.street, deadline=T0 + hours(96), reason="等配件到货")
    assert "nothing changed" in run()
    clock_at(T0 + hours(80))
    assert "3 due-soon notices" in run()
    assert "nothing changed" in run()
    assert Notice.objects.filter(kind=NoticeKind.DUE_SOON, hazard=h).count() == 6
    assert not h.events.filter(kind=EventKind.ESCALATED).exists()


def test_command__nothing_to_do_on_an_empty_database(db):
    assert "nothing to do, nothing changed" in run()


@pytest.fixture
def no_connection_recycling():
    # close_old_connections would close the test's transaction-wrapped connection.
    with mock.patch(f"{COMMAND}.close_old_connections") as patched:
        yield patched


def test_command_loop__database_error_is_logged_and_the_loop_goes_on(db, no_connection_recycling, caplog):
    results = [OperationalError("the database is restarting"), TimerReport(escalations=2), KeyboardInterrupt()]
    out, err = io.StringIO(), io.StringIO()
    with mock.patch("venuesafe.hazards.services.run_hazard_timers", side_effect=results) as timers:
        call_command("run_periodic_tasks", "--loop", "--interval", "0.01", stdout=out, stderr=err)
    assert timers.call_count == 3
    assert "database error" in err.getvalue()
    assert "the database is restarting" in caplog.text
    assert "2 escalations, 0 overdue notices, 0 due-soon notices" in out.getvalue()
    assert out.getvalue().rstrip().endswith("Hazard timers stopped.")


def test_command_loop__sigterm_finishes_the_run_and_stops(db, no_connection_recycling):
    calls = []

    def timers(now):
        calls.append(now)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        if len(calls) > 3:  # the loop did not stop: end the test instead of hanging
            raise KeyboardInterrupt
        return TimerReport()

    handler_before = signal.getsignal(signal.SIGTERM)
    out = io.StringIO()
    with mock.patch("venuesafe.hazards.services.run_hazard_timers", side_effect=timers):
        call_command("run_periodic_tasks", "--loop", "--interval", "0.01", stdout=out)
    assert len(calls) == 2
    assert out.getvalue().count("nothing changed") == 2
    assert "Hazard timers stopped." in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) == handler_before


def test_command_loop__interval_must_be_positive(db):
    with pytest.raises(CommandError):
        call_command("run_periodic_tasks", "--loop", "--interval", "0")
