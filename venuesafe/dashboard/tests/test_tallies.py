"""The archive and punch-in tallies (ArchiveTally, PunchInDay) must give exactly the live figures,
whichever app changed the venues."""

from __future__ import annotations

import datetime as dt
import importlib
import random
import uuid

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command

from venuesafe.dashboard import tallies
from venuesafe.dashboard.models import ArchiveTally, HazardMonth, PunchInDay
from venuesafe.dashboard.selectors import screen_summary
from venuesafe.dashboard.tests.api.screen_world import NOW, TODAY, ScreenWorld
from venuesafe.risk.models import VenueRisk
from venuesafe.risk.services import score_venue
from venuesafe.selfchecks.models import SelfCheck
from venuesafe.testing.factories import make_photo, make_uscc
from venuesafe.venues import services as venue_services
from venuesafe.venues.models import BusinessStatus, Venue, VenueMerchant

SH = dt.timezone(dt.timedelta(hours=8))


def archive_rows() -> set[tuple]:
    return set(
        ArchiveTally.objects.values_list(
            "area_id", "community_id", "community_path", "risk_level", "business_status", "complete", "bound", "venues"
        )
    )


def punch_rows(day: dt.date = TODAY) -> set[tuple]:
    return set(PunchInDay.objects.filter(day=day).values_list("area_id", "community_id", "community_path", "punched"))


def revision_of(check: SelfCheck) -> SelfCheck:
    """The next revision of a day's punch-in, not saved yet."""
    return SelfCheck(
        client_id=uuid.uuid4(),
        venue_id=check.venue_id,
        merchant_id=check.merchant_id,
        day=check.day,
        revision=check.revision + 1,
        submitted_at=NOW,
        org_path=check.org_path,
        community_id=check.community_id,
        grid_id=check.grid_id,
        category_id=check.category_id,
    )


def kept() -> tuple[set, set]:
    return archive_rows(), punch_rows()


def rebuilt() -> tuple[set, set]:
    tallies.rebuild(day=TODAY)
    return kept()


def assert_screens_agree(world: ScreenWorld) -> None:
    for unit in (world.d.street_a, world.d.comm_a1, world.d.comm_a2):
        via_tallies = screen_summary(user=world.street, unit=unit, now=NOW)
        live = screen_summary(user=world.street, unit=unit, now=NOW, rollup=False)
        for key in ("venues", "self_checks", "risk_levels", "communities"):
            assert via_tallies[key] == live[key], (unit.name, key)


@pytest.fixture
def world(district):
    # The venues' door photo as a real file: venue_update validates the whole archive.
    default_storage.save("venues/photos/door.jpg", make_photo("door.jpg"))
    with time_machine.travel(NOW, tick=False):
        yield ScreenWorld(district).populate()


class VenueStory:
    """Random but reproducible changes to the venues, each through the app that makes it."""

    def __init__(self, world: ScreenWorld, seed: int):
        self.w = world
        self.rnd = random.Random(seed)
        self.venues = [world.v1, world.v2, world.v3, world.v4, world.v5, world.v6]
        self.actions = (
            "status",
            "licence",
            "move",
            "regrid",
            "bind",
            "unbind",
            "risk",
            "score",
            "punch",
            "punch_again",
            "unpunch",
        )

    def step(self) -> str:
        w, rnd = self.w, self.rnd
        v = Venue.objects.get(pk=rnd.choice(self.venues).pk)
        action = rnd.choice(self.actions)
        if action == "status":
            status = rnd.choice(list(BusinessStatus))
            venue_services.venue_update(venue=v, actor=w.street, business_status=status)
        elif action == "licence":  # an element lost or regained: completeness moves
            if v.licence_no:
                venue_services.venue_update(venue=v, actor=w.street, licence_kind="", licence_no="")
            else:
                venue_services.venue_update(
                    venue=v, actor=w.street, licence_kind="uscc", licence_no=make_uscc(900 + v.pk)
                )
        elif action == "move":  # to the other community of street A
            to_a2 = v.community_id == w.d.comm_a1.pk
            community, grid = (w.d.comm_a2, w.d.grid_a2a) if to_a2 else (w.d.comm_a1, w.d.grid_a1a)
            venue_services.venue_update(venue=v, actor=w.street, community=community, grid=grid)
        elif action == "regrid":  # to another grid of its community, or out of any grid
            grids = {w.d.comm_a1.pk: [w.d.grid_a1a, w.d.grid_a1b, None], w.d.comm_a2.pk: [w.d.grid_a2a, None]}
            choices = [g for g in grids[v.community_id] if (g.pk if g else None) != v.grid_id]
            venue_services.venue_update(venue=v, actor=w.street, grid=rnd.choice(choices))
        elif action == "bind":
            venue_services.venue_merchant_add(venue=v, actor=w.street, merchant=w.merchant)
        elif action == "unbind":
            VenueMerchant.objects.filter(venue=v).delete()
        elif action == "risk":
            VenueRisk.objects.update_or_create(
                venue=v, defaults={"level": rnd.choice(["red", "orange", "yellow", "blue"]), "org_path": v.org_path}
            )
        elif action == "score":
            score_venue(v)
        elif action in ("punch", "punch_again"):  # the day's first punch-in, or a revision of it
            last = SelfCheck.objects.filter(venue=v, day=TODAY).order_by("-revision").first()
            if last is None:
                w.self_check(v, TODAY)
            else:
                revision_of(last).save()
        elif action == "unpunch":
            for check in SelfCheck.objects.filter(venue=v, day=TODAY):
                check.delete()
        return action


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_tallies__after_random_changes_equal_a_rebuild_and_the_live_figures(world, seed):
    story = VenueStory(world, seed)
    done = set()
    with time_machine.travel(NOW, tick=False):
        for i in range(90):
            done.add(story.step())
            if i % 6 == 5:
                before = kept()
                assert rebuilt() == before
                assert_screens_agree(world)
    assert done == set(story.actions)  # every kind of change was made
    assert rebuilt() == kept()
    assert_screens_agree(world)


