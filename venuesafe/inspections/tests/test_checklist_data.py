"""The inspection checklists the data migration loads (regulations.md §4)."""

import pytest
from django.db.models import Q

from venuesafe.hazards.catalogue_data import ensure_reference_data
from venuesafe.hazards.models import HazardType
from venuesafe.inspections.checklist_data import load_checklists
from venuesafe.inspections.models import ChecklistItem
from venuesafe.venues.models import VenueCategory

GAS_ALARM, SHUT_OFF_VALVE, HOSE = "GAS-01", "GAS-03", "GAS-04"


@pytest.fixture
def checklists(db):
    # A transactional test elsewhere may have flushed what the migrations loaded.
    ensure_reference_data()


def _asked_at(category_code):
    """The questions asked at a venue of this category: every venue's, its category's and its parent's."""
    category = VenueCategory.objects.get(code=category_code)
    matching = Q(applies_to_all=True) | Q(categories=category)
    if category.parent_id:
        matching |= Q(categories=category.parent_id)
    return ChecklistItem.objects.filter(matching, is_active=True).distinct()


def _questions(category_code):
    return set(_asked_at(category_code).values_list("code", flat=True))


def _checklist(category_code):
    """The default hazard of each question asked at a venue of this category."""
    return set(_asked_at(category_code).values_list("default_hazard_type__code", flat=True))


@pytest.mark.parametrize("category_code", ["FOOD", "FOOD_BBQ"])
def test_checklist__restaurant_asks_gas_alarm_valve_and_hose(checklists, category_code):
    asked = _checklist(category_code)
    assert {GAS_ALARM, SHUT_OFF_VALVE, HOSE, "KIT-01"} <= asked
    assert "EVA-01" in asked  # and the questions every venue gets


def test_checklist__shop_has_no_gas_questions(checklists):
    asked = _checklist("SHOP_STREET")
    assert "EVA-01" in asked
    assert not {GAS_ALARM, SHUT_OFF_VALVE, HOSE} & asked
    assert not {GAS_ALARM, SHUT_OFF_VALVE, HOSE} & _checklist("SHOP")


@pytest.mark.parametrize(
    ("category_code", "hazard_code"),
    [("HOTEL_BNB", "EVA-06"), ("ENT", "EXT-08"), ("MFG_WORKSHOP", "MAT-02"), ("RENT", "EBK-04")],
)
def test_checklist__category_items_reach_their_category_and_sub_types(checklists, category_code, hazard_code):
    item = ChecklistItem.objects.get(applies_to_all=False, default_hazard_type__code=hazard_code)
    assert item.code in _questions(category_code)
    assert item.code not in _questions("SHOP")


def test_checklist__general_items_cover_every_section_of_the_list(checklists):
    general = ChecklistItem.objects.filter(applies_to_all=True)
    assert set(general.values_list("section", flat=True)) == {
        "evacuation",
        "extinguishers",
        "electrical",
        "fire_use",
        "sleeping",
        "materials",
        "ebike",
        "management",
    }
    assert 12 <= general.count() <= 16


def test_checklist__default_hazard_is_among_the_hazards_a_no_may_be(checklists):
    for item in ChecklistItem.objects.prefetch_related("hazard_types"):
        assert item.default_hazard_type in item.hazard_types.all(), item.code


def test_checklist__hazards_offered_apply_where_the_question_is_asked(checklists):
    for item in ChecklistItem.objects.prefetch_related("hazard_types__categories", "categories"):
        asked_at = {c.code for c in item.categories.all()}
        for hazard_type in item.hazard_types.all():
            if hazard_type.applies_to_all:
                continue
            assert not item.applies_to_all, (item.code, hazard_type.code)
            assert asked_at <= {c.code for c in hazard_type.categories.all()}, (item.code, hazard_type.code)


def test_checklist__every_item_reads_in_both_languages(checklists):
    for item in ChecklistItem.objects.all():
        assert item.question and item.question_en and item.hint and item.hint_en, item.code


def test_checklist__loading_twice_changes_nothing(checklists):
    def snapshot():
        return (
            ChecklistItem.objects.count(),
            ChecklistItem.hazard_types.through.objects.count(),
            ChecklistItem.categories.through.objects.count(),
            ChecklistItem.history.count(),
            list(ChecklistItem.objects.values_list("code", "default_hazard_type__code", "question")),
        )

    before = snapshot()
    load_checklists(ChecklistItem, HazardType, VenueCategory)
    assert snapshot() == before
