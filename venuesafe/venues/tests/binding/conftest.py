import pytest

from venuesafe.accounts.models import Role
from venuesafe.testing.factories import user_with_role, venue
from venuesafe.venues.models import BindingCode
from venuesafe.venues.services import binding_code_issue


class Binding:
    """A shop in grid A1a that no merchant holds yet, its grid worker, and staff elsewhere."""

    def __init__(self, district):
        self.district = district
        self.grid_worker = user_with_role(Role.GRID_WORKER, district.grid_a1a, full_name="网格员小张")
        self.shop = venue(district.comm_a1, district.grid_a1a, sign_name="钱记杂货", grid_worker=self.grid_worker)
        self.other_staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_b1)

    def code(self) -> BindingCode:
        return binding_code_issue(venue=self.shop, actor=self.grid_worker)


@pytest.fixture
def binding(district):
    return Binding(district)
