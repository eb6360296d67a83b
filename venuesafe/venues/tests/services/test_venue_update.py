import pytest
from django.utils import translation

from venuesafe.accounts.models import Role
from venuesafe.core import geo
from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.org.models import Department
from venuesafe.testing.factories import category, make_photo, user_with_role, venue
from venuesafe.venues.models import BusinessStatus, Venue, VenueMerchant
from venuesafe.venues.selectors import venue_history
from venuesafe.venues.services import venue_close, venue_create, venue_merchant_add, venue_update


@pytest.fixture
def staff(district):
    return user_with_role(Role.COMMUNITY_STAFF, district.comm_a1, full_name="李社区")


@pytest.fixture
def inspector(district):
    return user_with_role(Role.INSPECTOR, district.grid_a1a, full_name="赵巡查")


@pytest.fixture
def shop(district, staff):
    return venue_create(
        actor=staff,
        sign_name="仁和便利店",
        category=category("SHOP_MARKET"),
        address="仁和路 1 号",
        licence_no="JY13206020012345",
        lat=32.0417,
        lng=120.8597,
        community=district.comm_a1,
        grid=district.grid_a1a,
    )


def test_venue_update__history_records_actor_and_change(shop, inspector):
    venue_update(venue=shop, actor=inspector, address="仁和路 3 号")
    shop.refresh_from_db()
    assert shop.address == "仁和路 3 号"
    latest = shop.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == inspector
    assert latest.history_type == "~"

    with translation.override("en"):
        entries = venue_history(venue=shop)
    assert [e.kind for e in entries] == ["~", "+"]
    assert entries[0].actor == "赵巡查"
    assert entries[1].actor == "李社区"
    changes = {c.field: c for c in entries[0].changes}
    assert set(changes) == {"address"}
    assert (changes["address"].old, changes["address"].new) == ("仁和路 1 号", "仁和路 3 号")
    assert changes["address"].label == "address"
    assert entries[1].changes == []


def test_venue_update__several_fields_in_one_entry(shop, staff):
    venue_update(venue=shop, actor=staff, sign_name="仁和超市", operator_mobile="139 1234 5678", floor_area_m2=80)
    entry = venue_history(venue=shop)[0]
    assert {c.field: (c.old, c.new) for c in entry.changes} == {
        "sign_name": ("仁和便利店", "仁和超市"),
        "operator_mobile": ("", "13912345678"),
        "floor_area_m2": ("", "80"),
    }


def test_venue_update__refreshes_caller_instance_and_elements(shop, staff):
    assert shop.elements_present == 4  # no photo yet
    venue_update(venue=shop, actor=staff, photo=make_photo())
    assert shop.elements_present == 5  # the caller's instance is refreshed
    assert Venue.objects.get(pk=shop.pk).is_complete


def test_venue_update__bad_input_leaves_the_row_unchanged(shop, staff):
    with pytest.raises(InvalidInput) as exc:
        venue_update(venue=shop, actor=staff, sign_name="", licence_no="91350100M000100Y44", licence_kind="uscc")
    assert set(exc.value.fields) == {"sign_name", "licence_no"}
    shop.refresh_from_db()
    assert shop.sign_name == "仁和便利店"
    assert shop.history.count() == 1


def test_venue_update__move_out_of_own_area_refused(shop, staff, district):
    with pytest.raises(InvalidInput) as exc:
        venue_update(venue=shop, actor=staff, community=district.comm_b1, grid=district.grid_b1a)
    assert set(exc.value.fields) == {"community"}
    shop.refresh_from_db()
    assert shop.community == district.comm_a1


def test_venue_update__move_within_area_updates_org_path(shop, staff, district):
    venue_update(venue=shop, actor=staff, grid=district.grid_a1b)
    shop.refresh_from_db()
    assert shop.org_path == district.grid_a1b.path


