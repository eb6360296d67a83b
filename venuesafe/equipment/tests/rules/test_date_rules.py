"""Every date rule at its boundaries, with an explicit `today`: nothing until `warn_days` before the
due date, a warning from then to the day before, a hazard on the due date itself and after it;
leap days end a period on 28 February; the unconfirmed periods follow the settings unless the
rule's parameters set them."""

from __future__ import annotations

import datetime as dt

import pytest

from venuesafe.equipment import rules
from venuesafe.equipment.models import DateRule, Equipment
from venuesafe.hazards.catalogue_data import ensure_reference_data

pytestmark = pytest.mark.django_db

D = dt.date
WARNING, HAZARD = rules.WARNING, rules.HAZARD


def rule(rule_id: str, **changes) -> DateRule:
    ensure_reference_data()
    r = DateRule.objects.get(rule_id=rule_id)
    for name, value in changes.items():
        setattr(r, name, value)
    return r


def extinguisher(type_: str = "powder", **fields) -> Equipment:
    return Equipment(kind="extinguisher", extinguisher_type=type_, **fields)


def level(finding: rules.Finding | None) -> str | None:
    return finding.level if finding else None


def around(r: DateRule, eq: Equipment, due: dt.date, category: str = "") -> dict[str, str | None]:
    """The rule's answer the day before its warning window opens, the day it opens, the day before
    `due`, the day of and the day after."""
    w = r.warn_days
    days = {"before window": -w - 1, "window opens": -w, "-1": -1, "0": 0, "+1": 1}
    return {k: level(rules.evaluate(r, eq, due + dt.timedelta(days=n), category)) for k, n in days.items()}


EXPECTED = {"before window": None, "window opens": WARNING, "-1": WARNING, "0": HAZARD, "+1": HAZARD}


def test_warn_days__a_month_ahead_except_the_monthly_check_a_week_ahead():
    assert {r.rule_id: r.warn_days for r in DateRule.objects.all() if r.rule_id in rules.EVALUATORS} == {
        "R-EXT-SCRAP": 30,
        "R-EXT-REPAIR": 30,
        "R-EXT-CHECK": 7,
        "R-STOVE": 30,
        "R-HOSE": 30,
        "R-CYL": 30,
        "R-REG": 30,
    }


# --- calendar arithmetic -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year keeps the 29th
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
        (D(2025, 8, 31), 18, D(2027, 2, 28)),
        (D(2025, 11, 15), 2, D(2026, 1, 15)),  # across the year end
    ],
)
def test_add_months__clamps_to_the_end_of_a_shorter_month(start, months, expected):
    assert rules.add_months(start, months) == expected


def test_add_years__29_february_ends_on_28_february_in_a_common_year():
    assert rules.add_years(D(2016, 2, 29), 6) == D(2022, 2, 28)
    assert rules.add_years(D(2016, 2, 29), 8) == D(2024, 2, 29)


# --- R-EXT-SCRAP -----------------------------------------------------------------------------


@pytest.mark.parametrize(("type_", "years"), [("water", 6), ("powder", 10), ("clean_agent", 10), ("co2", 12)], ids=str)
def test_ext_scrap__boundaries_by_extinguisher_type(type_, years):
    eq = extinguisher(type_, production_date=D(2014, 5, 20))
    due = D(2014 + years, 5, 20)

    assert around(rule("R-EXT-SCRAP"), eq, due) == EXPECTED
    finding = rules.evaluate(rule("R-EXT-SCRAP"), eq, due)
    assert finding.due_date == due
    assert finding.evidence == {
        "type": type_,
        "production_date": "2014-05-20",
        "rule": "R-EXT-SCRAP",
        "due_date": due.isoformat(),
        "today": due.isoformat(),
    }


def test_ext_scrap__the_same_day_water_is_scrapped_while_powder_and_co2_are_not():
    today = D(2022, 5, 20)
    found = {
        t: level(rules.evaluate(rule("R-EXT-SCRAP"), extinguisher(t, production_date=D(2016, 5, 20)), today))
        for t in ("water", "powder", "clean_agent", "co2")
    }
    assert found == {"water": HAZARD, "powder": None, "clean_agent": None, "co2": None}


def test_ext_scrap__made_on_a_leap_day_expires_on_28_february():
    eq = extinguisher("water", production_date=D(2016, 2, 29))
    r = rule("R-EXT-SCRAP")

    assert rules.evaluate(r, eq, D(2022, 2, 27)).level == WARNING
    finding = rules.evaluate(r, eq, D(2022, 2, 28))
    assert finding.level == HAZARD and finding.due_date == D(2022, 2, 28)


