"""The big screen's figures against a street built with known answers (tests/api/screen_world.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from venuesafe.dashboard import selectors
from venuesafe.dashboard.tests.api.screen_world import EXPECTED_STREET, NOW, TODAY, ScreenWorld, sh
from venuesafe.hazards.selectors import loop_figures
from venuesafe.selfchecks.selectors import self_check_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(district):
    return ScreenWorld(district).populate()


@pytest.fixture
def street_summary(world):
    return selectors.screen_summary(user=world.street, unit=world.d.street_a, now=NOW)


@pytest.mark.parametrize("figure", sorted(EXPECTED_STREET))
def test_screen_summary__headline_figures_of_the_street(street_summary, figure):
    assert street_summary[figure] == EXPECTED_STREET[figure]


def test_screen_summary__names_the_unit_and_the_shanghai_day(street_summary, world):
    assert street_summary["org_unit"] == {"id": world.d.street_a.pk, "name": "陈桥街道", "level": "street"}
    assert street_summary["today"] == TODAY
    assert street_summary["generated_at"] == NOW


def test_screen_summary__inspections_today_turn_over_at_shanghai_midnight(district):
    world = ScreenWorld(district)  # venues only
    world.inspection(world.v1, sh(2026, 1, 9, 23, 59))
    world.inspection(world.v2, sh(2026, 1, 10, 0, 1))
    # Five minutes past midnight in Shanghai (16:05 the day before in UTC): 23:59 was yesterday.
    summary = selectors.screen_summary(user=world.street, unit=world.d.street_a, now=sh(2026, 1, 10, 0, 5))
    assert summary["inspections"] == {"today": 1, "this_month": 2}
    assert summary["today"] == dt.date(2026, 1, 10)


def test_screen_summary__this_month_turns_over_at_shanghai_midnight(district):
    world = ScreenWorld(district)
    world.inspection(world.v1, sh(2025, 12, 31, 23, 59))
    world.inspection(world.v2, sh(2026, 1, 1, 0, 1))
    summary = selectors.screen_summary(user=world.street, unit=world.d.street_a, now=sh(2026, 1, 1, 0, 5))
    assert summary["inspections"] == {"today": 1, "this_month": 1}


def test_screen_summary__daily_series_is_30_shanghai_days_to_today(street_summary):
    daily = street_summary["daily"]
    assert len(daily) == 30
    assert (daily[0]["day"], daily[-1]["day"]) == ("2025-12-12", "2026-01-10")
    assert [d["day"] for d in daily] == [(dt.date(2025, 12, 12) + dt.timedelta(days=i)).isoformat() for i in range(30)]
    found = {d["day"]: d["found"] for d in daily if d["found"]}
    closed = {d["day"]: d["closed"] for d in daily if d["closed"]}
    # Withdrawn (7 Jan) counts nowhere; 2 Jan 07:00 Shanghai is 1 Jan in UTC.
    assert found == {"2025-12-31": 1, "2026-01-02": 1, "2026-01-05": 1, "2026-01-06": 1, "2026-01-08": 1}
    assert closed == {"2025-12-31": 1, "2026-01-01": 1, "2026-01-04": 1, "2026-01-05": 1}


def test_screen_summary__top_hazard_types_this_year_most_found_first(street_summary):
    # EVA-02 three times, ELE-01 once; EXT-01 was found last year, EBK-01 was withdrawn or elsewhere.
    assert [(t["code"], t["found"]) for t in street_summary["top_hazard_types"]] == [("EVA-02", 3), ("ELE-01", 1)]
    assert all(t["name"] for t in street_summary["top_hazard_types"])


def test_screen_summary__communities_ranked_by_on_time_rate(street_summary, world):
    assert street_summary["communities"] == [
        {
            "id": world.d.comm_a2.pk,
            "name": "天和社区",
            "found_this_year": 2,
            "closed_this_year": 1,
            "on_time_rate": 1.0,
            "open": 1,
            "overdue": 1,
            "venues": 2,
            "completeness_rate": 1.0,
            "rank": 1,
        },
        {
            "id": world.d.comm_a1.pk,
            "name": "仁和社区",
            "found_this_year": 2,
            "closed_this_year": 2,
            "on_time_rate": 0.5,
            "open": 2,
            "overdue": 1,
            "venues": 3,
            "completeness_rate": 0.6667,
            "rank": 2,
        },
    ]


def test_screen_summary__feed_newest_first_with_kinds(street_summary, world):
    feed = street_summary["feed"]
    ats = [item["at"] for item in feed]
    assert ats == sorted(ats, reverse=True)
    # Whether a withdrawn order's finding stays in the feed is not this test's concern.
    seen = [
        (item["kind"], item["at"], item.get("inspection_id") or item.get("hazard_id"))
        for item in feed
        if item.get("hazard_id") != world.h_withdrawn.pk
    ]
    assert seen == [
        ("inspection", sh(2026, 1, 10, 0, 1), world.i_today.pk),
        ("inspection", sh(2026, 1, 9, 23, 59), world.i_yesterday.pk),
        ("found", sh(2026, 1, 8, 8, 0), world.h_open.pk),
        ("found", sh(2026, 1, 6, 8, 0), world.h_overdue.pk),
        ("closed", sh(2026, 1, 5, 14, 0), world.h_no_deadline.pk),
        ("found", sh(2026, 1, 5, 8, 0), world.h_no_deadline.pk),
        ("closed", sh(2026, 1, 4, 7, 0), world.h_late.pk),
        ("found", sh(2026, 1, 2, 7, 0), world.h_late.pk),
        ("closed", sh(2026, 1, 1, 0, 30), world.h_new_year.pk),
        ("inspection", sh(2026, 1, 1, 0, 1), world.i_new_year.pk),
        ("inspection", sh(2025, 12, 31, 23, 59), world.i_last_year.pk),
        ("closed", sh(2025, 12, 31, 23, 58), world.h_last_year.pk),
        ("found", sh(2025, 12, 31, 23, 30), world.h_new_year.pk),
        ("found", sh(2025, 12, 1, 9, 0), world.h_last_year.pk),
        ("found", sh(2025, 11, 1, 9, 0), world.h_old_open.pk),
    ]
    first = feed[0]
    assert (first["venue"], first["community"], first["detail"]) == ("仁和一号店", "仁和社区", "巡查员甲")
    closing = next(item for item in feed if item["kind"] == "closed")
    assert (closing["venue"], closing["community"]) == ("天和一号店", "天和社区")
    assert closing["detail"].startswith("EVA-02 ")
    assert len({item["key"] for item in feed}) == len(feed)


def test_screen_summary__feed_keeps_the_newest_twenty(world):
    for minute in range(25):
        world.inspection(world.v5, sh(2026, 1, 10, 9, minute))
    feed = selectors.screen_summary(user=world.street, unit=world.d.street_a, now=NOW)["feed"]
    assert len(feed) == selectors.FEED_SIZE
    assert feed[0]["at"] == sh(2026, 1, 10, 9, 24)
    assert feed[-1]["at"] == sh(2026, 1, 10, 9, 5)


# --- the same figures as elsewhere in the system ----------------------------------------------


def test_screen_summary__hazard_figures_equal_loop_figures_for_the_year(world):
    with time_machine.travel(NOW, tick=False):
        summary = selectors.screen_summary(user=world.street, unit=world.d.street_a)
        total = loop_figures(
            user=world.street, date_from=dt.date(2026, 1, 1), date_to=TODAY, org_unit=world.d.street_a
        ).total
    h = summary["hazards"]
    assert (h["found_this_year"], h["closed_this_year"], h["closed_on_time"]) == (
        total.found,
        total.closed,
        total.closed_on_time,
    )
    assert (h["on_time_rate"], h["mean_rectification_hours"]) == (total.on_time_rate, total.mean_hours)
    assert (h["open"], h["overdue"]) == (total.open, total.overdue)
    assert total.found == 4  # not two empty sets agreeing


def test_screen_summary__punch_in_equals_self_check_figures(world):
    with time_machine.travel(NOW, tick=False):
        summary = selectors.screen_summary(user=world.street, unit=world.d.street_a)
        total = self_check_figures(user=world.street, day=TODAY, org_unit=world.d.street_a).total
    assert summary["self_checks"] == {"expected": total.expected, "punched": total.punched, "rate": total.rate}
    assert total.expected == 3


# --- scope ---------------------------------------------------------------------------------


def test_screen_summary__community_staff_see_nothing_of_another_community(world):
    unit = selectors.screen_org_unit(user=world.comm)
    assert unit == world.d.comm_a1
    summary = selectors.screen_summary(user=world.comm, unit=unit, now=NOW)
    assert [c["name"] for c in summary["communities"]] == ["仁和社区"]
    assert {item["community"] for item in summary["feed"]} == {"仁和社区"}
    assert summary["venues"]["archived"] == 4
    assert summary["hazards"]["found_this_year"] == 2
    assert summary["inspections"] == {"today": 1, "this_month": 2}
    assert summary["self_checks"] == {"expected": 2, "punched": 1, "rate": 0.5}
    venues_on_map = {(lat, lng) for lat, lng, _level, _open in selectors.screen_map(user=world.comm, unit=unit)}
    assert venues_on_map == {(world.v1.lat, world.v1.lng), (world.v2.lat, world.v2.lng)}


def test_screen_org_units__who_may_watch_which_screen(world):
    d = world.d
    assert selectors.screen_org_units(user=world.comm) == [d.comm_a1]
    assert selectors.screen_org_units(user=world.street) == [d.street_a, d.comm_a1, d.comm_a2]
    admin_units = selectors.screen_org_units(user=world.admin)
    assert admin_units[0] == d.district
    assert set(admin_units) == {d.district, d.street_a, d.street_b, d.comm_a1, d.comm_a2, d.comm_b1}
    assert selectors.screen_org_unit(user=world.admin, org_unit_id=d.street_a.pk) == d.street_a
    with pytest.raises(selectors.NotOnScreen):
        selectors.screen_org_unit(user=world.comm, org_unit_id=d.street_a.pk)
    with pytest.raises(selectors.NotOnScreen):
        selectors.screen_org_unit(user=world.admin, org_unit_id=d.grid_a1a.pk)
    for user in (world.merchant, world.inspector):
        with pytest.raises(selectors.NotOnScreen):
            selectors.screen_org_unit(user=user)


def test_screen_summary__district_admin_on_a_street_sees_that_street(world):
    summary = selectors.screen_summary(user=world.admin, unit=world.d.street_a, now=NOW)
    for figure, expected in EXPECTED_STREET.items():
        assert summary[figure] == expected, figure
    district = selectors.screen_summary(user=world.admin, unit=world.d.district, now=NOW)
    assert district["venues"]["archived"] == 7
    assert district["hazards"]["found_this_year"] == 5  # street B's hazard too
    assert {c["name"] for c in district["communities"]} == {"仁和社区", "天和社区", "幸福社区"}


# --- map and change marker ---------------------------------------------------------------------


def test_screen_map__located_open_venues_with_level_and_open_hazards(world):
    rows = selectors.screen_map(user=world.street, unit=world.d.street_a)
    # v1: red, two open (dispatched, awaiting review; the withdrawn one is not open); v2: orange,
    # none open (its order closed); v5: blue, one. v3 deregistered, v4 not located, v6 suspended.
    assert rows == [
        (world.v1.lat, world.v1.lng, "red", 2),
        (world.v2.lat, world.v2.lng, "orange", 0),
        (world.v5.lat, world.v5.lng, "blue", 1),
    ]


def test_change_marker__moves_with_a_new_inspection_or_hazard_event(world):
    unit = world.d.street_a
    before = selectors.change_marker(world.street, unit)
    assert selectors.change_marker(world.street, unit) == before
    world.inspection(world.v1, NOW)
    after_inspection = selectors.change_marker(world.street, unit)
    assert after_inspection != before
    world.hazard(world.v5, "EVA-01", NOW, "found")
    assert selectors.change_marker(world.street, unit) != after_inspection


def test_screen_summary__department_viewer_sees_their_line_only(district):
    from venuesafe.accounts.models import Role
    from venuesafe.org.models import Department
    from venuesafe.testing.factories import category, user_with_role
    from venuesafe.venues.models import Venue

    world = ScreenWorld(district)
    # 天和一号店 becomes a small KTV: the police line's; every other venue is a shop (not the police's).
    Venue.objects.filter(pk=world.v5.pk).update(category=category("ENT"))
    world.v5.refresh_from_db()
    world.populate()
    police = user_with_role(Role.DEPARTMENT_VIEWER, district.street_a, department=Department.objects.get(code="POLICE"))
    with time_machine.travel(NOW, tick=False):
        summary = selectors.screen_summary(user=police, unit=district.street_a)
        total = loop_figures(
            user=police, date_from=dt.date(2026, 1, 1), date_to=TODAY, org_unit=district.street_a
        ).total
    assert summary["venues"] == {"archived": 1, "in_business": 1, "complete": 1, "completeness_rate": 1.0}
    h = summary["hazards"]
    assert (h["found_this_year"], h["closed_this_year"], h["open"], h["overdue"]) == (2, 1, 1, 1)
    assert (h["found_this_year"], h["closed_this_year"], h["open"], h["overdue"]) == (
        total.found,
        total.closed,
        total.open,
        total.overdue,
    )
    assert [c["name"] for c in summary["communities"]] == ["天和社区"]
    assert {item["venue"] for item in summary["feed"] if item["kind"] != "inspection"} == {"天和一号店"}
    assert {item["venue"] for item in summary["feed"] if item["kind"] == "inspection"} == {"天和一号店"}
    assert summary["self_checks"] == {"expected": 1, "punched": 1, "rate": 1.0}
    assert summary["risk_levels"] == {"red": 0, "orange": 0, "yellow": 0, "blue": 1}
