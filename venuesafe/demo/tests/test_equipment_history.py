"""The demo district's equipment register, its date-rule warnings and rule hazards, the two
candidate major hazards and every venue's risk score: rows in the shapes the services write, a
fixed number of items just before or past a rule's date, and lists ready for each demo account."""

import datetime as dt
import io
from collections import Counter

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from venuesafe.accounts.models import User
from venuesafe.equipment import rules
from venuesafe.equipment.models import KIND_FIELDS, Equipment, RuleHazardLink, RuleWarning
from venuesafe.equipment.services import COMMON_FIELDS, run_date_rules
from venuesafe.hazards.models import OPEN_STATES, EventKind, Hazard, HazardSource, HazardState
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.risk.models import CandidateMajorFlag, VenueRisk
from venuesafe.risk.selectors import coverage, patrol_plan
from venuesafe.risk.services import candidate_major_factors, level_for, rescore_stale
from venuesafe.venues.models import BusinessStatus, Venue, VenueMerchant

pytestmark = pytest.mark.django_db

# A Wednesday, 11:00 in Shanghai.
NOW = dt.datetime(2026, 6, 17, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 17)
OPTIONAL = {f.name for f in Equipment._meta.fields} - {
    "id", "venue", "kind", "is_active", "retired_at", "org_path", "created_at", "updated_at", "rules_checked_on",
    *COMMON_FIELDS,
}  # fmt: skip


@pytest.fixture
def loaded():
    with time_machine.travel(NOW, tick=False):
        out = io.StringIO()
        call_command("load_demo_district", stdout=out)
        yield out.getvalue()


def _top(venue: Venue) -> str:
    return venue.category.parent.code if venue.category.parent_id else venue.category.code


def test_equipment_history__register_warnings_and_rule_hazards_as_the_services_write_them(loaded):
    venues = Venue.objects.select_related("category__parent", "inspector").in_bulk()
    items = list(Equipment.objects.all())
    by_venue = Counter()
    kinds = {}
    for eq in items:
        venue = venues[eq.venue_id]
        by_venue[venue.pk] += 1
        kinds.setdefault(venue.pk, Counter())[eq.kind] += 1
        assert venue.business_status == BusinessStatus.OPEN and eq.org_path == venue.org_path and eq.is_active
        # Each kind holds its own fields only, and the dates are in the past (the cylinder's label excepted).
        for name in OPTIONAL - set(KIND_FIELDS[eq.kind]):
            assert getattr(eq, name) in (None, ""), (eq.pk, name)
        for name in ("production_date", "last_repair_date", "last_monthly_check", "purchase_date", "install_date"):
            assert getattr(eq, name) is None or getattr(eq, name) <= TODAY
        assert eq.created_at < NOW - dt.timedelta(days=30)
    open_venues = [v for v in venues.values() if v.business_status == BusinessStatus.OPEN]
    assert all(kinds[v.pk]["extinguisher"] >= 1 for v in open_venues)
    food = [v for v in open_venues if _top(v) == "FOOD"]
    assert food and all({"gas_stove", "gas_hose", "gas_alarm"} <= set(kinds[v.pk]) for v in food)
    assert all(k["regulator"] == 1 for k in kinds.values() if k["lpg_cylinder"])
    assert sum(1 for k in kinds.values() if k["lpg_cylinder"]) > 0.3 * len(food)
    assert {"emergency_light", "ebike_charging"} <= {kind for k in kinds.values() for kind in k}

    # Every item registered by the venue's inspector, kept in its history.
    history = {h.id: h for h in Equipment.history.filter(history_type="+")}
    assert len(history) == len(items)
    for eq in items[:200]:
        h = history[eq.pk]
        assert h.history_user_id == venues[eq.venue_id].inspector_id and h.history_date == eq.created_at

    # The warnings are exactly what the rules say today, one per item and rule, for merchants and grid workers.
    warnings = list(RuleWarning.objects.filter(resolved_at__isnull=True).select_related("rule", "equipment__venue"))
    assert 25 <= len(warnings) <= 45
    assert len(Counter(w.rule.rule_id for w in warnings)) == 7  # every rule has some
    for w in warnings:
        finding = rules.evaluate(w.rule, w.equipment, TODAY, _top(w.equipment.venue))
        assert finding.level == rules.WARNING and finding.due_date == w.due_date, w.pk
        assert TODAY < w.due_date <= TODAY + dt.timedelta(days=w.rule.warn_days)
    assert Notice.objects.filter(kind=NoticeKind.RULE_WARNING).count() >= len(warnings)

    # Rule hazards: in the loop, with the rule and its dates as evidence, handed to the merchant if any.
    rule_hazards = list(Hazard.objects.filter(source=HazardSource.DATE_RULE).select_related("rule_link__rule"))
    assert 7 <= len(rule_hazards) <= 13
    held = set(VenueMerchant.objects.values_list("venue_id", flat=True))
    for h in rule_hazards:
        link = h.rule_link
        assert link.equipment.venue_id == h.venue_id and h.hazard_type_id == link.rule.hazard_type_id
        evidence = h.events.get(kind=EventKind.FOUND).data["evidence"]
        assert evidence["rule"] == link.rule.rule_id and evidence["equipment"] == link.equipment_id
        assert dt.date.fromisoformat(evidence["due_date"]) <= TODAY
        assert h.found_by_id is None and h.found_at == NOW
        assert h.state == (HazardState.DISPATCHED if h.venue_id in held else HazardState.FOUND)
    assert RuleHazardLink.objects.count() == len(rule_hazards)

    # Running the rules again today changes nothing.
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert run_date_rules().changes == 0

    # demo_merchant: a dry-powder extinguisher that expires in 20 days, and nothing else from the rules.
    merchant = User.objects.get(username="demo_merchant")
    demo_venue = Venue.objects.get(merchant_links__user=merchant)
    [warning] = RuleWarning.objects.filter(venue=demo_venue, resolved_at__isnull=True)
    assert warning.rule.rule_id == "R-EXT-SCRAP" and warning.due_date == TODAY + dt.timedelta(days=20)
    assert warning.equipment.extinguisher_type == "powder"
    notice = Notice.objects.get(kind=NoticeKind.RULE_WARNING, recipient=merchant)
    assert "20" in notice.title and "2026-07-07" in notice.title
    assert not Hazard.objects.filter(venue=demo_venue, source=HazardSource.DATE_RULE).exists()
    assert "Equipment register loaded" in loaded


