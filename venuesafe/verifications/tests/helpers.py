"""Helpers for the instant-response tests: street A with the people of the instant response and one archived venue."""

from __future__ import annotations

import datetime as dt
import uuid

from venuesafe.accounts.models import Role
from venuesafe.core.positions import Position
from venuesafe.testing.factories import category, user_with_role, venue

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# One metre of latitude in degrees (haversine with the mean Earth radius).
M = 1 / 111194.93

BASE_LAT, BASE_LNG = 32.0500, 120.8500


def north(metres: float, lat: float = BASE_LAT, lng: float = BASE_LNG) -> Position:
    return Position(round(lat + metres * M, 7), lng, 5.0)


class World:
    def __init__(self, d):
        self.d = d
        self.shop = category("SHOP")
        self.admin = user_with_role(Role.DISTRICT_ADMIN, d.district, full_name="区管理员")
        self.street = user_with_role(Role.STREET_OFFICE, d.street_a, full_name="陈桥综安办")
        self.street_b = user_with_role(Role.STREET_OFFICE, d.street_b, full_name="幸福综安办")
        self.comm = user_with_role(Role.COMMUNITY_STAFF, d.comm_a1, full_name="仁和专员")
        self.comm_a2 = user_with_role(Role.COMMUNITY_STAFF, d.comm_a2, full_name="天和专员")
        self.inspector = user_with_role(Role.INSPECTOR, d.grid_a1a, full_name="巡查员甲")
        self.grid_worker = user_with_role(Role.GRID_WORKER, d.grid_a1a, full_name="网格员甲")
        self.inspector_a2 = user_with_role(Role.INSPECTOR, d.grid_a2a, full_name="巡查员丙")
        self.merchant = user_with_role(Role.MERCHANT, d.comm_a1, full_name="店主")
        self.venue = venue(d.comm_a1, d.grid_a1a, sign_name="老王面馆", lat=BASE_LAT, lng=BASE_LNG)
        # Far enough (≈1.1 km east) not to be "near"; grid A2a.
        self.venue_a2 = venue(d.comm_a2, d.grid_a2a, sign_name="天和超市", lat=BASE_LAT, lng=BASE_LNG + 0.012)


def cid() -> str:
    return str(uuid.uuid4())
