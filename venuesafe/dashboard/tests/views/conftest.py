"""Street A of the test district with hazards in several states, built through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from venuesafe.accounts.models import Role
from venuesafe.core import clock
from venuesafe.hazards import services
from venuesafe.hazards.models import Hazard
from venuesafe.testing.factories import category, found_hazard, make_photo, user_with_role, venue


class Street:
    def __init__(self, d):
        self.d = d
        category("SHOP")
        self.admin = user_with_role(Role.DISTRICT_ADMIN, d.district, full_name="区管理员")
        self.street = user_with_role(Role.STREET_OFFICE, d.street_a, full_name="陈桥综安办")
        self.comm_a1 = user_with_role(Role.COMMUNITY_STAFF, d.comm_a1, full_name="仁和专员")
        self.comm_a2 = user_with_role(Role.COMMUNITY_STAFF, d.comm_a2, full_name="天和专员")
        self.inspector = user_with_role(Role.INSPECTOR, d.grid_a1a, full_name="巡查员甲")
        self.merchant = user_with_role(Role.MERCHANT, d.comm_a1, full_name="店主")
        self.venue_a1 = venue(d.comm_a1, d.grid_a1a, sign_name="老王面馆")
        self.venue_a2 = venue(d.comm_a2, d.grid_a2a, sign_name="天和超市")
        self.venue_b1 = venue(d.comm_b1, d.grid_b1a, sign_name="幸福烧烤")

    def found(self, place, code: str = "EVA-01") -> Hazard:
        return found_hazard(place, self.admin, code)

    def dispatched(self, place, code: str = "EVA-01") -> Hazard:
        h = self.found(place, code)
        community = place.community
        return services.hazard_dispatch(
            hazard=h, actor=self.street, party=services.ResponsibleParty(community=community)
        )

    def closed(self, place, code: str = "EVA-01") -> Hazard:
        h = self.dispatched(place, code)
        helper = self.comm_a1 if place.community_id == self.d.comm_a1.pk else self.comm_a2
        services.hazard_submit_proof(hazard=h, actor=helper, photos=[make_photo("after.jpg")], note="已整改")
        return services.hazard_review_pass(hazard=h, actor=self.street, note="复核通过")

    def overdue(self, place, code: str = "EVA-03") -> Hazard:
        h = self.dispatched(place, code)
        Hazard.objects.filter(pk=h.pk).update(deadline=clock.now() - dt.timedelta(hours=2))
        return h


@pytest.fixture
def street(district):
    """One closed, one dispatched and one overdue hazard in 仁和社区, one found in 天和社区 and one
    in the other street's 幸福社区."""
    s = Street(district)
    s.closed(s.venue_a1, "EVA-01")
    s.dispatched(s.venue_a1, "EVA-02")
    s.overdue(s.venue_a1, "EVA-03")
    s.found(s.venue_a2, "EVA-04")
    s.found(s.venue_b1, "EVA-01")
    return s
