"""Every role against venues inside and outside its scope, at selector level.

Venues:  A1a  grid A1a (community A1, street A)   小商店 SHOP           (the merchant's venue)
         A1b  grid A1b (community A1, street A)   培训机构 EDU_TRAINING (sub-type of 小型学校幼儿园, FIRE + EDUCATION)
         A2a  grid A2a (community A2, street A)   小餐饮 FOOD
         B1a  grid B1a (community B1, street B)   小商店 SHOP
"""

from dataclasses import dataclass

import pytest
from django.http import Http404

from venuesafe.accounts.models import Role
from venuesafe.core.errors import NotAllowed
from venuesafe.org.models import Department
from venuesafe.testing.factories import District, UserFactory, category, user_with_role, venue
from venuesafe.venues.models import Venue, VenueMerchant
from venuesafe.venues.selectors import (
    venue_can_edit,
    venue_get,
    venue_get_for_edit,
    venue_list,
    venue_list_near,
)
from venuesafe.venues.services import venue_update

ALL = frozenset({"A1a", "A1b", "A2a", "B1a"})
STREET_A = frozenset({"A1a", "A1b", "A2a"})
NONE = frozenset()

#  role key            sees (list / get / near)          may edit (venue_update)
MATRIX = [
    ("superuser", ALL, ALL),
    ("district_admin@district", ALL, ALL),
    ("street_office@A", STREET_A, STREET_A),
    ("community_staff@A1", {"A1a", "A1b"}, {"A1a", "A1b"}),
    ("grid_worker@A1a", {"A1a"}, {"A1a"}),
    ("inspector@A1a", {"A1a"}, {"A1a"}),
    ("merchant of A1a", {"A1a"}, NONE),
    ("dept FIRE@A", STREET_A, NONE),
    ("dept EDUCATION@A", {"A1b"}, NONE),
    ("no role", NONE, NONE),
]

CENTRE = (32.0417, 120.8597)  # Nantong, WGS-84


@dataclass
class World:
    d: District
    venues: dict[str, Venue]
    users: dict


@pytest.fixture
def world(db):
    d = District()
    # All four within ~300 m of CENTRE so "near me" sees them all when scope allows.
    venues = {
        "A1a": venue(d.comm_a1, d.grid_a1a, category=category("SHOP"), lat=32.0420, lng=120.8600),
        "A1b": venue(d.comm_a1, d.grid_a1b, category=category("EDU_TRAINING"), lat=32.0410, lng=120.8590),
        "A2a": venue(d.comm_a2, d.grid_a2a, category=category("FOOD"), lat=32.0430, lng=120.8580),
        "B1a": venue(d.comm_b1, d.grid_b1a, category=category("SHOP"), lat=32.0400, lng=120.8620),
    }
    merchant = user_with_role(Role.MERCHANT, d.comm_a1)
    VenueMerchant.objects.create(venue=venues["A1a"], user=merchant)
    users = {
        "superuser": UserFactory(is_superuser=True),
        "district_admin@district": user_with_role(Role.DISTRICT_ADMIN, d.district),
        "street_office@A": user_with_role(Role.STREET_OFFICE, d.street_a),
        "community_staff@A1": user_with_role(Role.COMMUNITY_STAFF, d.comm_a1),
        "grid_worker@A1a": user_with_role(Role.GRID_WORKER, d.grid_a1a),
        "inspector@A1a": user_with_role(Role.INSPECTOR, d.grid_a1a),
        "merchant of A1a": merchant,
        "dept FIRE@A": user_with_role(
            Role.DEPARTMENT_VIEWER, d.street_a, department=Department.objects.get(code="FIRE")
        ),
        "dept EDUCATION@A": user_with_role(
            Role.DEPARTMENT_VIEWER, d.street_a, department=Department.objects.get(code="EDUCATION")
        ),
        "no role": UserFactory(),
    }
    return World(d, venues, users)


def _keys(world: World, pks) -> set[str]:
    by_pk = {v.pk: k for k, v in world.venues.items()}
    return {by_pk[pk] for pk in pks}


@pytest.mark.parametrize(("role", "sees", "edits"), MATRIX, ids=[r[0] for r in MATRIX])
def test_venue_list__scope_matrix(world, role, sees, edits):
    user = world.users[role]
    assert _keys(world, venue_list(user=user).values_list("pk", flat=True)) == set(sees)


