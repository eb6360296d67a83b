"""Two recomputes of the same grid at once, on PostgreSQL: the second waits for the first to commit
and then counts what is there, so the first's (possibly stale) counts never stand."""

from __future__ import annotations

import functools
import threading

import pytest
from django.db import connection, transaction

from venuesafe.core import clock
from venuesafe.dashboard import rollup, tallies
from venuesafe.dashboard.models import PunchInDay
from venuesafe.dashboard.tests.api.screen_world import ScreenWorld
from venuesafe.testing.factories import District

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def punch_rows() -> set[tuple]:
    return set(PunchInDay.objects.values_list("area_id", "community_id", "day", "punched"))


def test_tallies__a_recompute_waits_for_another_of_the_same_grid_and_has_the_last_word(monkeypatch):
    monkeypatch.setattr(tallies, "_on_commit", functools.partial(transaction.on_commit, robust=True))
    world = ScreenWorld(District())
    today = clock.local_today()
    grid = world.d.grid_a1b  # v2's grid: open, a merchant bound, no punch-in today yet
    locked, release, punched = threading.Event(), threading.Event(), threading.Event()
    errors: list = []

    def slow_writer() -> None:
        """A recompute that read before the punch-in below and writes after it: stale counts."""
        try:
            with transaction.atomic():
                rollup.lock_org_units({grid.pk})
                locked.set()
                release.wait(timeout=20)
                PunchInDay.objects.filter(area_id=grid.pk, day=today).delete()
                PunchInDay.objects.create(
                    area_id=grid.pk,
                    community=world.d.comm_a1,
                    community_path=world.d.comm_a1.path,
                    day=today,
                    punched=0,
                )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    def merchant() -> None:
        try:
            with transaction.atomic():
                world.self_check(world.v2, today)
            punched.set()  # after the commit and its recompute
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=slow_writer)
    first.start()
    assert locked.wait(timeout=20)
    second = threading.Thread(target=merchant)
    second.start()
    # The punch-in has committed, but its recompute waits on the grid's lock.
    assert not punched.wait(timeout=1.0)
    release.set()
    for t in (first, second):
        t.join(timeout=30)
    assert not errors, errors
    assert punched.is_set()
    # The waiting recompute read after the stale writer committed: the punch-in is counted.
    assert (grid.pk, world.d.comm_a1.pk, today, 1) in punch_rows()
    kept = punch_rows()
    tallies.rebuild(day=today)
    assert punch_rows() == kept
