import pytest
from django.utils import translation

from venuesafe.accounts.models import Role
from venuesafe.core import geo
from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.org.models import Department
from venuesafe.testing.factories import (
    UserFactory,
    category,
    make_photo,
    make_uscc,
    user_with_role,
    venue,
)
from venuesafe.venues.models import BusinessStatus, LicenceKind, Venue, VenueMerchant
from venuesafe.venues.services import venue_create

NANTONG = (32.0417, 120.8597)


@pytest.fixture
def grid_worker(district):
    return user_with_role(Role.GRID_WORKER, district.grid_a1a)


@pytest.fixture
def staff(district):
    return user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)


def _good(district, **overrides):
    fields = {
        "sign_name": "老王五金",
        "category": category("SHOP_HARDWARE"),
        "address": "陈桥街道仁和路 8 号",
        "licence_no": make_uscc(900),
        "lat": NANTONG[0],
        "lng": NANTONG[1],
        "community": district.comm_a1,
        "grid": district.grid_a1a,
        "operator_name": "王师傅",
        "operator_mobile": "+86 139 0000 1111",
        "photo": make_photo(),
    }
    fields.update(overrides)
    return fields


def test_venue_create__complete_venue(district, grid_worker):
    v = venue_create(actor=grid_worker, **_good(district))
    v.refresh_from_db()
    assert v.licence_kind == LicenceKind.USCC
    assert v.operator_mobile == "13900001111"
    assert v.org_path == district.grid_a1a.path
    assert v.geo_cell == geo.geo_cell(*NANTONG)
    assert v.elements_present == 5
    assert v.is_complete
    assert v.business_status == BusinessStatus.OPEN
    assert v.created_by == grid_worker
    assert v.photo.name.startswith("venues/photos/")
    assert v.history.get().history_user == grid_worker


def test_venue_create__community_taken_from_grid(district, grid_worker):
    fields = _good(district)
    del fields["community"]
    v = venue_create(actor=grid_worker, **fields)
    assert v.community == district.comm_a1


@pytest.mark.parametrize(
    ("leave_out", "present"),
    [
        ("photo", 4),
        ("licence_no", 4),
    ],
)
def test_venue_create__elements_present_counts_what_is_there(district, grid_worker, leave_out, present):
    fields = _good(district)
    del fields[leave_out]
    v = venue_create(actor=grid_worker, **fields)
    assert v.elements_present == present
    assert not v.is_complete
    assert v.missing_elements == [{"licence_no": "licence"}.get(leave_out, leave_out)]


def test_venue_create__other_licence_number(district, grid_worker):
    v = venue_create(actor=grid_worker, **_good(district, licence_no="jy13206020012345"))
    assert (v.licence_kind, v.licence_no) == (LicenceKind.OTHER, "JY13206020012345")
    assert v.elements_present == 5


def test_venue_create__lower_case_uscc_normalised(district, grid_worker):
    code = make_uscc(901)
    v = venue_create(actor=grid_worker, **_good(district, licence_no=" " + code.lower() + " "))
    assert v.licence_no == code


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_venue_create__gcj02_and_bd09_input_stored_as_wgs84(district, grid_worker, system):
    lat, lng = geo.from_wgs84(*NANTONG, system)
    assert geo.distance_m(lat, lng, *NANTONG) > 100  # really shifted
    v = venue_create(actor=grid_worker, coord_system=system, **_good(district, lat=lat, lng=lng))
    v.refresh_from_db()
    assert geo.distance_m(v.lat, v.lng, *NANTONG) < 0.05
    assert v.geo_cell == geo.geo_cell(v.lat, v.lng)


def test_venue_create__coordinates_as_strings(district, grid_worker):
    v = venue_create(actor=grid_worker, **_good(district, lat="32.0417", lng="120.8597"))
    assert (v.lat, v.lng) == NANTONG


def test_venue_create__without_location(district, grid_worker):
    v = venue_create(actor=grid_worker, **_good(district, lat=None, lng=None))
    assert (v.lat, v.lng, v.geo_cell) == (None, None, None)


BAD_INPUTS = [
    ("bad USCC check character", {"licence_no": "91350100M000100Y44", "licence_kind": "uscc"}, {"licence_no"}),
    ("USCC with a forbidden letter", {"licence_no": "91350100M000100I43"}, {"licence_no"}),
    ("other licence too short", {"licence_no": "AB12", "licence_kind": "other"}, {"licence_no"}),
    ("coordinates in Tokyo", {"lat": 35.6812, "lng": 139.7671}, {"lat"}),
    ("coordinates in Seoul", {"lat": 37.5665, "lng": 126.978}, {"lat"}),
    ("latitude out of range", {"lat": 91.0}, {"lat"}),
    ("latitude NaN", {"lat": float("nan")}, {"lat"}),
    ("latitude not a number", {"lat": "北纬32度"}, {"lat"}),
    ("only a latitude", {"lng": None}, {"lat"}),
    ("unknown coordinate system", {"_coord_system": "cgcs2000"}, {"coord_system"}),
    ("text file as photo", {"photo": "TEXT"}, {"photo"}),
    ("missing sign name", {"sign_name": ""}, {"sign_name"}),
    ("missing address", {"address": ""}, {"address"}),
    ("missing category", {"category": None}, {"category"}),
    ("bad operator mobile", {"operator_mobile": "0513-1234"}, {"operator_mobile"}),
    ("grid of another community", {"grid": "grid_a2a"}, {"grid"}),
    ("grid given as community", {"community": "grid_a1a", "grid": None}, {"community"}),
    ("community outside the actor's area", {"community": "comm_b1", "grid": "grid_b1a"}, {"community"}),
    ("missing sign name and bad licence", {"sign_name": "", "licence_no": "123"}, {"sign_name", "licence_no"}),
]


