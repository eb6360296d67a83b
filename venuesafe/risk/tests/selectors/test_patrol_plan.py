"""Today's patrol list: due venues in the inspector's grids only, by their level's frequency, the
riskiest first up to PATROL_DAILY_MAX, then in walking order (nearest next), unlocated venues last;
and coverage: venues inspected within their level's frequency, by community."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from venuesafe.core import geo
from venuesafe.hazards.tests.services.world import T0
from venuesafe.inspections.models import Inspection, LocationStatus
from venuesafe.risk.models import VenueRisk
from venuesafe.risk.selectors import coverage, patrol_plan, risk_counts
from venuesafe.testing.factories import venue

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
LAT = 32.07


def scored(v, level: str, score: int):
    """The venue's stored risk (the selector reads it; how it is computed is tested elsewhere)."""
    VenueRisk.objects.update_or_create(venue=v, defaults={"level": level, "score": score, "org_path": v.org_path})
    return v


def inspected(v, days_ago: int, inspector):
    ended = T0 - dt.timedelta(days=days_ago)
    Inspection.objects.create(
        client_id=uuid.uuid4(),
        venue=v,
        inspector=inspector,
        started_at=ended - dt.timedelta(minutes=20),
        ended_at=ended,
        location_status=LocationStatus.NO_LOCATION,
        org_path=v.org_path,
        community=v.community,
        category=v.category,
    )
    return v


def plan_ids(user, **kw) -> list[int]:
    return [s.venue.pk for s in patrol_plan(user=user, today=TODAY, **kw)]


@pytest.fixture
def grid_venues(world):
    """Only the venues the test makes: world's own two venues are inspected today (not due)."""
    for v in (world.venue, world.other_venue):
        inspected(v, 0, world.inspector)
    return world


def test_patrol_plan__only_the_inspectors_own_grids(grid_venues):
    w = grid_venues
    d = w.d
    mine = scored(venue(d.comm_a1, d.grid_a1a), "blue", 5)
    next_grid = scored(venue(d.comm_a1, d.grid_a1b), "red", 90)
    other_community = scored(venue(d.comm_a2, d.grid_a2a), "red", 90)
    other_street = scored(venue(d.comm_b1, d.grid_b1a), "red", 90)
    assigned_elsewhere = venue(d.comm_a2, d.grid_a2a, inspector=w.inspector)  # the venue names him its inspector

    assert plan_ids(w.inspector) == [mine.pk, assigned_elsewhere.pk]
    # inspector2 works the whole community: both of its grids, never the other community or street.
    assert set(plan_ids(w.inspector2)) == {mine.pk, next_grid.pk}
    assert other_community.pk not in plan_ids(w.inspector2) and other_street.pk not in plan_ids(w.inspector2)
    # Offices do not patrol: nothing on their list.
    assert plan_ids(w.street) == [] and plan_ids(w.comm) == []


def test_patrol_plan__suspended_and_deregistered_venues_are_not_due(grid_venues):
    d = grid_venues.d
    venue(d.comm_a1, d.grid_a1a, business_status="suspended")
    venue(d.comm_a1, d.grid_a1a, business_status="closed")
    assert plan_ids(grid_venues.inspector) == []


@pytest.mark.parametrize(
    ("level", "days_ago", "due"),
    [
        ("red", 6, False),
        ("red", 7, True),
        ("orange", 13, False),
        ("orange", 14, True),
        ("yellow", 29, False),
        ("yellow", 30, True),
        ("blue", 89, False),
        ("blue", 90, True),
    ],
)
def test_patrol_plan__due_by_the_levels_frequency(grid_venues, level, days_ago, due):
    w = grid_venues
    v = inspected(scored(venue(w.d.comm_a1, w.d.grid_a1a), level, 50), days_ago, w.inspector)

    stops = patrol_plan(user=w.inspector, today=TODAY)

    assert [s.venue.pk for s in stops] == ([v.pk] if due else [])
    if due:
        [stop] = stops
        assert stop.due_date == TODAY and stop.overdue_days == 0 and stop.level == level
        assert stop.last_inspected_at == T0 - dt.timedelta(days=days_ago)


def test_patrol_plan__overdue_days_and_never_inspected(grid_venues):
    w = grid_venues
    late = inspected(scored(venue(w.d.comm_a1, w.d.grid_a1a), "red", 70), 10, w.inspector)
    never = venue(w.d.comm_a1, w.d.grid_a1a)  # not scored yet: blue, 0

    stops = {s.venue.pk: s for s in patrol_plan(user=w.inspector, today=TODAY)}

    assert stops[late.pk].overdue_days == 3 and stops[late.pk].due_date == TODAY - dt.timedelta(days=3)
    assert stops[never.pk].due_date is None and stops[never.pk].last_inspected_at is None
    assert (stops[never.pk].level, stops[never.pk].score) == ("blue", 0)


def test_patrol_plan__frequencies_are_settings(grid_venues, settings):
    w = grid_venues
    v = inspected(scored(venue(w.d.comm_a1, w.d.grid_a1a), "red", 70), 3, w.inspector)
    assert plan_ids(w.inspector) == []
    settings.PATROL_FREQUENCY_DAYS = {**settings.PATROL_FREQUENCY_DAYS, "red": 3}
    assert plan_ids(w.inspector) == [v.pk]


def _line(w, scores_and_lngs, **kw):
    """Venues on one east-west street (same latitude), each with its score."""
    return [
        scored(venue(w.d.comm_a1, w.d.grid_a1a, lat=LAT, lng=lng, **kw), "red", score) for score, lng in scores_and_lngs
    ]


