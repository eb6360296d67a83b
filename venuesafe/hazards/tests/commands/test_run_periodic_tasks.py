"""`manage.py run_periodic_tasks`: one idempotent run (hazard timers and self-check reminders), or a
loop that survives database errors and stops cleanly."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse

from venuesafe.hazards.models import EscalationLevel, EventKind, Hazard, HazardEvent, HazardState
from venuesafe.hazards.services import ResponsibleParty, TimerReport, hazard_dispatch, hazard_extend_deadline
from venuesafe.hazards.tests.services.world import T0, hours
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.selfchecks.tests.services.support import punch_in

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
    assert "1 escalation, 3 overdue notices, 0 due-soon notices, 0 self-check reminders" in first
    assert "2026-03-03 09:00:00" in first  # local (Asia/Shanghai) time of the run
    after_first = _counts()
    assert after_first == (events + 1, notices + 4)  # one escalation event; comm staff + 3 overdue notices

    second = run()
    assert "nothing changed" in second
    assert "0 escalations, 0 overdue notices, 0 due-soon notices, 0 self-check reminders" in second
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


def _local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time in March 2026, given in Shanghai time (UTC+8)."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC) - dt.timedelta(hours=8)


def _reminders():
    return list(Notice.objects.filter(kind=NoticeKind.SELF_CHECK_DUE).order_by("id"))


def test_command__self_check_reminders_after_the_hour_once_per_venue_and_day(world, clock_at, settings):
    assert settings.SELF_CHECK_REMINDER_HOUR == 18
    clock_at(_local(2, 17, 59))
    assert "0 self-check reminders" in run()
    assert _reminders() == []
    punch_in(world.venue, world.merchant)  # world.other_venue has not punched in

    clock_at(_local(2, 18, 5))
    first = run()
    assert "1 self-check reminder" in first and "nothing changed" not in first
    [notice] = _reminders()
    assert notice.recipient == world.other_merchant
    assert notice.url == reverse("selfchecks:today", args=[world.other_venue.pk])
    assert world.other_venue.sign_name in notice.title

    clock_at(_local(2, 21, 0))
    again = run()
    assert "nothing changed" in again and "0 self-check reminders" in again
    assert len(_reminders()) == 1

    # The next evening both venues are missing: one reminder each, once.
    clock_at(_local(3, 18, 30))
    assert "2 self-check reminders" in run()
    assert "nothing changed" in run()
    assert sorted(n.recipient_id for n in _reminders()[1:]) == sorted([world.merchant.pk, world.other_merchant.pk])


def test_command__reminder_hour_is_configurable(world, clock_at, settings):
    settings.SELF_CHECK_REMINDER_HOUR = 20
    clock_at(_local(2, 19, 30))
    assert "0 self-check reminders" in run()  # the day's first run re-scores the venues
    assert "nothing changed" in run()
    clock_at(_local(2, 20, 0))
    assert "2 self-check reminders" in run()


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
    assert out.getvalue().rstrip().endswith("Periodic tasks stopped.")


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
    assert "Periodic tasks stopped." in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) == handler_before


def test_command_loop__interval_must_be_positive(db):
    with pytest.raises(CommandError):
        call_command("run_periodic_tasks", "--loop", "--interval", "0")