@pytest.mark.parametrize(("role", "sees", "edits"), MATRIX, ids=[r[0] for r in MATRIX])
def test_venue_get__scope_matrix(world, role, sees, edits):
    user = world.users[role]
    for key, v in world.venues.items():
        if key in sees:
            assert venue_get(user=user, pk=v.pk) == v
        else:
            with pytest.raises(Http404):
                venue_get(user=user, pk=v.pk)


@pytest.mark.parametrize(("role", "sees", "edits"), MATRIX, ids=[r[0] for r in MATRIX])
def test_venue_list_near__scope_matrix(world, role, sees, edits):
    user = world.users[role]
    near = venue_list_near(user=user, lat=CENTRE[0], lng=CENTRE[1], radius_m=1000)
    assert _keys(world, [n.id for n in near]) == set(sees)
    assert [n.distance_m for n in near] == sorted(n.distance_m for n in near)


@pytest.mark.parametrize(("role", "sees", "edits"), MATRIX, ids=[r[0] for r in MATRIX])
def test_venue_update__scope_matrix(world, role, sees, edits):
    user = world.users[role]
    for key, v in world.venues.items():
        assert venue_can_edit(user=user, venue=v) is (key in edits)
        if key in edits:
            venue_update(venue=v, actor=user, address=f"新地址 {role}")
            v.refresh_from_db()
            assert v.address == f"新地址 {role}"
        else:
            before = v.address
            with pytest.raises(NotAllowed):
                venue_update(venue=v, actor=user, address="不该写入")
            v.refresh_from_db()
            assert v.address == before


@pytest.mark.parametrize(("role", "sees", "edits"), MATRIX, ids=[r[0] for r in MATRIX])
def test_venue_get_for_edit__404_out_of_sight_403_read_only(world, role, sees, edits):
    user = world.users[role]
    for key, v in world.venues.items():
        if key in edits:
            assert venue_get_for_edit(user=user, pk=v.pk) == v
        elif key in sees:
            with pytest.raises(NotAllowed):
                venue_get_for_edit(user=user, pk=v.pk)
        else:
            with pytest.raises(Http404):
                venue_get_for_edit(user=user, pk=v.pk)


def test_venue_list_near__radius_cuts_and_orders(world):
    admin = world.users["district_admin@district"]
    near = venue_list_near(user=admin, lat=32.0420, lng=120.8600, radius_m=50)
    assert [n.id for n in near] == [world.venues["A1a"].pk]
    assert near[0].distance_m == pytest.approx(0, abs=0.01)
    assert venue_list_near(user=admin, lat=32.0420, lng=120.8600, radius_m=200)[0].id == world.venues["A1a"].pk


def test_venue_list_near__venue_without_location_never_listed(world):
    admin = world.users["district_admin@district"]
    nowhere = venue(world.d.comm_a1, world.d.grid_a1a, lat=None, lng=None)
    ids = [n.id for n in venue_list_near(user=admin, lat=CENTRE[0], lng=CENTRE[1], radius_m=100_000)]
    assert nowhere.pk not in ids
    assert len(ids) == 4


def test_venue_list_near__large_radius_without_cell_index(world):
    # Over MAX_CELLS_PER_QUERY cells the selector falls back to the bounding box alone.
    admin = world.users["district_admin@district"]
    ids = {n.id for n in venue_list_near(user=admin, lat=CENTRE[0], lng=CENTRE[1], radius_m=20_000)}
    assert ids == {v.pk for v in world.venues.values()}


def test_venue_list__filters_inside_scope(world):
    staff = world.users["street_office@A"]
    assert _keys(world, venue_list(user=staff, org_unit=world.d.comm_a1).values_list("pk", flat=True)) == {
        "A1a",
        "A1b",
    }
    # Filtering by a unit outside the scope never widens it.
    assert list(venue_list(user=staff, org_unit=world.d.street_b)) == []
    edu = category("EDU")
    assert _keys(world, venue_list(user=staff, category=edu).values_list("pk", flat=True)) == {"A1b"}
    a1a = world.venues["A1a"]
    assert _keys(world, venue_list(user=staff, search=a1a.licence_no.lower()).values_list("pk", flat=True)) == {"A1a"}
    assert _keys(world, venue_list(user=staff, search=a1a.sign_name).values_list("pk", flat=True)) == {"A1a"}
    assert list(venue_list(user=staff, search=world.venues["B1a"].sign_name)) == []
