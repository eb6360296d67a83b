import pytest

from venuesafe.hazards.services import hazard_record
from venuesafe.testing.factories import Role, hazard_type, make_photo, user_with_role, venue
from venuesafe.venues.models import VenueMerchant


@pytest.fixture
def worker(district):
    return user_with_role(Role.GRID_WORKER, district.grid_a1a, full_name="李网格", mobile="13800001111")


@pytest.fixture
def shop(district, worker):
    return venue(district.comm_a1, district.grid_a1a, sign_name="老王家常菜馆", grid_worker=worker)


@pytest.fixture
def merchant(district, shop):
    user = user_with_role(Role.MERCHANT, district.comm_a1)
    VenueMerchant.objects.create(venue=shop, user=user)
    return user


@pytest.fixture
def inspector(district):
    return user_with_role(Role.INSPECTOR, district.street_a)


@pytest.fixture
def street_b_office(district):
    return user_with_role(Role.STREET_OFFICE, district.street_b)


@pytest.fixture
def open_hazard(shop, inspector):
    return hazard_record(venue=shop, hazard_type=hazard_type("EVA-01"), actor=inspector, photos=[make_photo()])


@pytest.fixture
def street_a_office(district):
    return user_with_role(Role.STREET_OFFICE, district.street_a)