def test_ext_scrap__the_warning_window_is_the_rules_warn_days():
    eq = extinguisher("powder", production_date=D(2016, 5, 20))
    due = D(2026, 5, 20)
    assert level(rules.evaluate(rule("R-EXT-SCRAP"), eq, due - dt.timedelta(days=30))) == WARNING
    assert level(rules.evaluate(rule("R-EXT-SCRAP"), eq, due - dt.timedelta(days=31))) is None
    assert level(rules.evaluate(rule("R-EXT-SCRAP", warn_days=60), eq, due - dt.timedelta(days=60))) == WARNING
    assert level(rules.evaluate(rule("R-EXT-SCRAP", warn_days=60), eq, due - dt.timedelta(days=61))) is None


def test_ext_scrap__years_come_from_the_rules_parameters():
    eq = extinguisher("water", production_date=D(2016, 5, 20))
    r = rule("R-EXT-SCRAP", params={"years": {"water": 5, "powder": 10, "clean_agent": 10, "co2": 12}})
    assert rules.evaluate(r, eq, D(2021, 5, 20)).level == HAZARD


def test_ext_scrap__no_production_date_or_type_finds_nothing():
    r = rule("R-EXT-SCRAP")
    assert rules.evaluate(r, extinguisher("powder"), D(2040, 1, 1)) is None
    assert rules.evaluate(r, extinguisher("", production_date=D(2000, 1, 1)), D(2040, 1, 1)) is None


# --- R-EXT-REPAIR ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "last_repair", "due"),
    [
        ("water", None, D(2023, 7, 1)),  # first repair 3 years after production
        ("powder", None, D(2025, 7, 1)),  # 5 years for the others
        ("co2", None, D(2025, 7, 1)),
        ("water", D(2024, 3, 10), D(2025, 3, 10)),  # then every year
        ("powder", D(2024, 3, 10), D(2026, 3, 10)),  # then every two years
    ],
)
def test_ext_repair__first_and_then_intervals(type_, last_repair, due):
    eq = extinguisher(type_, production_date=D(2020, 7, 1), last_repair_date=last_repair)
    assert around(rule("R-EXT-REPAIR"), eq, due) == EXPECTED
    assert rules.evaluate(rule("R-EXT-REPAIR"), eq, due).evidence["last_repair"] == (
        last_repair.isoformat() if last_repair else None
    )


# --- R-EXT-CHECK -----------------------------------------------------------------------------


def test_ext_check__monthly_more_than_31_days_without_a_check():
    eq = extinguisher(last_monthly_check=D(2026, 3, 1))
    r = rule("R-EXT-CHECK")
    # 31 days after the check is still on time; the 32nd day is "more than 31 days".
    assert around(r, eq, D(2026, 4, 2), "SHOP") == EXPECTED
    assert rules.evaluate(r, eq, D(2026, 4, 1), "SHOP").level == WARNING
    assert rules.evaluate(r, eq, D(2026, 4, 2), "SHOP").evidence["interval_days"] == 31


def test_ext_check__entertainment_venues_every_half_month():
    eq = extinguisher(last_monthly_check=D(2026, 3, 1))
    r = rule("R-EXT-CHECK")
    assert around(r, eq, D(2026, 3, 17), "ENT") == EXPECTED
    finding = rules.evaluate(r, eq, D(2026, 3, 17), "ENT")
    assert finding.level == HAZARD and finding.evidence["interval_days"] == 15
    # The same extinguisher in a shop is far from due.
    assert level(rules.evaluate(r, eq, D(2026, 3, 17), "SHOP")) is None
    assert rules.evaluate(r, eq, D(2026, 3, 26), "SHOP").due_date == D(2026, 4, 2)


def test_ext_check__never_checked_counts_from_registration():
    eq = extinguisher(created_at=dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC))  # noon in Shanghai
    r = rule("R-EXT-CHECK")
    assert rules.evaluate(r, eq, D(2026, 4, 1), "SHOP").level == WARNING
    assert rules.evaluate(r, eq, D(2026, 4, 2), "SHOP").level == HAZARD


def test_ext_check__never_checked_counts_from_the_shanghai_day_of_registration():
    eq = extinguisher(created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))  # 07:30 on 2 March in Shanghai
    # Registered on 2 March (Shanghai): 31 days later, on 2 April, it is not yet overdue.
    assert rules.evaluate(rule("R-EXT-CHECK"), eq, D(2026, 4, 2), "SHOP").level == WARNING


# --- R-STOVE ---------------------------------------------------------------------------------


def test_stove__eight_years_after_purchase():
    eq = Equipment(kind="gas_stove", purchase_date=D(2018, 6, 30))
    assert around(rule("R-STOVE"), eq, D(2026, 6, 30)) == EXPECTED
    assert rules.evaluate(rule("R-STOVE"), Equipment(kind="gas_stove"), D(2040, 1, 1)) is None


# --- R-HOSE ----------------------------------------------------------------------------------


