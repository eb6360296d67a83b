"""Builders shared by the risk page and API tests: an inspector's grid with venues at every level,
some due and some inspected recently, and venues in the next grid and in another street."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.test import Client, TestCase

from venuesafe.accounts.models import Role, User
from venuesafe.core import clock
from venuesafe.inspections.models import Inspection, LocationStatus
from venuesafe.risk.models import VenueRisk
from venuesafe.risk.services import level_for
from venuesafe.testing.factories import District, user_with_role, venue
from venuesafe.venues.models import Venue, VenueMerchant


def set_risk(v: Venue, score: int) -> VenueRisk:
    """A stored score of `score` (one factor), as if the venue had just been scored."""
    risk, _ = VenueRisk.objects.update_or_create(
        venue=v,
        defaults={
            "score": score,
            "level": level_for(score),
            "factors": [{"key": "category", "points": score, "detail": ""}],
            "computed_at": clock.now(),
            "org_path": v.org_path,
        },
    )
    return risk


def inspected(v: Venue, inspector: User, days_ago: int) -> Inspection:
    ended = clock.now() - dt.timedelta(days=days_ago)
    return Inspection.objects.create(
        client_id=uuid.uuid4(),
        venue=v,
        inspector=inspector,
        started_at=ended - dt.timedelta(minutes=15),
        ended_at=ended,
        location_status=LocationStatus.NO_LOCATION,
        org_path=v.org_path,
        community=v.community,
        category=v.category,
    )


@dataclass
class Area:
    district: District
    inspector: User  # grid A1a
    grid_worker: User  # grid A1b
    street_office: User  # street A
    other_street_office: User  # street B
    community_staff: User  # community A1
    district_admin: User
    merchant: User  # holds `red`
    red: Venue  # A1a, score 70, never inspected
    orange: Venue  # A1a, score 45, inspected 20 days ago (due: 14)
    yellow: Venue  # A1a, score 25, never inspected
    red_recent: Venue  # A1a, score 65, inspected 3 days ago (not due: 7)
    blue_recent: Venue  # A1a, score 5, inspected 40 days ago (not due: 90)
    next_grid: Venue  # A1b, score 80, never inspected
    other_street: Venue  # B1a, score 80, never inspected


def build_area(district: District) -> Area:
    inspector = user_with_role(Role.INSPECTOR, district.grid_a1a, full_name="巡查员小李")
    g = district.grid_a1a
    c = district.comm_a1
    # Spread out along a street so that the walking order is not the risk order.
    red = venue(c, g, sign_name="红店", lat=32.0500, lng=120.8500)
    orange = venue(c, g, sign_name="橙店", lat=32.0500, lng=120.8560)
    yellow = venue(c, g, sign_name="黄店", lat=32.0500, lng=120.8520)
    red_recent = venue(c, g, sign_name="刚查过的红店", lat=32.0500, lng=120.8510)
    blue_recent = venue(c, g, sign_name="蓝店", lat=32.0500, lng=120.8530)
    next_grid = venue(c, district.grid_a1b, sign_name="隔壁网格", lat=32.0500, lng=120.8505)
    other_street = venue(district.comm_b1, district.grid_b1a, sign_name="别的街道", lat=32.0600, lng=120.8600)
    # Run the re-score the inspections queue now: a callback still pending at the end of the
    # fixture would make risk.signals skip the re-score of a later hazard in the same test.
    with TestCase.captureOnCommitCallbacks(execute=True):
        inspected(orange, inspector, 20)
        inspected(red_recent, inspector, 3)
        inspected(blue_recent, inspector, 40)
    for v, score in (
        (red, 70),
        (orange, 45),
        (yellow, 25),
        (red_recent, 65),
        (blue_recent, 5),
        (next_grid, 80),
        (other_street, 80),
    ):
        set_risk(v, score)
    merchant = user_with_role(Role.MERCHANT, c)
    VenueMerchant.objects.create(venue=red, user=merchant)
    return Area(
        district=district,
        inspector=inspector,
        grid_worker=user_with_role(Role.GRID_WORKER, district.grid_a1b),
        street_office=user_with_role(Role.STREET_OFFICE, district.street_a),
        other_street_office=user_with_role(Role.STREET_OFFICE, district.street_b),
        community_staff=user_with_role(Role.COMMUNITY_STAFF, c),
        district_admin=user_with_role(Role.DISTRICT_ADMIN, district.district),
        merchant=merchant,
        red=red,
        orange=orange,
        yellow=yellow,
        red_recent=red_recent,
        blue_recent=blue_recent,
        next_grid=next_grid,
        other_street=other_street,
    )


def logged_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def attr_values(html: str, attr: str) -> list[str]:
    return re.findall(rf'{attr}="([^"]*)"', html)


def patrol_rows(html: str) -> list[tuple[int, int]]:
    """(order, venue id) of each stop of #patrol-list, in page order."""
    block = html.split('id="patrol-list"', 1)[1].split("</ol>", 1)[0]
    return [(int(order), int(vid)) for vid, order in re.findall(r'data-venue-id="(\d+)" data-order="(\d+)"', block)]
