"""Five-element completeness per community and in total, counted by hand."""

import pytest

from venuesafe.accounts.models import Role
from venuesafe.org.models import Department
from venuesafe.testing.factories import category, user_with_role, venue
from venuesafe.venues.models import BusinessStatus
from venuesafe.venues.selectors import venue_completeness_by_community, venue_completeness_total

PHOTO = "venues/photos/existing.jpg"


@pytest.fixture
def data(district):
    d = district
    # Community A1: two complete (5 + 5), one with sign, category and address only (3); one closed complete
    # venue and one closed incomplete venue that must not count.
    venue(d.comm_a1, d.grid_a1a, photo=PHOTO)
    venue(d.comm_a1, d.grid_a1b, photo=PHOTO, business_status=BusinessStatus.SUSPENDED)
    venue(d.comm_a1, d.grid_a1a, licence_kind="", licence_no="")
    venue(d.comm_a1, d.grid_a1a, photo=PHOTO, business_status=BusinessStatus.CLOSED)
    venue(d.comm_a1, None, business_status=BusinessStatus.CLOSED)
    # Community A2: one without photo (4).
    venue(d.comm_a2, d.grid_a2a, category=category("FOOD"))
    # Community B1: one complete (5), one with sign and category only (2).
    venue(d.comm_b1, d.grid_b1a, photo=PHOTO)
    venue(d.comm_b1, d.grid_b1a, address="", licence_kind="", licence_no="")
    return d


def _by_community(rows):
    return {r.org_unit_id: (r.venues, r.complete, r.elements_present) for r in rows}


def test_venue_completeness_by_community__district_admin(data):
    admin = user_with_role(Role.DISTRICT_ADMIN, data.district)
    rows = venue_completeness_by_community(user=admin)
    assert _by_community(rows) == {
        data.comm_a1.pk: (3, 2, 13),
        data.comm_a2.pk: (1, 0, 4),
        data.comm_b1.pk: (2, 1, 7),
    }
    a1 = next(r for r in rows if r.org_unit_id == data.comm_a1.pk)
    assert a1.name == "仁和社区"
    assert a1.complete_rate == pytest.approx(2 / 3)
    assert a1.element_rate == pytest.approx(13 / 15)


def test_venue_completeness_total__district_admin(data):
    admin = user_with_role(Role.DISTRICT_ADMIN, data.district)
    total = venue_completeness_total(user=admin, within=data.district)
    assert (total.venues, total.complete, total.elements_present) == (6, 3, 24)
    assert total.complete_rate == pytest.approx(0.5)
    assert total.element_rate == pytest.approx(24 / 30)
    assert total.org_unit_id == data.district.pk
    assert venue_completeness_total(user=admin).venues == 6


def test_venue_completeness__within_a_unit(data):
    admin = user_with_role(Role.DISTRICT_ADMIN, data.district)
    assert _by_community(venue_completeness_by_community(user=admin, within=data.street_a)) == {
        data.comm_a1.pk: (3, 2, 13),
        data.comm_a2.pk: (1, 0, 4),
    }
    total = venue_completeness_total(user=admin, within=data.grid_a1a)
    assert (total.venues, total.complete, total.elements_present) == (2, 1, 8)


def test_venue_completeness__scoped_to_the_user(data):
    street = user_with_role(Role.STREET_OFFICE, data.street_a)
    total = venue_completeness_total(user=street)
    assert (total.venues, total.complete, total.elements_present) == (4, 2, 17)
    # Asking about another street through `within` never widens the scope.
    assert venue_completeness_total(user=street, within=data.street_b).venues == 0

    food_viewer = user_with_role(
        Role.DEPARTMENT_VIEWER, data.street_a, department=Department.objects.get(code="HOUSING_GAS")
    )
    assert _by_community(venue_completeness_by_community(user=food_viewer)) == {data.comm_a2.pk: (1, 0, 4)}


def test_venue_completeness__empty_scope_gives_zero_rates(data):
    edu_viewer = user_with_role(
        Role.DEPARTMENT_VIEWER, data.street_a, department=Department.objects.get(code="EDUCATION")
    )
    assert venue_completeness_by_community(user=edu_viewer) == []
    total = venue_completeness_total(user=edu_viewer)
    assert (total.venues, total.complete_rate, total.element_rate) == (0, 0.0, 0.0)
