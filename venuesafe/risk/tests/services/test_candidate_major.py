"""Candidate major fire hazards (GB 35181) counted against hand-built venues: distinct comprehensive
elements among the open hazards against the category's threshold (data), any direct element at
once; the street office is told the factors; closing the hazards clears the flag."""

from __future__ import annotations

import pytest
from django.urls import reverse

from venuesafe.hazards import services as hazard_services
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.risk.models import CandidateMajorFlag, CategoryRisk
from venuesafe.risk.selectors import candidate_major_list
from venuesafe.risk.services import candidate_major_factors, evaluate_candidate_major
from venuesafe.testing.factories import category, venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def ktv(world):
    """An entertainment venue (crowded place: threshold 3) in world.inspector's grid."""
    return venue(world.d.comm_a1, world.d.grid_a1a, category=category("ENT"), sign_name="欢乐颂KTV")


def found(world, v, *codes):
    return [world.found(code, venue=v) for code in codes]


def flags(v):
    return CandidateMajorFlag.objects.filter(venue=v)


def major_notices():
    return Notice.objects.filter(kind=NoticeKind.CANDIDATE_MAJOR)


def test_candidate_major__crowded_place_two_elements_do_not_flag(world, ktv):
    found(world, ktv, "EVA-01", "EVA-03")  # 7.3.3 and 7.3.6

    factors, threshold, met = candidate_major_factors(ktv)

    assert threshold == 3 and not met
    assert [(f["code"], f["element"], f["direct"]) for f in factors] == [
        ("EVA-01", "7.3.3", False),
        ("EVA-03", "7.3.6", False),
    ]
    assert evaluate_candidate_major(ktv) is None
    assert not flags(ktv).exists() and not major_notices().exists()


def test_candidate_major__crowded_place_three_elements_flag_and_tell_the_street_office(world, ktv):
    hazards = found(world, ktv, "EVA-01", "EVA-03", "FAC-01")  # 7.3.3, 7.3.6, 7.4

    flag = evaluate_candidate_major(ktv)

    assert flag is not None and flag.threshold == 3 and not flag.direct
    assert [f["hazard"] for f in flag.factors] == [h.pk for h in hazards]
    assert flag.org_path == ktv.org_path
    [notice] = major_notices()
    assert notice.recipient == world.street  # the street office of the venue's street, nobody else
    assert "欢乐颂KTV" in notice.title
    for code, element in (("EVA-01", "7.3.3"), ("EVA-03", "7.3.6"), ("FAC-01", "7.4")):
        assert f"{code} " in notice.body and f"GB 35181 {element}" in notice.body
    assert notice.url == reverse("risk:venue", args=[ktv.pk])
    assert list(candidate_major_list(user=world.street)) == [flag]
    assert list(candidate_major_list(user=world.street_b)) == []

    # Evaluating again keeps the one flag and tells nobody twice.
    assert evaluate_candidate_major(ktv) == flag
    assert flags(ktv).count() == 1 and major_notices().count() == 1


def test_candidate_major__two_hazards_on_the_same_element_count_once(world, ktv):
    found(world, ktv, "EVA-01", "EVA-04", "EVA-03")  # EVA-01 and EVA-04 are both 7.3.3

    factors, _threshold, met = candidate_major_factors(ktv)

    assert len(factors) == 3 and not met
    assert evaluate_candidate_major(ktv) is None


def test_candidate_major__hazards_that_stand_for_no_element_do_not_count(world, ktv):
    found(world, ktv, "EVA-01", "EVA-03", "EVA-02", "MAT-03")  # EVA-02, MAT-03: not GB 35181 elements

    factors, _threshold, met = candidate_major_factors(ktv)

    assert {f["code"] for f in factors} == {"EVA-01", "EVA-03"} and not met


def test_candidate_major__a_direct_element_flags_alone(world):
    shop = world.venue  # not even a crowded place
    found(world, shop, "MAT-02")  # 6.8

    flag = evaluate_candidate_major(shop)

    assert flag is not None and flag.direct
    assert [(f["code"], f["element"]) for f in flag.factors] == [("MAT-02", "6.8")]
    assert "GB 35181 6.8" in major_notices().get().body


def test_candidate_major__closing_the_hazards_clears_the_flag(world, ktv):
    eva01, _eva03, fac01 = found(world, ktv, "EVA-01", "EVA-03", "FAC-01")
    flag = evaluate_candidate_major(ktv)

    hazard_services.hazard_withdraw(hazard=fac01, actor=world.street, reason="经核实不属于隐患")
    assert evaluate_candidate_major(ktv) is None

    flag.refresh_from_db()
    assert flag.cleared_at is not None
    assert list(candidate_major_list(user=world.street)) == []
    assert list(candidate_major_list(user=world.street, include_cleared=True)) == [flag]

    # Found again: a new flag, and the street office hears of it again.
    world.found("FAC-01", venue=ktv)
    again = evaluate_candidate_major(ktv)
    assert again is not None and again.pk != flag.pk
    assert major_notices().count() == 2
    assert eva01.pk in [f["hazard"] for f in again.factors]


def test_candidate_major__the_threshold_is_the_categorys_data(world, ktv):
    found(world, ktv, "EVA-01", "EVA-03")
    CategoryRisk.objects.filter(category=category("ENT")).update(major_threshold=2)

    flag = evaluate_candidate_major(ktv)

    assert flag is not None and flag.threshold == 2


def test_candidate_major__non_crowded_categories_need_four(world):
    shop = world.venue
    found(world, shop, "EVA-01", "EVA-03", "FAC-01")
    assert candidate_major_factors(shop)[1:] == (4, False)

    world.found("MAT-01", venue=shop)  # 7.9
    assert candidate_major_factors(shop)[1:] == (4, True)

    CategoryRisk.objects.filter(category=category("SHOP")).update(major_threshold=5)
    assert candidate_major_factors(shop)[1:] == (5, False)


def test_candidate_major__a_deregistered_venue_is_not_flagged(world, ktv):
    found(world, ktv, "MAT-02")
    flag = evaluate_candidate_major(ktv)
    type(ktv).objects.filter(pk=ktv.pk).update(business_status="closed")
    ktv.refresh_from_db()

    assert evaluate_candidate_major(ktv) is None
    flag.refresh_from_db()
    assert flag.cleared_at is not None


def test_candidate_major__flagged_as_soon_as_the_third_hazard_is_committed(
    world, ktv, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        found(world, ktv, "EVA-01", "EVA-03")
    assert not flags(ktv).exists()
    assert ktv.risk.level  # scored on commit

    with django_capture_on_commit_callbacks(execute=True):
        world.found("FAC-01", venue=ktv)

    ktv.refresh_from_db()
    flag = flags(ktv).get(cleared_at__isnull=True)
    assert {f["code"] for f in flag.factors} == {"EVA-01", "EVA-03", "FAC-01"}
    assert any(f["key"] == "candidate_major" for f in ktv.risk.factors)


def test_candidate_major__an_open_flag_follows_when_its_direct_element_closes(world, ktv):
    mat02, *_rest = found(world, ktv, "MAT-02", "EVA-01", "EVA-03", "FAC-01")
    assert evaluate_candidate_major(ktv).direct

    hazard_services.hazard_withdraw(hazard=mat02, actor=world.street, reason="已清走")
    flag = evaluate_candidate_major(ktv)

    assert flag is not None  # three comprehensive elements still meet the threshold
    assert [f["code"] for f in flag.factors] == ["EVA-01", "EVA-03", "FAC-01"]
    assert not flag.direct
