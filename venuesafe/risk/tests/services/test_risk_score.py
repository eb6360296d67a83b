"""Risk scores with their explanation: the factors add up to the score, the level follows the
thresholds (settings), and the score is renewed after whatever changes the venue commits and once
a day by the nightly pass."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.utils import translation

from venuesafe.hazards import services as hazard_services
from venuesafe.hazards.models import HazardState
from venuesafe.hazards.tests.services.world import T0
from venuesafe.inspections.tests.services.helpers import submit
from venuesafe.risk.models import RiskLevel, VenueRisk
from venuesafe.risk.services import (
    RISK_POINTS,
    factor_label,
    level_for,
    rescore_stale,
    risk_factors,
    score_venue,
)
from venuesafe.selfchecks.tests.services.support import punch_in
from venuesafe.testing.factories import category, venue

S = HazardState
pytestmark = pytest.mark.django_db


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def points(factors) -> dict[str, int]:
    return {f["key"]: f["points"] for f in factors}


def test_score_venue__the_factors_add_up_to_the_score(world, clock_at):
    clock_at(T0 - days(1))
    punch_in(world.venue, world.merchant)  # yesterday: one of the last 14 days done
    clock_at(T0)
    overdue = world.hazard_in(S.DISPATCHED, "EVA-01")  # serious, to be fixed within 24 h
    failed = world.hazard_in(S.AWAITING_REVIEW, "MAT-03")  # general
    hazard_services.hazard_review_fail(hazard=failed, actor=world.inspector, reason="还有纸箱")
    world.found("EVA-03")  # general
    closed = world.hazard_in(S.CLOSED, "ELE-01")  # closed: not open, but part of the year's findings
    clock_at(T0 + days(2))

    risk = score_venue(world.venue)

    assert points(risk.factors) == {
        "category": 10,  # SHOP
        "open_general": 2 * RISK_POINTS["open_general"],
        "open_serious": 1 * RISK_POINTS["open_serious"],
        "overdue": 2 * RISK_POINTS["overdue"],  # EVA-01 and MAT-03 had 24 hours
        "reopened": RISK_POINTS["reopened"],  # MAT-03 failed its review
        "self_check_gap": 13,  # one punch-in in the last 14 days
        "never_inspected": RISK_POINTS["never_inspected"],
        "found_last_year": 4 * RISK_POINTS["found_last_year"],  # all four, the closed one too
    }
    assert risk.score == sum(f["points"] for f in risk.factors) == 10 + 10 + 10 + 16 + 4 + 13 + 15 + 8
    assert risk.level == RiskLevel.RED == level_for(risk.score)
    assert next(f for f in risk.factors if f["key"] == "overdue")["detail"] == "2 × 8"
    assert closed.state == S.CLOSED and overdue.state == S.DISPATCHED


def test_score_venue__an_expired_rule_item_and_the_candidate_flag_add_their_points(world):
    from venuesafe.equipment.services import equipment_add

    ktv = venue(world.d.comm_a1, world.d.grid_a1a, category=category("ENT"))
    equipment_add(
        venue=ktv,
        actor=world.inspector,
        kind="extinguisher",
        extinguisher_type="water",
        production_date=dt.date(2019, 1, 1),
        last_repair_date=dt.date(2025, 12, 1),
        last_monthly_check=dt.date(2026, 3, 1),
    )
    world.found("MAT-02", venue=ktv)
    from venuesafe.risk.services import evaluate_candidate_major

    evaluate_candidate_major(ktv)

    factors = points(score_venue(ktv).factors)

    assert factors["category"] == 25  # ENT
    assert factors["rule_hazard"] == RISK_POINTS["rule_hazard"]  # the water extinguisher is past 6 years
    assert factors["candidate_major"] == RISK_POINTS["candidate_major"]
    assert "self_check_gap" not in factors  # no merchant account: nobody to punch in


@pytest.mark.parametrize(
    ("ago", "expected"), [(30, None), (31, ("inspection_age", 5, 31)), (91, ("inspection_age", 10, 91))]
)
def test_risk_factors__days_since_the_last_inspection(world, clock_at, ago, expected):
    clock_at(T0 - days(ago))
    submit(world)
    clock_at(T0)

    factors = risk_factors(world.venue)

    age = [(f["key"], f["points"], f["n"]) for f in factors if f["key"] in ("inspection_age", "never_inspected")]
    assert age == ([expected] if expected else [])


def test_factor_label__reads_the_stored_factor_in_the_readers_language(world, clock_at):
    clock_at(T0 - days(40))
    submit(world)
    clock_at(T0)
    factor = next(f for f in risk_factors(world.venue) if f["key"] == "inspection_age")
    with translation.override("en"):
        assert factor_label(factor) == "Not inspected for 40 days"
        assert factor_label({"key": "category", "points": 10}) == "Category base risk"


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "blue"), (19, "blue"), (20, "yellow"), (39, "yellow"), (40, "orange"), (59, "orange"), (60, "red")],
)
def test_level_for__default_thresholds(score, level):
    assert level_for(score) == level


def test_level_for__thresholds_are_settings(settings, world):
    settings.RISK_LEVEL_THRESHOLDS = {"red": 50, "orange": 30, "yellow": 10}
    assert [level_for(s) for s in (9, 10, 29, 30, 49, 50)] == ["blue", "yellow", "yellow", "orange", "orange", "red"]

    # world.venue: SHOP 10 + never inspected 15 + 14 days without a self-check = 39.
    assert score_venue(world.venue).score == 39
    assert VenueRisk.objects.get(venue=world.venue).level == "orange"
    settings.RISK_LEVEL_THRESHOLDS = {"red": 60, "orange": 40, "yellow": 20}
    assert score_venue(world.venue).level == "yellow"


def test_rescore__a_hazard_event_re_scores_its_venue_on_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hazard = world.found("EVA-01")
    risk = VenueRisk.objects.get(venue=world.venue)
    assert points(risk.factors)["open_serious"] == 10

    with django_capture_on_commit_callbacks(execute=True):
        hazard_services.hazard_withdraw(hazard=hazard, actor=world.street, reason="误录")
    risk.refresh_from_db()
    assert "open_serious" not in points(risk.factors)
    assert risk.score == sum(f["points"] for f in risk.factors)


def test_rescore__an_inspection_and_a_punch_in_re_score_on_commit(world, clock_at, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
    assert "never_inspected" not in points(VenueRisk.objects.get(venue=world.venue).factors)

    clock_at(T0 + dt.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        punch_in(world.venue, world.merchant)
    # Today's punch-in counts in tomorrow's 14-day window; the score is computed again at once.
    assert VenueRisk.objects.get(venue=world.venue).computed_at == T0 + dt.timedelta(hours=2)
    clock_at(T0 + days(1))
    assert points(score_venue(world.venue).factors)["self_check_gap"] == 13


def test_rescore__once_per_venue_and_transaction(world, django_capture_on_commit_callbacks):
    with (
        mock.patch("venuesafe.risk.services.venue_changed") as changed,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        h = world.found("EVA-01")
        hazard_services.hazard_dispatch(
            hazard=h, actor=world.comm, party=hazard_services.ResponsibleParty(merchant=True)
        )
        hazard_services.hazard_acknowledge(hazard=h, actor=world.merchant)
        world.found("EVA-03", venue=world.other_venue)
    assert sorted(c.args[0] for c in changed.call_args_list) == sorted([world.venue.pk, world.other_venue.pk])


def test_rescore_stale__every_open_venue_once_a_day(world, clock_at):
    venue(world.d.comm_a1, world.d.grid_a1a, business_status="suspended")
    venue(world.d.comm_a1, world.d.grid_a1a, business_status="closed")

    assert rescore_stale() == 2  # world.venue and world.other_venue
    stamps = dict(VenueRisk.objects.values_list("venue_id", "computed_at"))
    assert rescore_stale() == 0
    clock_at(T0 + dt.timedelta(hours=15, minutes=59))  # 23:59 in Shanghai
    assert rescore_stale() == 0
    assert dict(VenueRisk.objects.values_list("venue_id", "computed_at")) == stamps

    clock_at(T0 + dt.timedelta(hours=16))  # midnight in Shanghai: a new day
    assert rescore_stale() == 2
    assert rescore_stale() == 0


def test_rescore_stale__a_venue_re_scored_today_by_an_event_is_left_alone(
    world, clock_at, django_capture_on_commit_callbacks
):
    clock_at(T0 - days(1))
    assert rescore_stale() == 2
    clock_at(T0)
    with django_capture_on_commit_callbacks(execute=True):
        world.found("EVA-01")

    assert rescore_stale() == 1
    assert VenueRisk.objects.get(venue=world.venue).computed_at == T0


def test_rescore_stale__passes_its_time_to_the_score(world):
    at = T0 + dt.timedelta(hours=1)
    rescore_stale(now=at)
    assert set(VenueRisk.objects.values_list("computed_at", flat=True)) == {at}