def test_tallies__the_street_screen_counts_the_world(world):
    with time_machine.travel(NOW, tick=False):
        summary = screen_summary(user=world.street, unit=world.d.street_a, now=NOW)
    # Street A: v1–v6; v3 deregistered. Complete: v1, v4, v5, v6 (v2 has no licence).
    assert summary["venues"] == {"archived": 6, "in_business": 5, "complete": 4, "completeness_rate": 0.8}
    # Open with a merchant bound: v1, v2, v5 (v4 has none; v6 suspended); v1 and v5 punched in today.
    assert summary["self_checks"] == {"expected": 3, "punched": 2, "rate": round(2 / 3, 4)}
    assert summary["risk_levels"] == {"red": 1, "orange": 1, "yellow": 0, "blue": 1}


def test_tallies__a_venue_moved_leaves_its_old_community(world):
    with time_machine.travel(NOW, tick=False):
        venue_services.venue_update(
            venue=world.v1, actor=world.street, community=world.d.comm_a2, grid=world.d.grid_a2a
        )
        a1 = screen_summary(user=world.street, unit=world.d.comm_a1, now=NOW)
        a2 = screen_summary(user=world.street, unit=world.d.comm_a2, now=NOW)
    assert a1["self_checks"]["punched"] == 0  # v1's punch-in went with it
    assert a2["self_checks"]["punched"] == 2  # v5's and v1's
    assert a1["risk_levels"]["red"] == 0 and a2["risk_levels"]["red"] == 1
    assert kept() == rebuilt()


def test_tallies__a_later_revision_of_a_punch_in_changes_nothing(world, django_assert_num_queries):
    before = kept()
    with time_machine.travel(NOW, tick=False):
        second = revision_of(SelfCheck.objects.get(venue=world.v1, day=TODAY))
        with django_assert_num_queries(1):  # the insert alone: no recompute
            second.save()
    assert kept() == before


def test_tallies__changes_in_a_batch_are_recomputed_once_when_it_ends(world, monkeypatch):
    calls = []
    real = tallies.recompute
    monkeypatch.setattr(tallies, "recompute", lambda *a, **k: calls.append(a) or real(*a, **k))
    with time_machine.travel(NOW, tick=False):
        with tallies.batch():
            for v in (world.v1, world.v2, world.v5):
                VenueRisk.objects.filter(venue=v).update(level="yellow")  # past the signals …
                VenueRisk.objects.get(venue=v).save()  # … and a save that does not change the level
                risk = VenueRisk.objects.get(venue=v)
                risk.level = "red" if risk.level != "red" else "blue"
                risk.save()
            assert calls == []  # held
        assert len(calls) == 1
        areas, punch_pairs = calls[0]
        assert areas == {world.v1.grid_id, world.v2.grid_id, world.v5.grid_id}
        assert not punch_pairs  # a risk level does not move the punch-in count: not recounted
        summary = screen_summary(user=world.street, unit=world.d.street_a, now=NOW)
    assert summary["risk_levels"] == {"red": 3, "orange": 0, "yellow": 0, "blue": 0}
    assert kept() == rebuilt()


def test_tallies__a_new_day_starts_with_no_punch_ins(world):
    tomorrow = NOW + dt.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        summary = screen_summary(user=world.street, unit=world.d.street_a, now=tomorrow)
        live = screen_summary(user=world.street, unit=world.d.street_a, now=tomorrow, rollup=False)
    assert summary["self_checks"] == live["self_checks"] == {"expected": 3, "punched": 0, "rate": 0.0}


def test_tallies__the_nightly_run_puts_right_a_write_past_the_signals(world):
    Venue.objects.filter(pk=world.v2.pk).update(business_status=BusinessStatus.CLOSED)  # no signal
    night = dt.datetime(2026, 1, 11, 3, 5, tzinfo=SH)
    with time_machine.travel(night, tick=False):
        stale = screen_summary(user=world.street, unit=world.d.street_a, now=night)
        assert stale["venues"]["in_business"] == 5
        call_command("run_periodic_tasks", verbosity=0)
        right = screen_summary(user=world.street, unit=world.d.street_a, now=night)
        live = screen_summary(user=world.street, unit=world.d.street_a, now=night, rollup=False)
    assert right["venues"] == live["venues"]
    assert right["venues"]["in_business"] == 4


def test_tallies__the_upgrade_migration_fills_what_the_signals_would_have(world):
    from django.apps import apps

    fill = importlib.import_module("venuesafe.dashboard.migrations.0004_fill_month_rollup_and_tallies").fill
    with time_machine.travel(NOW, tick=False):
        before = kept(), set(HazardMonth.objects.values_list("community_id", "month", "hazard_type_id", "found"))
        assert before[0][0] and before[0][1] and before[1]
        for model in (ArchiveTally, PunchInDay, HazardMonth):
            model.objects.all().delete()
        fill(apps, None)
    assert (kept(), set(HazardMonth.objects.values_list("community_id", "month", "hazard_type_id", "found"))) == before
