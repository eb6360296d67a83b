"""The hazard catalogue the data migration loads (regulations.md §9)."""

import pytest

from venuesafe.hazards.catalogue_data import ensure_reference_data, load_hazard_catalogue
from venuesafe.hazards.models import HazardType, Severity
from venuesafe.inspections.models import ChecklistItem
from venuesafe.venues.models import VenueCategory


@pytest.fixture
def catalogue(db):
    # A transactional test elsewhere may have flushed what the migration loaded.
    ensure_reference_data()


def _categories(code):
    return set(HazardType.objects.get(code=code).categories.values_list("code", flat=True))


def test_catalogue__holds_every_table_row_and_other(catalogue):
    codes = set(HazardType.objects.values_list("code", flat=True))
    prefixes = {"EXT": 8, "EVA": 6, "ELE": 5, "EBK": 4, "RES": 4, "MAT": 3, "MGT": 3, "FAC": 2, "GAS": 17, "KIT": 1}
    expected = {f"{prefix}-{n:02d}" for prefix, count in prefixes.items() for n in range(1, count + 1)}
    assert expected | {"OTH-01"} <= codes
    other = HazardType.objects.get(code="OTH-01")
    assert (other.name, other.name_en, other.applies_to_all) == ("其他隐患", "Other hazard", True)
    assert (other.default_severity, other.default_deadline_hours) == (Severity.GENERAL, None)


def test_catalogue__gas_alarm_cites_work_safety_law_for_restaurants(catalogue):
    gas_alarm = HazardType.objects.get(code="GAS-01")
    assert "《安全生产法》第三十六条第四款" in gas_alarm.regulation
    assert gas_alarm.applies_to_all is False
    assert "FOOD" in _categories("GAS-01")
    assert (gas_alarm.default_severity, gas_alarm.default_deadline_hours) == (Severity.SERIOUS, 7 * 24)


def test_catalogue__blocked_exit_is_candidate_major_and_fixed_at_once(catalogue):
    exit_blocked = HazardType.objects.get(code="EVA-01")
    assert exit_blocked.candidate_major_factor is True
    assert exit_blocked.fix_immediately is True
    assert exit_blocked.default_deadline_hours == 24
    assert exit_blocked.applies_to_all is True
    assert "《消防法》第六十条" in exit_blocked.regulation


def test_catalogue__no_entry_defaults_to_major(catalogue):
    # 重大 is determined by people through the GB 35181 procedure, never by a checklist answer.
    assert not HazardType.objects.filter(default_severity=Severity.MAJOR).exists()
    assert HazardType.objects.filter(candidate_major_factor=True).count() == 9


@pytest.mark.parametrize(
    ("code", "hours", "at_once"),
    [
        ("EXT-01", 72, False),  # 3 d
        ("EVA-02", 168, False),  # 限期拆除 7 d
        ("GAS-03", 360, False),  # 限期 15 d
        ("EVA-04", 720, False),  # 30 d
        ("RES-01", 720, False),  # 30 d (甲乙类: 立即迁出)
        ("GAS-10", 24, True),  # 立即 (swap)
        ("RES-03", None, False),  # authority
        ("EBK-03", None, False),  # refer to 市监/公安
    ],
)
def test_catalogue__default_deadline_follows_the_table(catalogue, code, hours, at_once):
    hazard_type = HazardType.objects.get(code=code)
    assert (hazard_type.default_deadline_hours, hazard_type.fix_immediately) == (hours, at_once)


def test_catalogue__category_specific_rows(catalogue):
    assert _categories("EBK-04") == {"RENT"}  # "RENT,flag"
    assert _categories("KIT-01") == {"FOOD", "MIXED"}  # kitchens of mixed-use premises too
    hose = HazardType.objects.get(code="GAS-04")  # "FOOD,ALL"
    assert hose.applies_to_all is True
    assert _categories("GAS-04") == set()


def test_catalogue__loading_twice_changes_nothing(catalogue):
    before = (
        HazardType.objects.count(),
        HazardType.categories.through.objects.count(),
        HazardType.history.count(),
        list(HazardType.objects.values_list("code", "default_deadline_hours", "regulation")),
    )
    load_hazard_catalogue(HazardType, VenueCategory)
    after = (
        HazardType.objects.count(),
        HazardType.categories.through.objects.count(),
        HazardType.history.count(),
        list(HazardType.objects.values_list("code", "default_deadline_hours", "regulation")),
    )
    assert after == before


def test_ensure_reference_data__reloads_after_a_flush(catalogue):
    from venuesafe.equipment.models import DateRule
    from venuesafe.selfchecks.models import SelfCheckItem

    DateRule.objects.all().delete()
    SelfCheckItem.objects.all().delete()
    ChecklistItem.objects.all().delete()
    HazardType.objects.all().delete()
    ensure_reference_data()
    assert SelfCheckItem.objects.filter(hazard_type__code="GAS-02").exists()
    assert DateRule.objects.filter(rule_id="R-EXT-SCRAP", hazard_type__code="EXT-01").exists()
    assert HazardType.objects.filter(code="GAS-01", categories__code="FOOD").exists()
    assert ChecklistItem.objects.filter(default_hazard_type__code="GAS-01").exists()