def test_equipment_history__candidate_majors_risk_levels_and_patrol_lists(loaded):
    street = User.objects.get(username="demo_street")
    inspector = User.objects.get(username="demo_inspector")

    # Two candidate major hazards, found by this morning's inspections, and the street office told.
    every_flag = list(CandidateMajorFlag.objects.filter(cleared_at__isnull=True).select_related("venue__category"))
    for flag in every_flag:  # the history may leave another one open; each must meet the rule
        assert candidate_major_factors(flag.venue)[2]

    def found_this_morning(flag) -> bool:
        hazards = Hazard.objects.filter(pk__in=[f["hazard"] for f in flag.factors])
        return all(NOW - dt.timedelta(hours=3) < h.found_at < NOW for h in hazards)

    flags = [f for f in every_flag if found_this_morning(f)]
    assert len(flags) == 2
    direct = next(f for f in flags if f.direct)
    comprehensive = next(f for f in flags if not f.direct)
    assert [f["code"] for f in direct.factors] == ["MAT-02"]
    elements = {f["element"] for f in comprehensive.factors}
    assert len(elements) >= comprehensive.threshold == 3
    for flag in flags:
        _factors, _threshold, met = candidate_major_factors(flag.venue)
        assert met and flag.venue.community.parent.code == "320602-CQ"
        hazards = Hazard.objects.filter(pk__in=[f["hazard"] for f in flag.factors])
        assert all(h.state in OPEN_STATES and h.inspection is not None for h in hazards)
        assert all(NOW - dt.timedelta(hours=3) < h.found_at < NOW for h in hazards)
    assert {h.found_by for h in Hazard.objects.filter(pk__in=[f["hazard"] for f in comprehensive.factors])} == {
        inspector
    }
    told = Notice.objects.filter(kind=NoticeKind.CANDIDATE_MAJOR, recipient=street)
    assert told.count() == len(every_flag)  # one notice per flag raised

    # Every open venue is scored, and each score is explained by its factors.
    risks = list(VenueRisk.objects.select_related("venue"))
    assert len(risks) == Venue.objects.filter(business_status=BusinessStatus.OPEN).count()
    for risk in risks:
        assert risk.score == sum(f["points"] for f in risk.factors) and risk.level == level_for(risk.score)
        assert risk.venue.business_status == BusinessStatus.OPEN
    levels = Counter(r.level for r in risks)
    assert all(levels[level] >= 1 for level in ("red", "orange", "yellow", "blue")), levels
    flagged = {f.venue_id for f in flags}
    assert all(r.level in ("red", "orange") for r in risks if r.venue_id in flagged)
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert rescore_stale() == 0  # all scored today

        # demo_inspector's list for today, in his community; the street's coverage.
        plan = patrol_plan(user=inspector)
        assert 3 <= len(plan) <= settings.PATROL_DAILY_MAX
        assert {s.venue.community.name for s in plan} == {"仁和社区"}
        total, rows = coverage(user=street)
    assert 0.5 <= total.rate <= 0.95 and len(rows) == 9
    assert f"{levels['red']} red, {levels['orange']} orange" in loaded
    assert "2 candidate major fire hazards flagged" in loaded
