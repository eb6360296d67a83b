"""A street built for the big screen's figures, every answer known in advance.

Rows are written directly (not through the services) so each timestamp can sit exactly where a
figure's boundary is: the new year, a Shanghai midnight, a deadline. The screen only reads these
columns, as the services write them.

The clock: NOW is Saturday 10 January 2026, 10:00 in Shanghai (02:00 UTC), so a day or a year
counted in UTC instead of Shanghai time gives other answers.
"""

from __future__ import annotations

import datetime as dt
import uuid

from venuesafe.accounts.models import Role
from venuesafe.dashboard.rollup import hazard_pairs, recompute
from venuesafe.hazards.catalogue_data import ensure_reference_data
from venuesafe.hazards.models import EventKind, Hazard, HazardEvent, HazardState
from venuesafe.inspections.models import Inspection, LocationStatus
from venuesafe.risk.models import VenueRisk
from venuesafe.selfchecks.models import SelfCheck
from venuesafe.testing.factories import District, hazard_type, user_with_role, venue
from venuesafe.venues.models import BusinessStatus, VenueMerchant

SH = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 1, 10, 10, 0, tzinfo=SH)
TODAY = dt.date(2026, 1, 10)
S = HazardState


def sh(*args) -> dt.datetime:
    """A Shanghai wall-clock time."""
    return dt.datetime(*args, tzinfo=SH)


