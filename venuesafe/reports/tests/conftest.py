"""Fixtures for the resident-report tests (not autouse: the Open311 tests below share this folder)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from venuesafe.accounts.models import Role
from venuesafe.reports.models import ReportCategory
from venuesafe.reports.reference_data import ensure_categories
from venuesafe.testing.factories import District, user_with_role, venue

# Two venues 2 km apart: one in community A1, one in community A2.
A1_POINT = (32.0500, 120.8500)
A2_POINT = (32.0680, 120.8500)


@dataclass
class ReportWorld:
    d: District
    staff_a1: object
    staff_a2: object
    street_a: object
    street_b: object
    inspector_a1: object
    venue_a1: object
    venue_a2: object
    fire_exit: ReportCategory
    other: ReportCategory


@pytest.fixture
def report_world(db) -> ReportWorld:
    cache.clear()
    ensure_categories()
    d = District()
    return ReportWorld(
        d=d,
        staff_a1=user_with_role(Role.COMMUNITY_STAFF, d.comm_a1),
        staff_a2=user_with_role(Role.COMMUNITY_STAFF, d.comm_a2),
        street_a=user_with_role(Role.STREET_OFFICE, d.street_a),
        street_b=user_with_role(Role.STREET_OFFICE, d.street_b),
        inspector_a1=user_with_role(Role.INSPECTOR, d.comm_a1),
        venue_a1=venue(d.comm_a1, d.grid_a1a, lat=A1_POINT[0], lng=A1_POINT[1], sign_name="仁和小吃"),
        venue_a2=venue(d.comm_a2, d.grid_a2a, lat=A2_POINT[0], lng=A2_POINT[1], sign_name="天和超市"),
        fire_exit=ReportCategory.objects.get(code="fire-exit"),
        other=ReportCategory.objects.get(code="other"),
    )
