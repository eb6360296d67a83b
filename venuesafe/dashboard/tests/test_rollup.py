"""The daily rollup (HazardDay) must give exactly the live figures, however the hazards got there."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

import pytest
import time_machine
from django.core.management import call_command

from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed, OutOfScope, StateConflict
from venuesafe.dashboard import rollup
from venuesafe.dashboard.models import HazardDay, HazardMonth
from venuesafe.dashboard.selectors import screen_summary
from venuesafe.dashboard.tests.api.screen_world import NOW, ScreenWorld, sh
from venuesafe.hazards import services
from venuesafe.hazards.models import Hazard, HazardState
from venuesafe.hazards.tests.services import world as hazard_world
from venuesafe.hazards.tests.services.world import World
from venuesafe.testing.factories import hazard_type, make_photo, venue
from venuesafe.venues.models import VenueMerchant

S = HazardState
SH = dt.timezone(dt.timedelta(hours=8))
clock_at = hazard_world.clock_at  # the frozen-clock fixture of the hazard tests
CODES = ("EVA-01", "EVA-02", "EXT-01", "ELE-01")


def rows() -> set[tuple]:
    return set(
        HazardDay.objects.values_list(
            "community_id",
            "community_path",
            "day",
            "hazard_type_id",
            "found",
            "closed",
            "closed_on_time",
            "rectification_us",
        )
    )


def months() -> set[tuple]:
    return set(
        HazardMonth.objects.values_list(
            "community_id", "month", "hazard_type_id", "found", "closed", "closed_on_time", "rectification_us"
        )
    )


def days_by_month() -> set[tuple]:
    """The daily rows summed by calendar month, by hand."""
    acc: dict = {}
    for c, _path, day, t, *sums in rows():
        key = (c, day.replace(day=1), t)
        acc[key] = [a + b for a, b in zip(acc.get(key, [0, 0, 0, 0]), sums, strict=True)]
    return {(*k, *v) for k, v in acc.items()}


def both_summaries(user, unit, now) -> tuple[dict, dict]:
    return screen_summary(user=user, unit=unit, now=now), screen_summary(user=user, unit=unit, now=now, rollup=False)


class Story:
    """Random but reproducible work on a few venues of two communities, every step a service call."""

    def __init__(self, w: World, seed: int):
        self.w = w
        self.rnd = random.Random(seed)
        d = w.d
        self.a2_venue = venue(d.comm_a2, d.grid_a2a)
        VenueMerchant.objects.create(venue=self.a2_venue, user=w.merchant)
        self.venues = [w.venue, w.other_venue, self.a2_venue]
        self.merchant_of = {w.venue.pk: w.merchant, w.other_venue.pk: w.other_merchant, self.a2_venue.pk: w.merchant}

    def step(self) -> None:
        w, rnd = self.w, self.rnd
        hazards = list(Hazard.objects.order_by("pk"))
        action = rnd.choice(
            ["record", "record", "fix", "dispatch", "proof", "pass", "pass", "fail", "reopen", "withdraw"]
        )
        if action in ("record", "fix") or not hazards:
            v = rnd.choice(self.venues)
            actor = w.inspector if v.community_id == w.d.comm_a1.pk else w.street
            kwargs = {"photos": [make_photo()]}
            if action == "fix":
                kwargs.update(fixed_on_spot=True, proof_photos=[make_photo("after.jpg")])
            services.hazard_record(venue=v, hazard_type=hazard_type(rnd.choice(CODES)), actor=actor, **kwargs)
            return
        h = rnd.choice(hazards)
        calls = {
            "dispatch": lambda: services.hazard_dispatch(
                hazard=h, actor=w.street, party=services.ResponsibleParty(merchant=True)
            ),
            "proof": lambda: services.hazard_submit_proof(
                hazard=h, actor=self.merchant_of[h.venue_id], photos=[make_photo("after.jpg")]
            ),
            "pass": lambda: services.hazard_review_pass(hazard=h, actor=w.street, note="ok"),
            "fail": lambda: services.hazard_review_fail(hazard=h, actor=w.street, reason="still blocked"),
            "reopen": lambda: services.hazard_reopen(hazard=h, actor=w.street, reason="back again"),
            "withdraw": lambda: services.hazard_withdraw(hazard=h, actor=w.street, reason="recorded by mistake"),
        }
        # Not possible in this state or for this actor: the story goes on.
        with contextlib.suppress(InvalidInput, NotAllowed, OutOfScope, StateConflict):
            calls[action]()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollup__after_random_service_calls_equals_a_rebuild_and_the_live_figures(district, clock_at, seed):
    w = World(district)
    story = Story(w, seed)
    # From the evening of 30 December 2025 (Shanghai) across midnights and the new year.
    t = dt.datetime(2025, 12, 30, 20, 0, tzinfo=SH)
    closings = 0
    for i in range(70):
        clock_at(t)
        story.step()
        t += dt.timedelta(minutes=story.rnd.choice([7, 50, 95, 240, 370]))
        if i % 10 == 9:
            kept_so_far, months_so_far = rows(), months()
            assert months_so_far == days_by_month()
            rollup.rebuild()
            assert (rows(), months()) == (kept_so_far, months_so_far)
            closings = Hazard.objects.filter(closed_at__isnull=False).count()
    assert Hazard.objects.filter(state=S.WITHDRAWN).exists() or seed != 1
    assert closings > 0  # the story did close hazards
    kept = rows()
    assert {r[2].year for r in kept} == {2025, 2026}  # the story crossed the new year
    assert {m[1] for m in months()} == {dt.date(2025, 12, 1), dt.date(2026, 1, 1)}
    assert months() == days_by_month()
    rollup.rebuild()
    assert rows() == kept
    assert months() == days_by_month()
    for who in (w.street, w.admin):
        for unit in (w.d.street_a, w.d.comm_a1, w.d.comm_a2):
            if who == w.street or unit != w.d.street_a:
                via_rollup, live = both_summaries(who, unit, clock.now())
                assert via_rollup == live
    summary = screen_summary(user=w.street, unit=w.d.street_a, now=clock.now())
    assert (
        summary["hazards"]["found_this_year"]
        == Hazard.objects.filter(found_at__gte=sh(2026, 1, 1, 0, 0)).exclude(state=S.WITHDRAWN).count()
    )


def test_rollup__a_transition_recomputes_on_commit_only(
    district, clock_at, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(rollup, "_on_commit", rollup.transaction.on_commit)  # the real thing here
    w = World(district)
    clock_at(dt.datetime(2025, 12, 31, 23, 50, tzinfo=SH))
    with django_capture_on_commit_callbacks(execute=True):
        h = w.found("EVA-01")
    assert rows() == {(w.d.comm_a1.pk, w.d.comm_a1.path, dt.date(2025, 12, 31), h.hazard_type_id, 1, 0, 0, 0)}
    clock_at(dt.datetime(2026, 1, 1, 0, 20, tzinfo=SH))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.hazard_record(
            venue=w.venue,
            hazard_type=h.hazard_type,
            actor=w.inspector,
            fixed_on_spot=True,
            photos=[make_photo()],
            proof_photos=[make_photo("after.jpg")],
        )
        services.hazard_review_pass(hazard=h, actor=w.street, note="ok")
    # Nothing is counted before the commit.
    assert {r[2] for r in rows()} == {dt.date(2025, 12, 31)}
    for callback in callbacks:
        callback()
    thirty_minutes = 30 * 60 * 1_000_000
    assert rows() == {
        (w.d.comm_a1.pk, w.d.comm_a1.path, dt.date(2025, 12, 31), h.hazard_type_id, 1, 0, 0, 0),
        (w.d.comm_a1.pk, w.d.comm_a1.path, dt.date(2026, 1, 1), h.hazard_type_id, 0, 1, 1, thirty_minutes),
    }
    # Reopened: the closing day is empty again (a recompute, not a decrement).
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_reopen(hazard=h, actor=w.street, reason="back again")
    assert rows() == {(w.d.comm_a1.pk, w.d.comm_a1.path, dt.date(2025, 12, 31), h.hazard_type_id, 1, 0, 0, 0)}


def test_rollup__the_screen_world_summary_is_the_same_both_ways(district):
    world = ScreenWorld(district).populate()
    rollup.rebuild()
    for user, unit in (
        (world.street, world.d.street_a),
        (world.admin, world.d.district),
        (world.admin, world.d.comm_a2),
        (world.comm, world.d.comm_a1),
    ):
        via_rollup, live = both_summaries(user, unit, NOW)
        assert via_rollup == live
        assert via_rollup["hazards"]["found_this_year"] > 0 or unit == world.d.comm_a2


def test_rollup__rebuild_of_one_unit_leaves_the_others(district):
    world = ScreenWorld(district).populate()
    before = rows()
    HazardDay.objects.filter(community_path__startswith=world.d.street_b.path).update(found=99)
    rollup.rebuild(world.d.street_a)
    assert any(r[4] == 99 for r in rows())
    rollup.rebuild()
    assert rows() == before


def test_rollup__the_periodic_run_rebuilds_once_a_night(district):
    ScreenWorld(district).populate()
    new_year = HazardDay.objects.filter(day=dt.date(2026, 1, 1))  # the closing 30 minutes into the year
    assert list(new_year.values_list("closed", flat=True)) == [1]
    new_year.update(closed=99)  # as if a write had gone past the services
    night = dt.datetime(2026, 1, 11, 2, 55, tzinfo=SH)
    with time_machine.travel(night, tick=False):
        call_command("run_periodic_tasks", verbosity=0)
    assert list(new_year.values_list("closed", flat=True)) == [99]  # before 03:00: not yet
    with time_machine.travel(night + dt.timedelta(minutes=10), tick=False):
        call_command("run_periodic_tasks", verbosity=0)
    assert list(new_year.values_list("closed", flat=True)) == [1]
    new_year.update(closed=99)
    with time_machine.travel(night + dt.timedelta(hours=5), tick=False):
        call_command("run_periodic_tasks", verbosity=0)
    assert list(new_year.values_list("closed", flat=True)) == [99]  # once a night
