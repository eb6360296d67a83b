import pytest

from venuesafe.core.errors import InvalidInput
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.org.services import org_unit_create, org_unit_get_or_create


def test_org_unit_create__builds_materialised_paths(db):
    district = org_unit_create(name="崇川区", code="D1", level=OrgLevel.DISTRICT)
    street = org_unit_create(name="陈桥街道", code="S1", level=OrgLevel.STREET, parent=district)
    community = org_unit_create(name="仁和社区", code="C1", level=OrgLevel.COMMUNITY, parent=street)
    grid = org_unit_create(name="仁和一网格", code="G1", level=OrgLevel.GRID, parent=community)

    assert district.path == f"/{district.pk}/"
    assert street.path == f"/{district.pk}/{street.pk}/"
    assert community.path == f"/{district.pk}/{street.pk}/{community.pk}/"
    assert grid.path == f"/{district.pk}/{street.pk}/{community.pk}/{grid.pk}/"
    assert [u.depth for u in (district, street, community, grid)] == [1, 2, 3, 4]
    grid.refresh_from_db()
    assert grid.path.startswith(community.path)


@pytest.mark.parametrize(
    ("parent_level", "level"),
    [
        (None, OrgLevel.STREET),
        (None, OrgLevel.GRID),
        (OrgLevel.DISTRICT, OrgLevel.DISTRICT),
        (OrgLevel.DISTRICT, OrgLevel.COMMUNITY),
        (OrgLevel.STREET, OrgLevel.GRID),
        (OrgLevel.STREET, OrgLevel.STREET),
        (OrgLevel.COMMUNITY, OrgLevel.STREET),
        (OrgLevel.GRID, OrgLevel.GRID),
        (OrgLevel.DISTRICT, "province"),
    ],
)
def test_org_unit_create__wrong_level_refused(db, district, parent_level, level):
    parents = {
        None: None,
        OrgLevel.DISTRICT: district.district,
        OrgLevel.STREET: district.street_a,
        OrgLevel.COMMUNITY: district.comm_a1,
        OrgLevel.GRID: district.grid_a1a,
    }
    before = OrgUnit.objects.count()
    with pytest.raises(InvalidInput) as exc:
        org_unit_create(name="x", code="BAD1", level=level, parent=parents[parent_level])
    assert exc.value.code == "org_level_mismatch"
    assert OrgUnit.objects.count() == before


def test_org_unit_get_or_create__returns_existing_by_code(db, district):
    again = org_unit_get_or_create(
        name="another name", code=district.street_a.code, level=OrgLevel.STREET, parent=district.district
    )
    assert again.pk == district.street_a.pk
    new = org_unit_get_or_create(name="新街道", code="NEW-S", level=OrgLevel.STREET, parent=district.district)
    assert new.path == f"{district.district.path}{new.pk}/"