def test_patrol_plan__riskiest_first_then_nearest_next(grid_venues):
    w = grid_venues
    a, b, c, d = _line(w, [(90, 120.850), (80, 120.860), (70, 120.852), (60, 120.856)])

    stops = patrol_plan(user=w.inspector, today=TODAY)

    # From the riskiest (a), always the nearest next: c, d, then b at the far end.
    assert [s.venue.pk for s in stops] == [a.pk, c.pk, d.pk, b.pk]
    assert stops[0].leg_m is None
    assert stops[1].leg_m == round(geo.distance_m(LAT, 120.850, LAT, 120.852))
    assert 180 < stops[1].leg_m < 200  # 0.002° of longitude at 32° N
    assert stops[3].leg_m == round(geo.distance_m(LAT, 120.856, LAT, 120.860))


def test_patrol_plan__from_the_phones_position(grid_venues):
    w = grid_venues
    a, b, c, d = _line(w, [(90, 120.850), (80, 120.860), (70, 120.852), (60, 120.856)])

    stops = patrol_plan(user=w.inspector, today=TODAY, start=(LAT, 120.861))

    assert [s.venue.pk for s in stops] == [b.pk, d.pk, c.pk, a.pk]
    assert stops[0].leg_m == round(geo.distance_m(LAT, 120.861, LAT, 120.860))


def test_patrol_plan__the_days_list_is_the_riskiest_up_to_the_daily_maximum(grid_venues, settings):
    w = grid_venues
    settings.PATROL_DAILY_MAX = 3
    top = _line(w, [(50, 120.850), (95, 120.870), (70, 120.860)])
    _line(w, [(40, 120.851), (45, 120.861)])  # nearer each other, but less risky: tomorrow

    stops = patrol_plan(user=w.inspector, today=TODAY)

    assert [s.venue.pk for s in stops] == [top[1].pk, top[2].pk, top[0].pk]  # 95 first, then walking order
    assert len(plan_ids(w.inspector, limit=5)) == 5
    assert len(plan_ids(w.inspector, limit=1)) == 1 and plan_ids(w.inspector, limit=1) == [top[1].pk]


def test_patrol_plan__ties_go_to_the_longest_overdue(grid_venues, settings):
    w = grid_venues
    settings.PATROL_DAILY_MAX = 1
    recent = inspected(scored(venue(w.d.comm_a1, w.d.grid_a1a), "red", 70), 8, w.inspector)
    older = inspected(scored(venue(w.d.comm_a1, w.d.grid_a1a), "red", 70), 20, w.inspector)
    assert plan_ids(w.inspector) == [older.pk]
    assert recent.pk in plan_ids(w.inspector, limit=2)


def test_patrol_plan__unlocated_venues_come_last(grid_venues):
    w = grid_venues
    nowhere = scored(venue(w.d.comm_a1, w.d.grid_a1a, lat=None, lng=None), "red", 99)
    a, b = _line(w, [(60, 120.850), (50, 120.851)])

    stops = patrol_plan(user=w.inspector, today=TODAY)

    assert [s.venue.pk for s in stops] == [a.pk, b.pk, nowhere.pk]
    assert stops[-1].leg_m is None


# --- coverage ------------------------------------------------------------------------------------


def test_coverage__share_inspected_within_frequency_by_community(world):
    d, insp = world.d, world.inspector
    inspected(scored(world.venue, "red", 70), 3, insp)  # covered
    inspected(scored(world.other_venue, "red", 70), 7, insp)  # due today: no longer covered
    inspected(scored(venue(d.comm_a1, d.grid_a1b), "blue", 5), 89, insp)  # covered
    venue(d.comm_a1, d.grid_a1a)  # never inspected
    inspected(scored(venue(d.comm_a2, d.grid_a2a), "yellow", 25), 10, insp)  # covered
    venue(d.comm_a2, d.grid_a2a, business_status="closed")  # not counted
    inspected(venue(d.comm_b1, d.grid_b1a), 1, insp)  # another street

    total, rows = coverage(user=world.street, today=TODAY)

    assert (total.venues, total.covered, total.rate) == (5, 3, 0.6)
    assert [(r.name, r.venues, r.covered, r.rate) for r in rows] == [
        ("仁和社区", 4, 2, 0.5),  # the lowest rate first
        ("天和社区", 1, 1, 1.0),
    ]
    assert rows[0].as_dict() == {"id": d.comm_a1.pk, "name": "仁和社区", "venues": 4, "covered": 2, "rate": 0.5}

    # Community staff see their community; an org unit narrows the street's view.
    total, rows = coverage(user=world.comm, today=TODAY)
    assert (total.venues, [r.name for r in rows]) == (4, ["仁和社区"])
    total, rows = coverage(user=world.street, today=TODAY, org_unit=d.comm_a2)
    assert (total.venues, total.covered) == (1, 1)


def test_coverage__nothing_to_cover(world):
    total, rows = coverage(user=world.street_b, today=TODAY)
    assert (total.venues, total.rate, rows) == (0, None, [])


def test_risk_counts__by_level_in_scope(world):
    d = world.d
    scored(world.venue, "red", 70)
    scored(world.other_venue, "blue", 5)
    scored(venue(d.comm_a2, d.grid_a2a), "orange", 45)
    scored(venue(d.comm_b1, d.grid_b1a), "red", 80)
    scored(venue(d.comm_a1, d.grid_a1a, business_status="closed"), "red", 90)  # deregistered: not counted

    assert risk_counts(user=world.street) == {"red": 1, "orange": 1, "yellow": 0, "blue": 1}
    assert risk_counts(user=world.comm) == {"red": 1, "orange": 0, "yellow": 0, "blue": 1}
    assert risk_counts(user=world.street, org_unit=d.comm_a2) == {"red": 0, "orange": 1, "yellow": 0, "blue": 0}