@pytest.mark.parametrize(("case", "change", "field_keys"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_venue_create__bad_input_refused_and_nothing_saved(district, staff, case, change, field_keys):
    from django.core.files.uploadedfile import SimpleUploadedFile

    change = dict(change)
    coord_system = change.pop("_coord_system", None)
    for key, value in list(change.items()):
        if key in ("grid", "community") and isinstance(value, str):
            change[key] = getattr(district, value)
        if key == "photo" and value == "TEXT":
            change[key] = SimpleUploadedFile("photo.jpg", b"not an image\n" * 50, content_type="image/jpeg")
    with pytest.raises(InvalidInput) as exc:
        venue_create(actor=staff, coord_system=coord_system, **_good(district, **change))
    assert exc.value.code == "invalid"
    assert set(exc.value.fields) == field_keys
    assert all(exc.value.fields[k] for k in field_keys)
    assert Venue.objects.count() == 0


def test_venue_create__unknown_field_refused(district, staff):
    with translation.override("en"), pytest.raises(InvalidInput) as exc:
        venue_create(actor=staff, elements_present=5, **_good(district))
    assert exc.value.code == "invalid"
    assert "elements_present" in str(exc.value.message)
    assert Venue.objects.count() == 0


def test_venue_create__grid_worker_only_in_own_grid(district, grid_worker):
    with pytest.raises(InvalidInput) as exc:
        venue_create(actor=grid_worker, **_good(district, grid=district.grid_a1b))
    assert set(exc.value.fields) == {"community"}
    with pytest.raises(InvalidInput):
        venue_create(actor=grid_worker, **_good(district, grid=None))  # the whole community is not theirs
    assert Venue.objects.count() == 0


@pytest.mark.parametrize("who", ["merchant", "fire viewer", "no role"])
def test_venue_create__merchant_or_department_viewer_cannot_register(district, who):
    if who == "merchant":
        actor = user_with_role(Role.MERCHANT, district.comm_a1)
        VenueMerchant.objects.create(venue=venue(district.comm_a1, district.grid_a1a), user=actor)
    elif who == "fire viewer":
        actor = user_with_role(
            Role.DEPARTMENT_VIEWER, district.street_a, department=Department.objects.get(code="FIRE")
        )
    else:
        actor = UserFactory()
    before = Venue.objects.count()
    with pytest.raises(NotAllowed) as exc:
        venue_create(actor=actor, **_good(district))
    assert exc.value.code == "cannot_register_venue"
    assert Venue.objects.count() == before


def test_venue_create__grid_worker_and_inspector_must_serve_the_community(district):
    from venuesafe.accounts.models import Role
    from venuesafe.core.errors import InvalidInput
    from venuesafe.testing.factories import category, make_uscc, user_with_role
    from venuesafe.venues.models import Venue
    from venuesafe.venues.services import venue_create

    office = user_with_role(Role.STREET_OFFICE, district.street_a)
    worker_here = user_with_role(Role.GRID_WORKER, district.grid_a1a)
    worker_elsewhere = user_with_role(Role.GRID_WORKER, district.grid_b1a)
    inspector_of_street = user_with_role(Role.INSPECTOR, district.street_a)
    fields = {
        "sign_name": "责任人测试店",
        "category": category("SHOP"),
        "address": "陈桥路1号",
        "licence_no": make_uscc(777),
        "community": district.comm_a1,
        "grid": district.grid_a1a,
    }

    with pytest.raises(InvalidInput) as exc:
        venue_create(actor=office, grid_worker=worker_elsewhere, **fields)
    assert set(exc.value.fields) == {"grid_worker"}
    with pytest.raises(InvalidInput) as exc:
        venue_create(actor=office, inspector=worker_here, **fields)  # a grid worker, not an inspector
    assert set(exc.value.fields) == {"inspector"}
    assert not Venue.objects.filter(sign_name="责任人测试店").exists()

    created = venue_create(actor=office, grid_worker=worker_here, inspector=inspector_of_street, **fields)
    assert created.grid_worker == worker_here and created.inspector == inspector_of_street
