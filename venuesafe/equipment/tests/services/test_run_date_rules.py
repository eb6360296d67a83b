"""Running the date rules against the register: warnings to the merchant, one hazard per expired
item while it is open, with the rule and its dates as evidence; fixes and retirements close warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from venuesafe.core import clock
from venuesafe.equipment.models import RuleHazardLink, RuleWarning
from venuesafe.equipment.services import equipment_retire, equipment_update, run_date_rules
from venuesafe.hazards import services as hazard_services
from venuesafe.hazards.models import EventKind, Hazard, HazardSource, HazardState
from venuesafe.hazards.tests.services.world import T0
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.testing.factories import category, make_photo, venue

from .support import T0_DAY, ago, open_warnings, powder_extinguisher, rubber_hose

S = HazardState
pytestmark = pytest.mark.django_db


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def rule_hazards():
    return Hazard.objects.filter(source=HazardSource.DATE_RULE)


def test_run_date_rules__repeated_runs_raise_one_hazard(world, clock_at):
    eq = powder_extinguisher(world, produced=ago(years=10))  # scrap date today
    assert rule_hazards().count() == 1  # the register's own check found it

    for _ in range(3):
        report = run_date_rules()
        assert (report.warnings_opened, report.warnings_closed, report.hazards) == (0, 0, 0)
    clock_at(T0 + days(1))
    assert run_date_rules().changes == 0
    clock_at(T0 + days(40))
    run_date_rules()  # by now the monthly check is overdue too: that is another rule's hazard
    run_date_rules()

    [hazard] = rule_hazards().filter(hazard_type__code="EXT-01")
    assert RuleHazardLink.objects.get(hazard=hazard).equipment == eq
    assert rule_hazards().filter(hazard_type__code="EXT-08").count() == 1


def test_run_date_rules__the_hazard_keeps_the_rule_and_its_dates_as_evidence(world):
    eq = powder_extinguisher(world, produced=ago(years=10, days=3))

    [hazard] = rule_hazards()
    assert hazard.hazard_type.code == "EXT-01" and hazard.found_by is None
    found = hazard.events.get(kind=EventKind.FOUND)
    assert found.actor is None
    assert found.data["evidence"] == {
        "type": "powder",
        "production_date": "2016-02-27",
        "rule": "R-EXT-SCRAP",
        "due_date": "2026-02-27",
        "today": "2026-03-02",
        "equipment": eq.pk,
    }
    assert "R-EXT-SCRAP" in hazard.events.get(kind=EventKind.DISPATCHED).note
    # The venue has a merchant account: the order goes to it with the catalogue's deadline.
    assert hazard.state == S.DISPATCHED and hazard.responsible_merchant
    assert hazard.deadline == T0 + dt.timedelta(hours=hazard.hazard_type.default_deadline_hours)


def test_run_date_rules__without_a_merchant_account_the_hazard_waits_for_dispatch(world):
    shop = venue(world.d.comm_a1, world.d.grid_a1a)
    powder_extinguisher(world, produced=ago(years=11), venue=shop, actor=world.inspector)

    [hazard] = rule_hazards()
    assert hazard.venue == shop and hazard.state == S.FOUND


def test_run_date_rules__a_warning_goes_to_the_merchant_and_grid_worker_with_what_to_do(world, clock_at):
    clock_at(T0 - days(40))
    eq = rubber_hose(world, installed=ago(months=18))  # due on 2 March: 40 days away when registered
    assert not open_warnings().exists()

    clock_at(T0 - days(20))
    report = run_date_rules()
    assert (report.warnings_opened, report.hazards) == (1, 0)
    [warning] = open_warnings(eq)
    assert warning.due_date == T0_DAY and warning.venue == world.venue
    notices = Notice.objects.filter(kind=NoticeKind.RULE_WARNING)
    assert {n.recipient for n in notices} == {world.merchant, world.grid_worker}
    notice = notices.get(recipient=world.merchant)
    assert "20" in notice.title and "2026-03-02" in notice.title
    assert notice.body == warning.rule.advice
    assert notice.url == reverse("equipment:venue", args=[world.venue.pk])

    assert run_date_rules().changes == 0
    assert Notice.objects.filter(kind=NoticeKind.RULE_WARNING).count() == 2

    # The due date comes: the warning becomes the hazard.
    clock_at(T0)
    report = run_date_rules()
    assert (report.warnings_opened, report.warnings_closed, report.hazards) == (0, 1, 1)
    warning.refresh_from_db()
    assert warning.resolution == "became_hazard"
    assert rule_hazards().get().hazard_type.code == "GAS-07"


def test_equipment_update__a_fix_closes_the_rules_warning(world):
    eq = rubber_hose(world, installed=ago(months=17, days=10))  # due in 18 days: a warning at once
    [warning] = open_warnings(eq)
    assert warning.due_date == dt.date(2026, 3, 20)

    equipment_update(equipment=eq, actor=world.merchant, install_date=T0_DAY)

    warning.refresh_from_db()
    assert warning.resolution == "fixed" and warning.resolved_at is not None
    assert not open_warnings().exists()
    assert run_date_rules().changes == 0


def test_equipment_update__a_new_date_still_close_moves_the_warning(world):
    eq = rubber_hose(world, installed=ago(months=17, days=10))
    [old] = open_warnings(eq)

    equipment_update(equipment=eq, actor=world.merchant, install_date=ago(months=17, days=5))

    old.refresh_from_db()
    assert old.resolution == "updated"
    [new] = open_warnings(eq)
    assert new.due_date == old.due_date + days(5)


def test_run_date_rules__an_open_hazard_of_the_same_type_found_by_an_inspector_blocks_the_rule(world):
    mine = world.found("GAS-07")  # the inspector saw the cracked hose first
    rubber_hose(world, installed=ago(months=20))

    assert run_date_rules().hazards == 0
    assert list(Hazard.objects.filter(hazard_type__code="GAS-07")) == [mine]
    assert not RuleHazardLink.objects.exists()

    # Once the inspector's order is no longer open, the rule raises its own at the next daily run
    # (the periodic run goes over each piece once a day).
    hazard_services.hazard_withdraw(hazard=mine, actor=world.street, reason="重复登记")
    assert run_date_rules().hazards == 0
    assert run_date_rules(today=clock.local_today() + dt.timedelta(days=1)).hazards == 1
    assert rule_hazards().get().hazard_type.code == "GAS-07"


def test_run_date_rules__after_the_rule_hazard_is_closed_an_unchanged_register_raises_it_again(world):
    powder_extinguisher(world, produced=ago(years=11))
    hazard = rule_hazards().get()
    hazard_services.hazard_acknowledge(hazard=hazard, actor=world.merchant)
    hazard_services.hazard_submit_proof(hazard=hazard, actor=world.merchant, photos=[make_photo()])
    hazard_services.hazard_review_pass(hazard=hazard, actor=world.inspector)

    # The register still shows the expired production date.
    assert run_date_rules().hazards == 1
    assert rule_hazards().count() == 2


def test_equipment_retire__closes_the_warnings_and_the_rules_skip_it(world):
    eq = rubber_hose(world, installed=ago(months=17, days=10))
    [warning] = open_warnings(eq)

    equipment_retire(equipment=eq, actor=world.merchant, reason="已更换金属软管")

    warning.refresh_from_db()
    assert warning.resolution == "retired"
    assert run_date_rules(today=T0_DAY + days(60)).changes == 0
    assert not rule_hazards().exists()


def test_run_date_rules__a_deregistered_venue_gets_no_warnings_or_hazards(world):
    eq = rubber_hose(world, installed=ago(months=17, days=10))
    assert open_warnings(eq).exists()
    type(world.venue).objects.filter(pk=world.venue.pk).update(business_status="closed")

    report = run_date_rules(today=T0_DAY + days(60))

    assert report.warnings_closed == 1 and report.hazards == 0
    assert not open_warnings().exists() and not rule_hazards().exists()


def test_run_date_rules__entertainment_venues_check_extinguishers_every_half_month(world):
    ktv = venue(world.d.comm_a1, world.d.grid_a1a, category=category("ENT"))
    shop_eq = powder_extinguisher(world, produced=ago(years=2), last_monthly_check=ago(days=15))
    ktv_eq = powder_extinguisher(
        world, produced=ago(years=2), venue=ktv, actor=world.inspector, last_monthly_check=ago(days=15)
    )
    assert open_warnings(ktv_eq).get().due_date == T0_DAY + days(1)
    assert not open_warnings(shop_eq).exists()  # due in 17 days; the check rule warns a week ahead

    report = run_date_rules(today=T0_DAY + days(1))

    assert report.hazards == 1
    hazard = rule_hazards().get()
    assert hazard.venue == ktv and hazard.hazard_type.code == "EXT-08"
    assert not open_warnings(shop_eq).exists()
    assert run_date_rules(today=T0_DAY + days(10)).warnings_opened == 1
    assert open_warnings(shop_eq).get().due_date == T0_DAY + days(17)


def test_run_date_rules__one_venue_only(world):
    shop = venue(world.d.comm_a1, world.d.grid_a1a)
    rubber_hose(world, installed=ago(months=17, days=10))
    rubber_hose(world, installed=ago(months=17, days=10), venue=shop, actor=world.inspector)
    RuleWarning.objects.update(resolved_at=T0, resolution="fixed")

    report = run_date_rules(venue=shop)

    assert report.warnings_opened == 1
    assert open_warnings().get().venue == shop
