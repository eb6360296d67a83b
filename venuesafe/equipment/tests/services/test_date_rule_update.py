"""District admins adjust or switch a date rule: the change is kept in the rule's history and the
open warnings are re-evaluated at once (they disappear, move, or become hazards)."""

from __future__ import annotations

import datetime as dt

import pytest

from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.equipment.models import DateRule, RuleWarning
from venuesafe.equipment.services import date_rule_update, equipment_add
from venuesafe.hazards.models import Hazard, HazardSource

from .support import T0_DAY, ago, open_warnings, powder_extinguisher, rubber_hose

pytestmark = pytest.mark.django_db


def rule(rule_id: str) -> DateRule:
    return DateRule.objects.get(rule_id=rule_id)


def test_date_rule_update__a_longer_rubber_hose_life_removes_the_warning(world):
    eq = rubber_hose(world, installed=ago(months=17, days=10))  # 18 months: due in 18 days
    [warning] = open_warnings(eq)
    versions = rule("R-HOSE").history.count()

    report = date_rule_update(rule=rule("R-HOSE"), actor=world.admin, params={"metal_years": 8, "rubber_months": 24})

    assert (report.warnings_opened, report.warnings_closed, report.hazards) == (0, 1, 0)
    warning.refresh_from_db()
    assert warning.resolution == "rule_changed" and warning.resolved_at is not None
    assert not open_warnings().exists()
    history = rule("R-HOSE").history.all()
    assert history.count() == versions + 1
    latest = history.first()
    assert latest.history_user == world.admin and latest.history_change_reason == "update"
    assert latest.params["rubber_months"] == 24

    date_rule_update(rule=rule("R-HOSE"), actor=world.admin, params={"metal_years": 8, "rubber_months": 20})
    assert [h.params["rubber_months"] for h in rule("R-HOSE").history.all()[:2]] == [20, 24]


def test_date_rule_update__a_longer_check_interval_moves_the_warnings_due_date(world):
    eq = powder_extinguisher(world, produced=ago(years=2), last_monthly_check=ago(days=27))
    [old] = open_warnings(eq)
    assert old.rule.rule_id == "R-EXT-CHECK" and old.due_date == T0_DAY + dt.timedelta(days=5)

    date_rule_update(rule=rule("R-EXT-CHECK"), actor=world.admin, params={"days": 33, "days_half_monthly": 15})

    old.refresh_from_db()
    assert old.resolution == "rule_changed"
    [new] = open_warnings(eq)
    assert new.due_date == T0_DAY + dt.timedelta(days=7)
    assert new.evidence["interval_days"] == 33


def test_date_rule_update__a_shorter_life_turns_the_warning_into_a_hazard(world):
    eq = rubber_hose(world, installed=ago(months=17, days=10))

    report = date_rule_update(rule=rule("R-HOSE"), actor=world.admin, params={"rubber_months": 12})

    assert report.hazards == 1
    assert RuleWarning.objects.get(equipment=eq).resolution == "became_hazard"
    hazard = Hazard.objects.get(source=HazardSource.DATE_RULE)
    assert hazard.events.first().data["evidence"]["months"] == 12


def test_date_rule_update__switching_a_rule_off_closes_its_warnings_and_on_again_reopens_them(world):
    eq = rubber_hose(world, installed=ago(months=17, days=10))

    date_rule_update(rule=rule("R-HOSE"), actor=world.admin, is_active=False)
    assert not open_warnings().exists()
    assert RuleWarning.objects.get(equipment=eq).resolution == "rule_changed"

    date_rule_update(rule=rule("R-HOSE"), actor=world.admin, is_active=True)
    assert open_warnings(eq).count() == 1


def test_date_rule_update__a_wider_warning_window_warns_earlier(world):
    eq = equipment_add(venue=world.venue, actor=world.merchant, kind="gas_stove", purchase_date=ago(years=8, days=-50))
    assert not open_warnings(eq).exists()

    report = date_rule_update(rule=rule("R-STOVE"), actor=world.admin, warn_days=60)

    assert report.warnings_opened == 1
    assert open_warnings(eq).get().due_date == T0_DAY + dt.timedelta(days=50)


@pytest.mark.parametrize("who", ["street", "comm", "inspector", "merchant"])
def test_date_rule_update__only_district_admins_change_rules(world, who):
    eq = rubber_hose(world, installed=ago(months=17, days=10))
    versions = rule("R-HOSE").history.count()

    with pytest.raises(NotAllowed) as err:
        date_rule_update(rule=rule("R-HOSE"), actor=getattr(world, who), params={"rubber_months": 24})

    assert err.value.code == "cannot_change_rules"
    assert rule("R-HOSE").params == {"metal_years": 8}
    assert rule("R-HOSE").history.count() == versions
    assert open_warnings(eq).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"warn_days": 400}, "warn_days"),
        ({"params": "24"}, "params"),
        ({"rule_id": "R-NEW"}, "rule_id"),
        ({"hazard_type": 1}, "hazard_type"),
    ],
)
def test_date_rule_update__bad_changes_are_refused_and_nothing_is_saved(world, changes, field):
    versions = rule("R-HOSE").history.count()
    with pytest.raises(InvalidInput) as err:
        date_rule_update(rule=rule("R-HOSE"), actor=world.admin, **changes)
    assert field in err.value.fields
    assert rule("R-HOSE").history.count() == versions


def test_date_rule_update__deregistered_venues_get_nothing_from_a_rule_change(world):
    rubber_hose(world, installed=ago(months=10))
    type(world.venue).objects.filter(pk=world.venue.pk).update(business_status="closed")

    date_rule_update(rule=rule("R-HOSE"), actor=world.admin, params={"rubber_months": 6})

    assert not Hazard.objects.filter(source=HazardSource.DATE_RULE).exists()
    assert not open_warnings().exists()
