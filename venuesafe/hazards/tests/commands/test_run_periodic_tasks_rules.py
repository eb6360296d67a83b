"""`manage.py run_periodic_tasks` also runs the equipment date rules and the nightly re-scoring:
dates that pass without anyone touching the register become warnings, then hazards, once; every
venue gets its score once a day."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from venuesafe.equipment.models import RuleHazardLink, RuleWarning
from venuesafe.equipment.services import equipment_add
from venuesafe.hazards.models import Hazard, HazardSource, HazardState
from venuesafe.hazards.tests.services.world import T0
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.risk.models import VenueRisk

TODAY = dt.date(2026, 3, 2)  # T0 is 08:00 on this day in Shanghai


def run() -> str:
    out = io.StringIO()
    call_command("run_periodic_tasks", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _state():
    return (
        RuleWarning.objects.filter(resolved_at__isnull=True).count(),
        RuleWarning.objects.count(),
        Hazard.objects.count(),
        Notice.objects.count(),
        list(VenueRisk.objects.order_by("venue_id").values_list("venue_id", "score", "computed_at")),
    )


def test_command__dates_passing_become_warnings_then_one_hazard_and_a_second_run_changes_nothing(world, clock_at):
    clock_at(T0)
    # Registered while far from due: the register's own check finds nothing.
    stove = equipment_add(
        venue=world.venue, actor=world.merchant, kind="gas_stove", purchase_date=dt.date(2018, 4, 11)
    )  # 8 years → due 2026-04-11 (40 days)
    hose = equipment_add(
        venue=world.venue,
        actor=world.merchant,
        kind="gas_hose",
        hose_material="rubber",
        install_date=dt.date(2024, 10, 6),
    )  # 18 months → due 2026-04-06 (35 days)
    assert not RuleWarning.objects.exists()

    first = run()
    assert "0 rule warnings opened, 0 closed, 0 rule hazards, 2 venues re-scored" in first
    assert "nothing changed" in run()

    # Fifteen days later both are within the 30-day warning window.
    clock_at(T0 + days(15))
    out = run()
    assert "2 rule warnings opened, 0 closed, 0 rule hazards, 2 venues re-scored" in out
    assert out.count("\n") == 1
    warnings = {w.equipment_id: w for w in RuleWarning.objects.filter(resolved_at__isnull=True)}
    assert warnings[stove.pk].due_date == dt.date(2026, 4, 11)
    assert warnings[hose.pk].due_date == dt.date(2026, 4, 6)
    notified = Notice.objects.filter(kind=NoticeKind.RULE_WARNING, recipient=world.merchant)
    assert notified.count() == 2
    before = _state()
    again = run()
    assert "nothing changed" in again
    assert "0 rule warnings opened, 0 closed, 0 rule hazards, 0 venues re-scored" in again
    assert _state() == before

    # The hose's date comes: its warning becomes one hazard in the loop, handed to the merchant.
    clock_at(T0 + days(35))
    out = run()
    assert "0 rule warnings opened, 1 closed, 1 rule hazard, 2 venues re-scored" in out
    hazard = Hazard.objects.get(source=HazardSource.DATE_RULE)
    assert hazard.venue == world.venue and hazard.hazard_type.code == "GAS-07"
    assert hazard.state == HazardState.DISPATCHED and hazard.responsible_merchant
    assert RuleHazardLink.objects.get(hazard=hazard).equipment_id == hose.pk
    assert RuleWarning.objects.get(equipment=hose).resolution == "became_hazard"
    assert any(f["key"] == "rule_hazard" for f in VenueRisk.objects.get(venue=world.venue).factors)

    before = _state()
    assert "nothing changed" in run()
    # The next day: the hazard is still open, so the rule raises nothing more; only the scores renew.
    clock_at(T0 + days(36))
    assert "0 rule warnings opened, 0 closed, 0 rule hazards, 2 venues re-scored" in run()
    assert Hazard.objects.count() == before[2]
    assert "nothing changed" in run()


def test_command__a_venue_is_re_scored_once_per_shanghai_day(world, clock_at):
    # 23:30 in Shanghai on 2 March, then 00:30 on 3 March: one hour apart, two days.
    clock_at(dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC))
    assert "2 venues re-scored" in run()
    clock_at(dt.datetime(2026, 3, 2, 15, 55, tzinfo=dt.UTC))
    assert "nothing changed" in run()
    clock_at(dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC))
    assert "2 venues re-scored" in run()
    risk = VenueRisk.objects.get(venue=world.venue)
    assert risk.computed_at == dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC)
    assert risk.score == sum(f["points"] for f in risk.factors)
