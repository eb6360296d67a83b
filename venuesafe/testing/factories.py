"""factory_boy factories and small builders shared by every app's tests."""

from __future__ import annotations

import io
import itertools

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core.validators import USCC_ALPHABET, uscc_check_char
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.org.services import org_unit_create
from venuesafe.venues.models import Venue, VenueCategory

_codes = itertools.count(1)


def make_uscc(seed: int) -> str:
    """A valid unified social credit code (GB 32100-2015 check character) for tests."""
    body = "91320602" + "".join(USCC_ALPHABET[(seed * 7 + i * 3) % 31] for i in range(9))
    return body + uscc_check_char(body)


def make_image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


def make_photo(name: str = "photo.jpg", fmt: str = "JPEG") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_image_bytes(fmt), content_type="image/jpeg")


def org_unit(level: str, parent: OrgUnit | None = None, name: str | None = None) -> OrgUnit:
    n = next(_codes)
    return org_unit_create(name=name or f"{level}-{n}", code=f"T{n:05d}", level=level, parent=parent)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", "Passw0rd!2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


TEST_PASSWORD = "Passw0rd!2026"


def user_with_role(role: str, unit: OrgUnit, department=None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, org_unit=unit, department=department)
    return user


def category(code: str = "SHOP") -> VenueCategory:
    found = VenueCategory.objects.filter(code=code).first()
    if found is None:
        # A transactional test before this one flushed the rows the data migration loaded.
        from venuesafe.org.models import Department
        from venuesafe.venues.models import CategoryDepartment
        from venuesafe.venues.reference_data import load_reference_data

        load_reference_data(VenueCategory, Department, CategoryDepartment)
        found = VenueCategory.objects.get(code=code)
    return found


def venue(community: OrgUnit, grid: OrgUnit | None = None, **fields) -> Venue:
    """A complete venue, saved directly (tests of the services build theirs through them)."""
    n = next(_codes)
    defaults = dict(  # noqa: C408 - keyword form reads like the model
        sign_name=f"测试商店{n}",
        category=category("SHOP"),
        address=f"陈桥街道测试路{n}号",
        licence_kind="uscc",
        licence_no=make_uscc(n),
        lat=32.05 + n * 1e-5,
        lng=120.85 + n * 1e-5,
        operator_name="张三",
        operator_mobile="13912345678",
    )
    defaults.update(fields)
    v = Venue(community=community, grid=grid, org_path=(grid or community).path, **defaults)
    from venuesafe.core import geo

    if v.lat is not None:
        v.geo_cell = geo.geo_cell(v.lat, v.lng)
    v.elements_present = 5 - len(v.missing_elements)
    v.save()
    return v


class District:
    """Two streets; street A has communities A1 (grids A1a, A1b) and A2 (grid A2a); street B has B1 (B1a)."""

    def __init__(self):
        self.district = org_unit(OrgLevel.DISTRICT, name="崇川区")
        self.street_a = org_unit(OrgLevel.STREET, self.district, name="陈桥街道")
        self.street_b = org_unit(OrgLevel.STREET, self.district, name="幸福街道")
        self.comm_a1 = org_unit(OrgLevel.COMMUNITY, self.street_a, name="仁和社区")
        self.comm_a2 = org_unit(OrgLevel.COMMUNITY, self.street_a, name="天和社区")
        self.comm_b1 = org_unit(OrgLevel.COMMUNITY, self.street_b, name="幸福社区")
        self.grid_a1a = org_unit(OrgLevel.GRID, self.comm_a1, name="仁和一网格")
        self.grid_a1b = org_unit(OrgLevel.GRID, self.comm_a1, name="仁和二网格")
        self.grid_a2a = org_unit(OrgLevel.GRID, self.comm_a2, name="天和一网格")
        self.grid_b1a = org_unit(OrgLevel.GRID, self.comm_b1, name="幸福一网格")


__all__ = [
    "TEST_PASSWORD",
    "District",
    "Role",
    "UserFactory",
    "category",
    "make_photo",
    "make_uscc",
    "org_unit",
    "user_with_role",
    "venue",
]


def hazard_type(code: str = "EVA-01"):
    """A catalogue entry; reloads the reference data a transactional test may have flushed."""
    from venuesafe.hazards.catalogue_data import ensure_reference_data
    from venuesafe.hazards.models import HazardType

    found = HazardType.objects.filter(code=code).first()
    if found is None:
        ensure_reference_data()
        found = HazardType.objects.get(code=code)
    return found


def found_hazard(venue: Venue, actor: User, code: str = "EVA-01", **kwargs):
    """A hazard recorded through the service (state `found`), with one evidence photo."""
    from venuesafe.hazards.services import hazard_record

    kwargs.setdefault("photos", [make_photo()])
    return hazard_record(venue=venue, hazard_type=hazard_type(code), actor=actor, **kwargs)
