import pytest

from venuesafe.testing.factories import Role, user_with_role


@pytest.fixture
def street_a_office(district):
    return user_with_role(Role.STREET_OFFICE, district.street_a)


@pytest.fixture
def a1_staff(district):
    return user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)


@pytest.fixture
def a1a_worker(district):
    return user_with_role(Role.GRID_WORKER, district.grid_a1a)
