from django.contrib.auth.models import AnonymousUser

from venuesafe.accounts.models import Role, RoleAssignment
from venuesafe.accounts.selectors import editable_org_units, org_units_visible, user_scope
from venuesafe.org.models import Department, OrgLevel
from venuesafe.testing.factories import UserFactory, user_with_role


def test_org_units_visible__street_office_sees_its_street_subtree(district):
    d = district
    user = user_with_role(Role.STREET_OFFICE, d.street_a)
    assert set(org_units_visible(user=user)) == {d.street_a, d.comm_a1, d.comm_a2, d.grid_a1a, d.grid_a1b, d.grid_a2a}


def test_org_units_visible__merchant_and_roleless_see_none(district):
    merchant = user_with_role(Role.MERCHANT, district.comm_a1)
    assert list(org_units_visible(user=merchant)) == []
    assert list(org_units_visible(user=UserFactory())) == []


def test_org_units_visible__department_viewer_sees_its_territory(district):
    d = district
    viewer = user_with_role(Role.DEPARTMENT_VIEWER, d.street_b, department=Department.objects.get(code="FIRE"))
    assert set(org_units_visible(user=viewer)) == {d.street_b, d.comm_b1, d.grid_b1a}


def test_editable_org_units__by_level(district):
    d = district
    staff = user_with_role(Role.COMMUNITY_STAFF, d.comm_a1)
    assert list(editable_org_units(user=staff, levels=(OrgLevel.COMMUNITY,))) == [d.comm_a1]
    assert set(editable_org_units(user=staff, levels=(OrgLevel.GRID,))) == {d.grid_a1a, d.grid_a1b}
    viewer = user_with_role(Role.DEPARTMENT_VIEWER, d.street_a, department=Department.objects.get(code="FIRE"))
    assert list(editable_org_units(user=viewer, levels=(OrgLevel.COMMUNITY, OrgLevel.GRID))) == []


def test_editable_org_units__superuser_everything_active(district):
    admin = UserFactory(is_superuser=True)
    district.grid_b1a.is_active = False
    district.grid_b1a.save()
    assert set(editable_org_units(user=admin, levels=(OrgLevel.GRID,))) == {
        district.grid_a1a,
        district.grid_a1b,
        district.grid_a2a,
    }


def test_user_scope__inactive_assignment_ignored(district):
    user = user_with_role(Role.STREET_OFFICE, district.street_a)
    RoleAssignment.objects.filter(user=user).update(is_active=False)
    scope = user_scope(user=user)
    assert scope.roles == set()
    assert not scope.can_edit_under(district.comm_a1)


def test_user_scope__anonymous_has_nothing(db):
    scope = user_scope(user=AnonymousUser())
    assert scope.roles == set()
    assert not scope.is_district_admin


def test_user_scope__can_edit_under(district):
    d = district
    grid_worker = user_with_role(Role.GRID_WORKER, d.grid_a1a)
    scope = user_scope(user=grid_worker)
    assert scope.can_edit_under(d.grid_a1a)
    assert not scope.can_edit_under(d.grid_a1b)
    assert not scope.can_edit_under(d.comm_a1)
