"""Streaks (consecutive punch-in days) and the mastery rule (≥ N of the last M days)."""

from __future__ import annotations

import datetime as dt

import pytest

from venuesafe.hazards.tests.services.world import T0
from venuesafe.selfchecks.selectors import masters, self_check_figures, streak, venue_streak
from venuesafe.selfchecks.tests.services.support import punch_in

TODAY = dt.date(2026, 3, 2)


def days_ago(*offsets: int) -> set[dt.date]:
    return {TODAY - dt.timedelta(days=n) for n in offsets}


def test_streak__counts_back_from_today_and_stops_at_the_first_gap():
    assert streak(days_ago(0, 1, 2, 4, 5), TODAY) == 3
    assert streak(days_ago(0), TODAY) == 1
    assert streak(set(), TODAY) == 0


def test_streak__today_not_done_yet_counts_up_to_yesterday():
    assert streak(days_ago(1, 2, 3), TODAY) == 3
    assert streak(days_ago(1, 2, 3, 0), TODAY) == 4
    assert streak(days_ago(2, 3, 4), TODAY) == 0  # yesterday missed: the streak is broken


def test_masters__20_of_the_last_30_days_by_default(settings):
    assert (settings.SELF_CHECK_MASTERY_DAYS, settings.SELF_CHECK_MASTERY_WINDOW_DAYS) == (20, 30)
    nineteen = days_ago(*range(0, 38, 2))  # every other day: 15 inside the window, 4 outside
    assert len(nineteen) == 19 and not masters(nineteen, TODAY)
    assert not masters(days_ago(*range(19)), TODAY)
    assert masters(days_ago(*range(20)), TODAY)
    assert masters(days_ago(*range(10, 30)), TODAY)  # day 29 ago is the window's first day
    assert not masters(days_ago(*range(11, 31)), TODAY)  # day 30 ago is outside it
    assert not masters(days_ago(*range(30, 80)), TODAY)  # a good past does not count


def test_masters__uses_the_configured_numbers(settings):
    settings.SELF_CHECK_MASTERY_DAYS = 5
    settings.SELF_CHECK_MASTERY_WINDOW_DAYS = 7
    assert masters(days_ago(0, 1, 2, 5, 6), TODAY)
    assert not masters(days_ago(0, 1, 2, 6, 7), TODAY)  # day 7 ago is outside a 7-day window
    assert not masters(days_ago(0, 1, 2, 3), TODAY)


@pytest.fixture
def punch_on(world, clock_at):
    def go(venue, merchant, *offsets: int) -> None:
        for n in sorted(offsets, reverse=True):
            clock_at(T0 - dt.timedelta(days=n))
            punch_in(venue, merchant)
        clock_at(T0)

    return go


def test_venue_streak__from_the_stored_punch_ins(world, punch_on):
    punch_on(world.venue, world.merchant, 1, 2, 3, 5, 6)  # not yet today; a gap 4 days ago
    assert venue_streak(venue=world.venue, today=TODAY) == 3
    assert venue_streak(venue=world.venue) == 3  # today by the clock
    punch_on(world.venue, world.merchant, 0)
    assert venue_streak(venue=world.venue) == 4
    assert venue_streak(venue=world.other_venue) == 0
    # The next day, not yet punched in: still counts, the day after it is broken.
    assert venue_streak(venue=world.venue, today=TODAY + dt.timedelta(days=1)) == 4
    assert venue_streak(venue=world.venue, today=TODAY + dt.timedelta(days=2)) == 0


def test_self_check_figures__masters_and_streaks_with_the_configured_numbers(world, punch_on, settings):
    settings.SELF_CHECK_MASTERY_DAYS = 3
    settings.SELF_CHECK_MASTERY_WINDOW_DAYS = 4
    punch_on(world.venue, world.merchant, 0, 1, 3)  # 3 of the last 4 days
    punch_on(world.other_venue, world.other_merchant, 1, 2, 4)  # only 2 inside the window

    figures = self_check_figures(user=world.street, day=TODAY)

    assert (figures.merchants, figures.masters) == (2, 1)
    assert figures.mastery_rate == 0.5
    streaks = {s["venue_id"]: s["streak"] for s in figures.longest_streaks}
    assert streaks == {world.venue.pk: 2, world.other_venue.pk: 2}
    assert figures.longest_streaks[0]["name"] in (world.venue.sign_name, world.other_venue.sign_name)

    settings.SELF_CHECK_MASTERY_DAYS = 2
    assert self_check_figures(user=world.street, day=TODAY).masters == 2