@pytest.mark.parametrize("system", ["wgs84", "gcj02", "bd09"])
def test_venue_update__location_in_any_system_stored_as_wgs84(shop, staff, system):
    target = (32.0450, 120.8650)
    lat, lng = geo.from_wgs84(*target, system)
    venue_update(venue=shop, actor=staff, coord_system=system, lat=lat, lng=lng)
    shop.refresh_from_db()
    assert geo.distance_m(shop.lat, shop.lng, *target) < 0.05
    assert shop.geo_cell == geo.geo_cell(shop.lat, shop.lng)


@pytest.mark.parametrize("system", ["wgs84", "gcj02", "bd09"])
def test_venue_update__one_coordinate_in_another_system(shop, staff, system):
    # Only the latitude sent (in `system`): the longitude kept is the stored one expressed in that same system
    # (not the stored WGS-84 value read as if it were GCJ-02/BD-09, which would move the venue by 0.4-1 km).
    _stored_lat, stored_lng_in_system = geo.from_wgs84(shop.lat, shop.lng, system)
    new_lat_in_system = geo.from_wgs84(32.0450, shop.lng, system)[0]
    expected = geo.to_wgs84(new_lat_in_system, stored_lng_in_system, system)
    venue_update(venue=shop, actor=staff, coord_system=system, lat=new_lat_in_system)
    shop.refresh_from_db()
    assert geo.distance_m(shop.lat, shop.lng, *expected) < 0.05
    assert geo.distance_m(shop.lat, shop.lng, 32.0450, 120.8597) < 1  # about where the user meant


def test_venue_update__clearing_location(shop, staff):
    venue_update(venue=shop, actor=staff, lat=None, lng=None)
    shop.refresh_from_db()
    assert (shop.lat, shop.lng, shop.geo_cell) == (None, None, None)


def test_venue_update__unknown_field_refused(shop, staff):
    with pytest.raises(InvalidInput):
        venue_update(venue=shop, actor=staff, org_path="/")


def test_venue_close__keeps_the_row(shop, inspector):
    venue_close(venue=shop, actor=inspector)
    shop.refresh_from_db()
    assert shop.business_status == BusinessStatus.CLOSED
    assert Venue.objects.filter(pk=shop.pk).exists()
    entry = venue_history(venue=shop)[0]
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("business_status", "open", "closed")]
    assert entry.actor == "赵巡查"


@pytest.mark.parametrize("who", ["merchant", "fire viewer"])
def test_venue_update__merchant_or_department_viewer_refused(shop, district, who):
    if who == "merchant":
        actor = user_with_role(Role.MERCHANT, district.comm_a1)
        VenueMerchant.objects.create(venue=shop, user=actor)
    else:
        actor = user_with_role(
            Role.DEPARTMENT_VIEWER, district.street_a, department=Department.objects.get(code="FIRE")
        )
    for call in (
        lambda: venue_update(venue=shop, actor=actor, address="x"),
        lambda: venue_close(venue=shop, actor=actor),
    ):
        with pytest.raises(NotAllowed) as exc:
            call()
        assert exc.value.code == "cannot_edit_venue"
    shop.refresh_from_db()
    assert shop.business_status == BusinessStatus.OPEN
    assert shop.history.count() == 1


def test_venue_merchant_add__staff_only(shop, staff, district):
    merchant = user_with_role(Role.MERCHANT, district.comm_a1)
    link = venue_merchant_add(venue=shop, actor=staff, merchant=merchant)
    assert venue_merchant_add(venue=shop, actor=staff, merchant=merchant) == link  # idempotent
    with pytest.raises(NotAllowed):
        venue_merchant_add(venue=shop, actor=merchant, merchant=merchant)
    other_street = user_with_role(Role.STREET_OFFICE, district.street_b)
    with pytest.raises(NotAllowed):
        venue_merchant_add(venue=venue(district.comm_a1), actor=other_street, merchant=merchant)
