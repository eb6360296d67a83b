from venuesafe.org.selectors import org_unit_ancestors, org_unit_subtree
from venuesafe.testing.factories import District


def test_org_unit_subtree__street_a_is_exactly_its_communities_and_grids(district):
    d = district
    assert set(org_unit_subtree(unit=d.street_a)) == {
        d.street_a,
        d.comm_a1,
        d.comm_a2,
        d.grid_a1a,
        d.grid_a1b,
        d.grid_a2a,
    }


def test_org_unit_subtree__community_and_grid(district):
    d = district
    assert set(org_unit_subtree(unit=d.comm_a1)) == {d.comm_a1, d.grid_a1a, d.grid_a1b}
    assert set(org_unit_subtree(unit=d.comm_a1, include_self=False)) == {d.grid_a1a, d.grid_a1b}
    assert set(org_unit_subtree(unit=d.grid_a1a)) == {d.grid_a1a}
    assert set(org_unit_subtree(unit=d.grid_a1a, include_self=False)) == set()


def test_org_unit_subtree__district_holds_all_ten_units(district):
    assert org_unit_subtree(unit=district.district).count() == 10


def test_org_unit_subtree__no_prefix_collision_between_ids(db):
    # Path "/1/" must not match "/12/..." — ids with a common prefix live in a second district.
    first, second = District(), District()
    assert not set(org_unit_subtree(unit=first.district)) & set(org_unit_subtree(unit=second.district))
    assert org_unit_subtree(unit=second.district).count() == 10


def test_org_unit_ancestors__root_first(district):
    d = district
    assert list(org_unit_ancestors(unit=d.grid_a1b)) == [d.district, d.street_a, d.comm_a1, d.grid_a1b]
