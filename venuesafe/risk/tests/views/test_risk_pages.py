"""The risk pages: a venue's explained score, candidate major hazards, today's patrol list, coverage."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from venuesafe.risk import selectors
from venuesafe.risk.models import VenueRisk
from venuesafe.testing.factories import found_hazard

from .helpers import attr_values, logged_in, patrol_rows

pytestmark = pytest.mark.django_db


def risk_url(v) -> str:
    return reverse("risk:venue", args=[v.pk])


# --- a venue's risk -------------------------------------------------------------------------


def test_venue_risk__factor_points_add_up_to_the_score_shown(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        found_hazard(area.yellow, area.inspector, "EVA-01")
        found_hazard(area.yellow, area.inspector, "FAC-01")
    risk = VenueRisk.objects.get(venue=area.yellow)
    assert len(risk.factors) >= 3  # category, open hazards, never inspected

    html = logged_in(area.inspector).get(risk_url(area.yellow)).content.decode()

    shown_score = int(re.search(r'id="risk-score" data-score="(\d+)"', html).group(1))
    points = [int(p) for p in attr_values(html, "data-points")]
    total = int(re.search(r'id="risk-total" data-total="(\d+)"', html).group(1))
    assert shown_score == risk.score
    assert sum(points) == total == shown_score
    assert set(attr_values(html, "data-factor")) == {f["key"] for f in risk.factors}
    assert re.search(rf'id="risk-level" data-level="{risk.level}"', html)
    assert "Category base risk" in html and "Never inspected" in html
    assert 'id="candidate-major"' not in html


def test_venue_risk__overdue_venue__shows_its_frequency_and_since_when_it_is_due(area):
    # Orange: every 14 days; inspected 20 days ago, so due 6 days ago.
    html = logged_in(area.inspector).get(risk_url(area.orange)).content.decode()
    assert 'id="risk-frequency" data-days="14"' in html
    assert 'data-overdue-days="6"' in html
    assert 'id="risk-inspect-link"' in html


def test_venue_risk__direct_element__candidate_section_lists_it_with_the_note(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        found_hazard(area.red, area.inspector, "MAT-02")
    html = logged_in(area.street_office).get(risk_url(area.red)).content.decode()
    section = html.split('id="candidate-major"', 1)[1]
    assert 'data-direct="true"' in section[:200]
    assert 'data-element="6.8" data-code="MAT-02"' in section
    assert "decided by people" in section
    assert 'data-factor="candidate_major"' in html


def test_venue_risk__not_scored_yet__says_so(area):
    VenueRisk.objects.filter(venue=area.yellow).delete()
    html = logged_in(area.inspector).get(risk_url(area.yellow)).content.decode()
    assert 'id="risk-none"' in html
    assert 'id="risk-frequency" data-days="90"' in html  # blue until scored


def test_venue_risk__out_of_scope__404(area):
    assert logged_in(area.inspector).get(risk_url(area.next_grid)).status_code == 404
    assert logged_in(area.other_street_office).get(risk_url(area.red)).status_code == 404


def test_venue_detail__staff_see_the_level_and_the_link__merchants_do_not(area):
    url = reverse("venues:detail", args=[area.red.pk])
    staff = logged_in(area.community_staff).get(url).content.decode()
    assert 'id="venue-risk-level" data-level="red"' in staff
    assert f'href="{risk_url(area.red)}" id="venue-risk-link"' in staff
    assert 'id="venue-risk-link"' not in logged_in(area.merchant).get(url).content.decode()


# --- candidate major hazards ----------------------------------------------------------------


def test_candidates__direct_element__on_its_streets_list_not_on_another_streets(
    area, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        found_hazard(area.red, area.inspector, "MAT-02")
    url = reverse("risk:candidates")

    own = logged_in(area.street_office).get(url).content.decode()
    assert attr_values(own, "data-venue-id") == [str(area.red.pk)]
    assert 'data-direct="true"' in own and 'data-element="6.8"' in own
    assert str(area.red.pk) in attr_values(logged_in(area.community_staff).get(url).content.decode(), "data-venue-id")

    other = logged_in(area.other_street_office).get(url).content.decode()
    assert attr_values(other, "data-venue-id") == []
    assert 'id="candidates-empty"' in other


def test_candidates__comprehensive_count__shows_count_against_threshold(area, django_capture_on_commit_callbacks):
    # SHOP: 4 distinct comprehensive elements flag a venue.
    with django_capture_on_commit_callbacks(execute=True):
        for code in ("RES-01", "EVA-01", "EVA-03", "FAC-01"):
            found_hazard(area.orange, area.inspector, code)
    html = logged_in(area.street_office).get(reverse("risk:candidates")).content.decode()
    assert attr_values(html, "data-venue-id") == [str(area.orange.pk)]
    assert "4 of 4 elements" in html
    assert set(attr_values(html, "data-element")) == {"7.1.3", "7.3.3", "7.3.6", "7.4"}


def test_candidates__cleared_flag__only_when_asked(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hazard = found_hazard(area.red, area.inspector, "MAT-02")
    from venuesafe.hazards.services import hazard_withdraw

    with django_capture_on_commit_callbacks(execute=True):
        hazard_withdraw(hazard=hazard, actor=area.street_office, reason="误报")
    client = logged_in(area.street_office)
    assert attr_values(client.get(reverse("risk:candidates")).content.decode(), "data-venue-id") == []
    html = client.get(reverse("risk:candidates"), {"cleared": "on"}).content.decode()
    assert attr_values(html, "data-venue-id") == [str(area.red.pk)]
    assert 'data-open="false"' in html


# --- today's patrol list --------------------------------------------------------------------


def test_patrol__due_venues_of_the_grid_only__riskiest_chosen__in_walking_order(area):
    html = logged_in(area.inspector).get(reverse("risk:patrol")).content.decode()
    rows = patrol_rows(html)
    # Due: red (never), orange (20 days > 14), yellow (never). Not the recently inspected red and blue,
    # not the venue in the next grid or the other street. From the riskiest (red, lng .8500) the
    # nearest next is yellow (.8520), then orange (.8560).
    assert rows == [(1, area.red.pk), (2, area.yellow.pk), (3, area.orange.pk)]
    assert f'id="patrol-inspect-{area.red.pk}"' in html
    assert reverse("inspections:start", args=[area.red.pk]) in html
    orange = html.split(f'data-venue-id="{area.orange.pk}"', 1)[1][:200]
    assert 'data-level="orange"' in orange and 'data-overdue-days="6"' in orange
    assert 'id="patrol-use-position"' in html


def test_patrol__daily_max__keeps_the_riskiest(area, settings):
    settings.PATROL_DAILY_MAX = 2
    rows = patrol_rows(logged_in(area.inspector).get(reverse("risk:patrol")).content.decode())
    assert {vid for _o, vid in rows} == {area.red.pk, area.orange.pk}


def test_patrol__from_my_position__starts_at_the_nearest(area):
    html = (
        logged_in(area.inspector)
        .get(reverse("risk:patrol"), {"lat": "32.0500", "lng": "120.8570", "coord_system": "wgs84"})
        .content.decode()
    )
    assert patrol_rows(html) == [(1, area.orange.pk), (2, area.yellow.pk), (3, area.red.pk)]
    first = html.split(f'data-venue-id="{area.orange.pk}"', 1)[1][:200]
    assert re.search(r'data-leg-m="(9[0-9]|10[0-9])"', first)  # 0.001° of longitude ≈ 94 m


def test_patrol__bad_position__says_so_and_plans_from_the_riskiest(area):
    html = logged_in(area.inspector).get(reverse("risk:patrol"), {"lat": "abc", "lng": "1"}).content.decode()
    assert 'id="patrol-error"' in html
    assert patrol_rows(html)[0] == (1, area.red.pk)


def test_patrol__grid_worker_sees_own_grid__empty_state_when_nothing_due(area):
    client = logged_in(area.grid_worker)
    assert patrol_rows(client.get(reverse("risk:patrol")).content.decode()) == [(1, area.next_grid.pk)]
    from .helpers import inspected

    inspected(area.next_grid, area.grid_worker, 1)
    html = client.get(reverse("risk:patrol")).content.decode()
    assert patrol_rows(html) == []
    assert 'id="patrol-empty"' in html


def test_today_page__patrol_card_with_the_count__nav_link_for_patrol_staff_only(area):
    html = logged_in(area.inspector).get(reverse("inspections:today")).content.decode()
    assert 'id="patrol-count" data-count="3"' in html
    assert f'href="{reverse("risk:patrol")}" id="tasks-patrol-link"' in html
    assert 'id="nav-patrol"' in html
    office = logged_in(area.street_office).get(reverse("risk:coverage")).content.decode()
    assert 'id="nav-patrol"' not in office
    assert 'id="nav-risk"' in office


# --- coverage -------------------------------------------------------------------------------


def test_coverage__numbers_match_the_selector(area):
    html = logged_in(area.street_office).get(reverse("risk:coverage")).content.decode()
    total, rows = selectors.coverage(user=area.street_office)
    # Street A: six open venues; covered: red inspected 3 days ago (7), blue 40 days ago (90).
    assert (total.venues, total.covered) == (6, 2)
    assert re.search(rf'id="coverage-total" title="[^"]*" data-rate="{total.rate:.4f}"', html)
    table = html.split('id="coverage-communities"', 1)[1]
    assert [(int(i), r) for i, r in re.findall(r'<tr data-id="(\d+)" data-rate="([^"]*)"', table)] == [
        (r.id, f"{r.rate:.4f}") for r in rows
    ]
    counts = dict(re.findall(r'<li data-level="(\w+)" data-count="(\d+)"', html))
    assert counts == {k: str(v) for k, v in selectors.risk_counts(user=area.street_office).items()}
    assert counts == {"red": "3", "orange": "1", "yellow": "1", "blue": "1"}
    assert '<span data-level="red" data-days="7">' in html


def test_coverage__filtered_to_a_community(area):
    html = (
        logged_in(area.district_admin)
        .get(reverse("risk:coverage"), {"org_unit": area.district.comm_b1.pk})
        .content.decode()
    )
    assert re.search(r'id="coverage-total" title="[^"]*" data-rate="0.0000" data-venues="1" data-covered="0"', html)


# --- who may use which page -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["candidates", "patrol", "coverage"])
def test_staff_pages__merchant__403(area, name):
    assert logged_in(area.merchant).get(reverse(f"risk:{name}")).status_code == 403


def test_venue_risk__merchant_of_the_venue__403(area):
    assert logged_in(area.merchant).get(risk_url(area.red)).status_code == 403


def test_pages__wrong_role__403(area):
    assert logged_in(area.inspector).get(reverse("risk:candidates")).status_code == 403
    assert logged_in(area.inspector).get(reverse("risk:coverage")).status_code == 403
    assert logged_in(area.street_office).get(reverse("risk:patrol")).status_code == 403
