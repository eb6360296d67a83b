"""A street with everyone who takes part in the hazard loop, and work orders in any state.

Shared by the hazard, inspection and notice tests; every step goes through the services.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from venuesafe.accounts.models import Role
from venuesafe.hazards import services
from venuesafe.hazards.catalogue_data import ensure_reference_data
from venuesafe.hazards.models import Hazard, HazardState
from venuesafe.notices.models import Notice
from venuesafe.org.models import Department
from venuesafe.testing.factories import District, found_hazard, make_photo, user_with_role, venue
from venuesafe.venues.models import VenueMerchant

S = HazardState
UTC = dt.UTC

# Monday 2 March 2026, 08:00 in Shanghai: the clock every controlled-clock test starts from.
T0 = dt.datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


class World:
    """District() plus the people of street A and one venue in grid A1a held by a merchant."""

    def __init__(self, district: District | None = None):
        d = self.d = district or District()
        ensure_reference_data()  # categories, catalogue, checklists: a transactional test may have flushed them
        self.admin = user_with_role(Role.DISTRICT_ADMIN, d.district, full_name="区管理员")
        self.street = user_with_role(Role.STREET_OFFICE, d.street_a, full_name="陈桥综安办")
        self.street_b = user_with_role(Role.STREET_OFFICE, d.street_b, full_name="幸福综安办")
        self.comm = user_with_role(Role.COMMUNITY_STAFF, d.comm_a1, full_name="仁和专员")
        self.comm_a2 = user_with_role(Role.COMMUNITY_STAFF, d.comm_a2, full_name="天和专员")
        self.grid_worker = user_with_role(Role.GRID_WORKER, d.grid_a1a, full_name="仁和网格员")
        self.inspector = user_with_role(Role.INSPECTOR, d.grid_a1a, full_name="巡查员甲")
        self.inspector2 = user_with_role(Role.INSPECTOR, d.comm_a1, full_name="巡查员乙")
        self.merchant = user_with_role(Role.MERCHANT, d.comm_a1, full_name="店主")
        self.other_merchant = user_with_role(Role.MERCHANT, d.comm_a1, full_name="邻店店主")
        self.fire = Department.objects.get(code="FIRE")
        self.fire_viewer = user_with_role(Role.DEPARTMENT_VIEWER, d.street_a, department=self.fire, full_name="消防")
        self.venue = venue(d.comm_a1, d.grid_a1a, grid_worker=self.grid_worker, inspector=self.inspector)
        VenueMerchant.objects.create(venue=self.venue, user=self.merchant)
        self.other_venue = venue(d.comm_a1, d.grid_a1a)
        VenueMerchant.objects.create(venue=self.other_venue, user=self.other_merchant)

    # --- work orders in a given state, built through the services -------------------------

    def found(self, code: str = "EVA-01", venue=None, **kwargs) -> Hazard:
        return found_hazard(venue or self.venue, self.inspector, code, **kwargs)

    def hazard_in(self, state: str, code: str = "EVA-01", venue=None) -> Hazard:
        h = self.found(code, venue)
        if state == S.FOUND:
            return h
        if state == S.WITHDRAWN:
            return services.hazard_withdraw(hazard=h, actor=self.street, reason="误录")
        services.hazard_dispatch(hazard=h, actor=self.comm, party=services.ResponsibleParty(merchant=True))
        if state == S.DISPATCHED:
            return h
        merchant = VenueMerchant.objects.filter(venue=h.venue).first().user
        services.hazard_acknowledge(hazard=h, actor=merchant)
        if state == S.RECTIFYING:
            return h
        services.hazard_submit_proof(hazard=h, actor=merchant, photos=[make_photo("after.jpg")], note="已清理")
        if state == S.AWAITING_REVIEW:
            return h
        services.hazard_review_pass(hazard=h, actor=self.inspector, note="通道畅通")
        assert state == S.CLOSED, state
        return h


def snapshot(hazard: Hazard) -> dict:
    """Everything a refused transition must leave as it was."""
    h = Hazard.objects.get(pk=hazard.pk)
    return {
        "state": h.state,
        "version": h.version,
        "deadline": h.deadline,
        "updated_at": h.updated_at,
        "closed_at": h.closed_at,
        "escalation_level": h.escalation_level,
        "responsible": (h.responsible_merchant, h.responsible_community_id, h.responsible_department_id),
        "review_failures": h.review_failures,
        "events": h.events.count(),
        "photos": h.photos.count(),
        "notices": Notice.objects.filter(hazard=h).count(),
    }


@pytest.fixture
def clock_at():
    """Move the (frozen) clock to a time; each call replaces the previous travel."""
    travellers: list = []

    def go(when: dt.datetime) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(when, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()
