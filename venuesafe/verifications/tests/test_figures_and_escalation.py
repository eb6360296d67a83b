import datetime as dt

import time_machine
from django.core.management import call_command

from venuesafe.notices.models import Notice
from venuesafe.testing.factories import make_photo
from venuesafe.verifications import selectors, services
from venuesafe.verifications.models import AnomalyKind, EscalationLevel, EventKind, VerificationEvent

from .helpers import SHANGHAI, north

DAY = dt.date(2026, 5, 12)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def report(world, name: str, metres: float):
    task, _ = services.task_report(
        actor=world.street,
        kind=AnomalyKind.NEW_VENUE,
        sign_name=name,
        category=world.shop,
        address="陈桥街道新开路",
        position=north(metres),
        photo=make_photo(),
    )
    return task


def test_verification_figures__response_time_mean_and_within_target(world):
    with time_machine.travel(at(10), tick=False):
        quick = report(world, "星光网吧", 150)
        slow = report(world, "阿香米线", 300)
    with time_machine.travel(at(10, 45), tick=False):
        services.task_verify(task=quick, actor=world.inspector, position=north(150))
    with time_machine.travel(at(13, 30), tick=False):
        services.task_verify(task=slow, actor=world.inspector, position=north(300))
        fig = selectors.verification_figures(user=world.street, date_from=DAY, date_to=DAY)
    total = fig["total"]
    assert total["reported"] == 2
    assert total["responded"] == 2
    assert total["mean_response_minutes"] == (45 + 210) / 2
    assert total["within_target"] == 1
    assert total["within_target_rate"] == 0.5
    assert (total["open_now"], total["overdue_now"]) == (0, 0)
    assert [(r["id"], r["reported"], r["mean_response_minutes"]) for r in fig["by_community"]] == [
        (world.d.comm_a1.pk, 2, 127.5)
    ]
    may = [m for m in fig["venues_added_by_month"] if m["month"] == "2026-05"]
    assert may == [{"month": "2026-05", "venues_archived": 2, "via_verification": 2}]


def test_verification_figures__open_past_due_counts_against_the_target(world):
    with time_machine.travel(at(10), tick=False):
        quick = report(world, "星光网吧", 150)
        report(world, "阿香米线", 300)
    with time_machine.travel(at(10, 30), tick=False):
        services.task_verify(task=quick, actor=world.inspector, position=north(150))
    with time_machine.travel(at(12, 30), tick=False):
        fig = selectors.verification_figures(user=world.street, date_from=DAY, date_to=DAY)
    assert fig["total"]["within_target_rate"] == 0.5
    assert (fig["total"]["open_now"], fig["total"]["overdue_now"]) == (1, 1)
    # Another street sees none of it.
    other = selectors.verification_figures(user=world.street_b, date_from=DAY, date_to=DAY)
    assert other["total"]["reported"] == 0


def test_verification_figures__months_of_the_period(world):
    fig = selectors.verification_figures(user=world.street, date_from=dt.date(2026, 3, 15), date_to=DAY)
    assert [m["month"] for m in fig["venues_added_by_month"]] == ["2026-03", "2026-04", "2026-05"]


def test_run_verification_timers__missed_target_escalates_once_per_level(world):
    with time_machine.travel(at(10), tick=False):
        task = report(world, "星光网吧", 150)
    with time_machine.travel(at(11, 59), tick=False):
        assert services.run_verification_timers() == 0
    with time_machine.travel(at(12, 1), tick=False):
        assert services.run_verification_timers() == 1
        assert services.run_verification_timers() == 0
    task.refresh_from_db()
    assert task.escalation_level == EscalationLevel.COMMUNITY
    assert task.events.filter(kind=EventKind.ESCALATED).count() == 1
    escalated = Notice.objects.filter(kind="escalated", url=f"/verifications/{task.pk}/")
    assert {n.recipient for n in escalated} == {world.comm, world.inspector}
    with time_machine.travel(at(14, 1), tick=False):
        assert services.run_verification_timers() == 1
        assert services.run_verification_timers() == 0
    task.refresh_from_db()
    assert task.escalation_level == EscalationLevel.STREET
    assert escalated.filter(recipient=world.street).count() == 1
    assert escalated.all().count() == 3


def test_run_verification_timers__verified_in_time_is_never_escalated(world):
    with time_machine.travel(at(10), tick=False):
        task = report(world, "星光网吧", 150)
    with time_machine.travel(at(11), tick=False):
        services.task_verify(task=task, actor=world.inspector, position=north(150))
    with time_machine.travel(at(18), tick=False):
        assert services.run_verification_timers() == 0
    assert not VerificationEvent.objects.filter(kind=EventKind.ESCALATED).exists()


def test_run_periodic_tasks__escalates_a_missed_target_exactly_once(world):
    with time_machine.travel(at(10), tick=False):
        task = report(world, "星光网吧", 150)
    with time_machine.travel(at(12, 5), tick=False):
        call_command("run_periodic_tasks", verbosity=0)
        call_command("run_periodic_tasks", verbosity=0)
    assert task.events.filter(kind=EventKind.ESCALATED).count() == 1
    assert Notice.objects.filter(kind="escalated", recipient=world.comm).count() == 1
