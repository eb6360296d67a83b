"""People of street A and work orders in any state, built through the services, for the page tests."""

from __future__ import annotations

import pytest

from venuesafe.accounts.models import Role
from venuesafe.hazards import services
from venuesafe.hazards.models import Hazard, HazardState
from venuesafe.testing.factories import category, found_hazard, make_photo, user_with_role, venue
from venuesafe.venues.models import VenueMerchant

S = HazardState


class Loop:
    def __init__(self, d):
        self.d = d
        category("SHOP")
        self.admin = user_with_role(Role.DISTRICT_ADMIN, d.district, full_name="区管理员")
        self.street = user_with_role(Role.STREET_OFFICE, d.street_a, full_name="陈桥综安办")
        self.comm = user_with_role(Role.COMMUNITY_STAFF, d.comm_a1, full_name="仁和专员")
        self.comm_a2 = user_with_role(Role.COMMUNITY_STAFF, d.comm_a2, full_name="天和专员")
        self.inspector = user_with_role(Role.INSPECTOR, d.grid_a1a, full_name="巡查员甲")
        self.inspector2 = user_with_role(Role.INSPECTOR, d.comm_a1, full_name="巡查员乙")
        self.merchant = user_with_role(Role.MERCHANT, d.comm_a1, full_name="店主")
        self.venue = venue(d.comm_a1, d.grid_a1a, sign_name="老王面馆", inspector=self.inspector)
        VenueMerchant.objects.create(venue=self.venue, user=self.merchant)
        self.venue_a2 = venue(d.comm_a2, d.grid_a2a, sign_name="天和超市")

    def found(self, code: str = "EVA-01", venue=None, **kwargs) -> Hazard:
        venue = venue or self.venue
        # The inspector patrols grid A1a; elsewhere the district admin records the hazard.
        actor = self.inspector if venue.org_path.startswith(self.d.grid_a1a.path) else self.admin
        return found_hazard(venue, actor, code, **kwargs)

    def hazard_in(self, state: str, code: str = "EVA-01", venue=None) -> Hazard:
        h = self.found(code, venue)
        if state == S.FOUND:
            return h
        if state == S.WITHDRAWN:
            return services.hazard_withdraw(hazard=h, actor=self.street, reason="误录")
        services.hazard_dispatch(hazard=h, actor=self.comm, party=services.ResponsibleParty(merchant=True))
        if state == S.DISPATCHED:
            return h
        services.hazard_acknowledge(hazard=h, actor=self.merchant)
        if state == S.RECTIFYING:
            return h
        services.hazard_submit_proof(hazard=h, actor=self.merchant, photos=[make_photo("after.jpg")], note="已清理")
        if state == S.AWAITING_REVIEW:
            return h
        services.hazard_review_pass(hazard=h, actor=self.inspector, note="通道畅通")
        assert state == S.CLOSED, state
        return h


@pytest.fixture
def loop(district):
    return Loop(district)