class ScreenWorld:
    """Street A (陈桥街道): communities A1 (仁和) and A2 (天和); street B's B1 (幸福) is elsewhere.

    Venues (all located unless said): A1 — v1 complete, merchant, red; v2 open, merchant, no licence
    (incomplete), orange; v3 deregistered, complete, merchant, red; v4 open, complete, no merchant,
    not located. A2 — v5 open, complete, merchant, blue; v6 suspended, complete, merchant.
    B1 — v7 open, complete, merchant, red.
    """

    def __init__(self, district: District | None = None):
        d = self.d = district or District()
        ensure_reference_data()
        self.admin = user_with_role(Role.DISTRICT_ADMIN, d.district, full_name="区管理员")
        self.street = user_with_role(Role.STREET_OFFICE, d.street_a, full_name="陈桥综安办")
        self.street_b = user_with_role(Role.STREET_OFFICE, d.street_b, full_name="幸福综安办")
        self.comm = user_with_role(Role.COMMUNITY_STAFF, d.comm_a1, full_name="仁和专员")
        self.inspector = user_with_role(Role.INSPECTOR, d.comm_a1, full_name="巡查员甲")
        self.inspector_b = user_with_role(Role.INSPECTOR, d.comm_b1, full_name="巡查员丙")
        self.merchant = user_with_role(Role.MERCHANT, d.comm_a1, full_name="店主")

        photo = "venues/photos/door.jpg"
        self.v1 = self._venue(d.comm_a1, d.grid_a1a, "仁和一号店", photo=photo)
        self.v2 = self._venue(d.comm_a1, d.grid_a1b, "仁和二号店", photo=photo, licence_kind="", licence_no="")
        self.v3 = self._venue(d.comm_a1, d.grid_a1a, "仁和三号店", photo=photo, business_status=BusinessStatus.CLOSED)
        self.v4 = self._venue(d.comm_a1, d.grid_a1b, "仁和四号店", photo=photo, lat=None, lng=None, merchant=False)
        self.v5 = self._venue(d.comm_a2, d.grid_a2a, "天和一号店", photo=photo)
        self.v6 = self._venue(
            d.comm_a2, d.grid_a2a, "天和二号店", photo=photo, business_status=BusinessStatus.SUSPENDED
        )
        self.v7 = self._venue(d.comm_b1, d.grid_b1a, "幸福一号店", photo=photo)
        for v, level in ((self.v1, "red"), (self.v2, "orange"), (self.v3, "red"), (self.v5, "blue"), (self.v7, "red")):
            VenueRisk.objects.create(venue=v, level=level, score=1, org_path=v.org_path)

    def _venue(self, community, grid, name, *, merchant: bool = True, **fields):
        v = venue(community, grid, sign_name=name, **fields)
        if merchant:
            VenueMerchant.objects.create(venue=v, user=self.merchant)
        return v

    # --- rows ------------------------------------------------------------------------------

    def hazard(
        self,
        v,
        code: str,
        found_at: dt.datetime,
        state: str,
        *,
        deadline: dt.datetime | None = None,
        closed_at: dt.datetime | None = None,
    ) -> Hazard:
        """A work order with its `found` event and, when closed, its `review_passed` event."""
        h = Hazard.objects.create(
            venue=v,
            hazard_type=hazard_type(code),
            severity="general",
            state=state,
            source="inspection",
            found_by=self.inspector,
            found_at=found_at,
            deadline=deadline,
            closed_at=closed_at,
            org_path=v.org_path,
            community=v.community,
            category=v.category,
            created_at=found_at,
            updated_at=closed_at or found_at,
        )
        HazardEvent.objects.create(hazard=h, kind=EventKind.FOUND, to_state=S.FOUND, actor=self.inspector, at=found_at)
        if closed_at is not None:
            HazardEvent.objects.create(
                hazard=h,
                kind=EventKind.REVIEW_PASSED,
                from_state=S.AWAITING_REVIEW,
                to_state=S.CLOSED,
                actor=self.inspector,
                at=closed_at,
            )
        recompute(hazard_pairs(h))  # a row written past the services: its rollup days by hand
        return h

    def inspection(self, v, ended_at: dt.datetime, inspector=None) -> Inspection:
        return Inspection.objects.create(
            client_id=uuid.uuid4(),
            venue=v,
            inspector=inspector or self.inspector,
            started_at=ended_at - dt.timedelta(minutes=20),
            ended_at=ended_at,
            location_status=LocationStatus.ON_SITE,
            org_path=v.org_path,
            community=v.community,
            category=v.category,
        )

    def self_check(self, v, day: dt.date) -> SelfCheck:
        return SelfCheck.objects.create(
            client_id=uuid.uuid4(),
            venue=v,
            merchant=self.merchant,
            day=day,
            submitted_at=dt.datetime.combine(day, dt.time(9), tzinfo=SH),
            org_path=v.org_path,
            community=v.community,
            grid=v.grid,
            category=v.category,
        )

    # --- the story ---------------------------------------------------------------------------

    def populate(self) -> ScreenWorld:
        """Hazards, inspections and punch-ins with the answers listed in EXPECTED."""
        v1, v2, v5, v7 = self.v1, self.v2, self.v5, self.v7
        # Found last year (Shanghai), closed 30 minutes into the new year: closed this year, on time, 1 h.
        # In UTC both fall on 31 December.
        self.h_new_year = self.hazard(
            v1,
            "EXT-01",
            sh(2025, 12, 31, 23, 30),
            S.CLOSED,
            deadline=sh(2026, 1, 2, 0, 0),
            closed_at=sh(2026, 1, 1, 0, 30),
        )
        # Closed two minutes before the new year: in no figure of this year.
        self.h_last_year = self.hazard(
            v1,
            "EXT-01",
            sh(2025, 12, 1, 9, 0),
            S.CLOSED,
            deadline=sh(2026, 1, 1, 0, 0),
            closed_at=sh(2025, 12, 31, 23, 58),
        )
        # Found 2 Jan 07:00 Shanghai (1 Jan in UTC), closed a day after its deadline: late, 48 h.
        self.h_late = self.hazard(
            v2, "EVA-02", sh(2026, 1, 2, 7, 0), S.CLOSED, deadline=sh(2026, 1, 3, 7, 0), closed_at=sh(2026, 1, 4, 7, 0)
        )
        # No deadline: closed on time, 6 h.
        self.h_no_deadline = self.hazard(v5, "EVA-02", sh(2026, 1, 5, 8, 0), S.CLOSED, closed_at=sh(2026, 1, 5, 14, 0))
        # Open, deadline ahead.
        self.h_open = self.hazard(v1, "EVA-02", sh(2026, 1, 8, 8, 0), S.DISPATCHED, deadline=sh(2026, 1, 20, 8, 0))
        # Open, deadline passed yesterday.
        self.h_overdue = self.hazard(v5, "ELE-01", sh(2026, 1, 6, 8, 0), S.RECTIFYING, deadline=sh(2026, 1, 9, 8, 0))
        # Open since last year and overdue: open and overdue, not found this year.
        self.h_old_open = self.hazard(v1, "EXT-01", sh(2025, 11, 1, 9, 0), S.AWAITING_REVIEW, deadline=sh(2025, 11, 10))
        # Withdrawn: counted nowhere.
        self.h_withdrawn = self.hazard(v1, "EBK-01", sh(2026, 1, 7, 9, 0), S.WITHDRAWN, deadline=sh(2026, 1, 8, 9, 0))
        # Street B: never on street A's screen.
        self.h_other = self.hazard(v7, "EBK-01", sh(2026, 1, 9, 9, 0), S.FOUND, deadline=sh(2026, 1, 9, 10, 0))

        # Inspections across two midnights: the new year's and today's.
        self.i_last_year = self.inspection(v1, sh(2025, 12, 31, 23, 59))
        self.i_new_year = self.inspection(v2, sh(2026, 1, 1, 0, 1))
        self.i_yesterday = self.inspection(v5, sh(2026, 1, 9, 23, 59))
        self.i_today = self.inspection(v1, sh(2026, 1, 10, 0, 1))
        self.i_other = self.inspection(v7, sh(2026, 1, 10, 9, 0), inspector=self.inspector_b)

        # Punch-ins: v1 and v5 today, v2 only yesterday; v3 (deregistered), v6 (suspended) and
        # v7 (street B) today, none of them counted on street A's screen.
        for v in (self.v1, self.v5, self.v3, self.v6, self.v7):
            self.self_check(v, TODAY)
        self.self_check(self.v2, TODAY - dt.timedelta(days=1))
        return self


# Street A at NOW.
EXPECTED_STREET = {
    "venues": {"archived": 6, "in_business": 5, "complete": 4, "completeness_rate": 0.8},
    "inspections": {"today": 1, "this_month": 3},
    "hazards": {
        "found_this_year": 4,  # late, no deadline, open, overdue
        "closed_this_year": 3,  # new year, late, no deadline
        "closed_on_time": 2,  # new year, no deadline
        "on_time_rate": 0.6667,
        "mean_rectification_hours": 18.3,  # (1 + 48 + 6) / 3
        "open": 3,  # open, overdue, old open
        "overdue": 2,  # overdue, old open
    },
    "self_checks": {"expected": 3, "punched": 2, "rate": 0.6667},  # v1, v2, v5; v1 and v5 punched
    "risk_levels": {"red": 1, "orange": 1, "yellow": 0, "blue": 1},  # v1, v2, v5 (v3 deregistered)
}