def hose(material: str, installed: dt.date) -> Equipment:
    return Equipment(kind="gas_hose", hose_material=material, install_date=installed)


def test_hose__rubber_18_months_by_default(settings):
    assert settings.DATE_RULE_RUBBER_HOSE_MONTHS == 18
    eq = hose("rubber", D(2024, 9, 15))
    assert around(rule("R-HOSE"), eq, D(2026, 3, 15)) == EXPECTED
    assert rules.evaluate(rule("R-HOSE"), eq, D(2026, 3, 15)).evidence["months"] == 18


def test_hose__rubber_period_follows_the_setting(settings):
    settings.DATE_RULE_RUBBER_HOSE_MONTHS = 24
    eq = hose("rubber", D(2024, 9, 15))
    assert level(rules.evaluate(rule("R-HOSE"), eq, D(2026, 3, 15))) is None
    assert around(rule("R-HOSE"), eq, D(2026, 9, 15)) == EXPECTED


def test_hose__the_rules_parameter_wins_over_the_setting(settings):
    settings.DATE_RULE_RUBBER_HOSE_MONTHS = 24
    eq = hose("rubber", D(2024, 9, 15))
    assert rules.evaluate(rule("R-HOSE", params={"metal_years": 8, "rubber_months": 12}), eq, D(2025, 9, 15)).level == (
        HAZARD
    )


def test_hose__rubber_from_31_august_ends_on_the_last_day_of_february():
    eq = hose("rubber", D(2024, 8, 31))
    finding = rules.evaluate(rule("R-HOSE"), eq, D(2026, 2, 28))
    assert finding.level == HAZARD and finding.due_date == D(2026, 2, 28)


def test_hose__metal_eight_years():
    eq = hose("metal", D(2018, 3, 15))
    assert around(rule("R-HOSE"), eq, D(2026, 3, 15)) == EXPECTED
    assert rules.evaluate(rule("R-HOSE"), eq, D(2026, 3, 15)).evidence["months"] == 96


# --- R-CYL -----------------------------------------------------------------------------------


def test_cylinder__overdue_the_day_after_its_inspection_date():
    eq = Equipment(kind="lpg_cylinder", cylinder_code="NT-0001", next_inspection_date=D(2026, 3, 15))
    r = rule("R-CYL")
    assert rules.evaluate(r, eq, D(2026, 3, 15)).level == WARNING  # the date itself is still valid
    finding = rules.evaluate(r, eq, D(2026, 3, 16))
    assert finding.level == HAZARD and finding.due_date == D(2026, 3, 16)
    assert finding.evidence["cylinder_code"] == "NT-0001"
    assert finding.evidence["next_inspection_date"] == "2026-03-15"
    assert around(r, eq, D(2026, 3, 16)) == EXPECTED


# --- R-REG -----------------------------------------------------------------------------------


def regulator(installed: dt.date) -> Equipment:
    return Equipment(kind="regulator", install_date=installed)


def test_regulator__three_years_by_default(settings):
    assert settings.DATE_RULE_REGULATOR_YEARS == 3
    assert around(rule("R-REG"), regulator(D(2023, 4, 1)), D(2026, 4, 1)) == EXPECTED


def test_regulator__setting_and_parameter(settings):
    eq = regulator(D(2023, 4, 1))
    settings.DATE_RULE_REGULATOR_YEARS = 5
    assert level(rules.evaluate(rule("R-REG"), eq, D(2026, 4, 1))) is None
    assert rules.evaluate(rule("R-REG"), eq, D(2028, 4, 1)).level == HAZARD
    # The rule's own parameter wins over the setting.
    finding = rules.evaluate(rule("R-REG", params={"years": 4}), eq, D(2027, 4, 1))
    assert finding.level == HAZARD and finding.evidence["years"] == 4


def test_regulator__installed_on_a_leap_day():
    finding = rules.evaluate(rule("R-REG"), regulator(D(2024, 2, 29)), D(2027, 2, 28))
    assert finding.level == HAZARD and finding.due_date == D(2027, 2, 28)


# --- what a rule does not look at --------------------------------------------------------------


def test_evaluate__switched_off_rules_retired_equipment_and_other_kinds_find_nothing():
    eq = extinguisher("water", production_date=D(2010, 1, 1))
    assert rules.evaluate(rule("R-EXT-SCRAP"), eq, D(2026, 1, 1)).level == HAZARD
    assert rules.evaluate(rule("R-EXT-SCRAP", is_active=False), eq, D(2026, 1, 1)) is None
    assert rules.evaluate(rule("R-STOVE"), eq, D(2026, 1, 1)) is None
    eq.is_active = False
    assert rules.evaluate(rule("R-EXT-SCRAP"), eq, D(2026, 1, 1)) is None
