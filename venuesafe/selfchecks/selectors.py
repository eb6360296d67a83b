"""Scoped reads of self-checks and their figures.

Which venues are expected to punch in: open venues with at least one merchant account bound
(a venue nobody can log in for cannot punch in). Days are Asia/Shanghai calendar days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.org.models import OrgUnit
from venuesafe.venues.models import BusinessStatus, Venue, VenueCategory, VenueMerchant

from .models import SelfCheck, SelfCheckItem


def items_for_venue(venue: Venue) -> QuerySet[SelfCheckItem]:
    """The venue's self-check: the common items plus those of its category (or the category's parent)."""
    ids = [venue.category_id] + ([venue.category.parent_id] if venue.category.parent_id else [])
    return (
        SelfCheckItem.objects.filter(Q(applies_to_all=True) | Q(categories__in=ids), is_active=True)
        .distinct()
        .select_related("hazard_type")
        .order_by("sort_order", "code")
    )


def self_check_filter(user: User) -> Q:
    """Self-checks a user may see: staff and department viewers by area, merchants their own venues."""
    return user_scope(user=user).area_filter()


def self_check_list(
    *, user: User, venue_id: int | None = None, day: dt.date | None = None, merchant_id: int | None = None
) -> QuerySet[SelfCheck]:
    qs = SelfCheck.objects.filter(self_check_filter(user))
    if venue_id is not None:
        qs = qs.filter(venue_id=venue_id)
    if day is not None:
        qs = qs.filter(day=day)
    if merchant_id is not None:
        qs = qs.filter(merchant_id=merchant_id)
    return qs.order_by("-day", "-submitted_at", "-id")


def expected_venues(*, user: User | None = None, org_unit: OrgUnit | None = None) -> QuerySet[Venue]:
    """Open venues with a merchant account: those expected to punch in every day."""
    qs = Venue.objects.filter(business_status=BusinessStatus.OPEN).filter(
        Exists(VenueMerchant.objects.filter(venue_id=OuterRef("pk")))
    )
    if user is not None:
        qs = qs.filter(user_scope(user=user).venue_filter())
    if org_unit is not None:
        qs = qs.filter(org_path__startswith=org_unit.path)
    return qs


def venues_missing_punch_in(*, day: dt.date, user: User | None = None, org_unit: OrgUnit | None = None):
    punched = SelfCheck.objects.filter(venue_id=OuterRef("pk"), day=day)
    return (
        expected_venues(user=user, org_unit=org_unit)
        .exclude(Exists(punched))
        .select_related("category", "community", "grid", "grid_worker")
        .order_by("org_path", "sign_name", "id")
    )


def grid_worker_missing_list(*, user: User, day: dt.date | None = None):
    """For a grid worker (or anyone on staff): the venues in their area not punched in on `day`."""
    scope = user_scope(user=user)
    q = Q(pk__in=[]) if not scope.is_superuser else Q()
    for a in scope.assignments:
        if a.role in (Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_OFFICE, Role.DISTRICT_ADMIN, Role.INSPECTOR):
            q |= Q(org_path__startswith=a.org_unit.path)
    return venues_missing_punch_in(day=day or clock.local_today()).filter(q)


def todays_self_check(*, venue: Venue, day: dt.date | None = None) -> SelfCheck | None:
    """The current (latest) revision of the day's punch-in."""
    return (
        SelfCheck.objects.filter(venue=venue, day=day or clock.local_today())
        .prefetch_related("answers__item", "answers__hazard")
        .order_by("-revision")
        .first()
    )


def self_check_revisions(*, venue: Venue, day: dt.date) -> QuerySet[SelfCheck]:
    return SelfCheck.objects.filter(venue=venue, day=day).order_by("revision").prefetch_related("answers__item")


def merchant_venues(*, user: User) -> QuerySet[Venue]:
    return Venue.objects.filter(merchant_links__user=user).select_related("category", "community").order_by("id")


# --- streaks and mastery -------------------------------------------------------------------


def streak(days: set[dt.date], today: dt.date) -> int:
    """Consecutive punch-in days ending today, or yesterday when today is not done yet."""
    current = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while current in days:
        count += 1
        current -= dt.timedelta(days=1)
    return count


def masters(days: set[dt.date], today: dt.date) -> bool:
    window_start = today - dt.timedelta(days=settings.SELF_CHECK_MASTERY_WINDOW_DAYS - 1)
    return sum(1 for d in days if window_start <= d <= today) >= settings.SELF_CHECK_MASTERY_DAYS


def venue_punch_in_days(*, venue: Venue, since: dt.date) -> set[dt.date]:
    return set(SelfCheck.objects.filter(venue=venue, day__gte=since).values_list("day", flat=True))


def venue_streak(*, venue: Venue, today: dt.date | None = None) -> int:
    today = today or clock.local_today()
    return streak(venue_punch_in_days(venue=venue, since=today - dt.timedelta(days=400)), today)


# --- figures -------------------------------------------------------------------------------


@dataclass
class RateRow:
    id: int | None
    name: str
    expected: int
    punched: int

    @property
    def rate(self) -> float | None:
        return round(self.punched / self.expected, 4) if self.expected else None

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "expected": self.expected, "punched": self.punched, "rate": self.rate}


@dataclass
class SelfCheckFigures:
    day: dt.date
    date_from: dt.date
    date_to: dt.date
    total: RateRow
    by_community: list[RateRow]
    by_grid: list[RateRow]
    by_category: list[RateRow]
    daily: list[dict]  # [{"day", "expected", "punched", "rate"}] for date_from..date_to
    merchants: int
    masters: int
    longest_streaks: list[dict]  # top venues by current streak
    hazards_self_found: int
    hazards_inspector_found: int
    hazards_self_fixed: int

    @property
    def mastery_rate(self) -> float | None:
        return round(self.masters / self.merchants, 4) if self.merchants else None


def self_check_figures(
    *,
    user: User,
    day: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    org_unit: OrgUnit | None = None,
    category: VenueCategory | None = None,
) -> SelfCheckFigures:
    """Punch-in rate on `day` (default today) by community, grid and top-level category; the daily
    rate over [date_from, date_to] (default the 30 days to `day`); merchants who master
    self-checking (≥ SELF_CHECK_MASTERY_DAYS of the last SELF_CHECK_MASTERY_WINDOW_DAYS);
    current streaks; hazards found by merchants vs by inspectors and fixed by merchants themselves
    (自查自改, closed) in the period. Expected venues are counted as they are now."""
    from venuesafe.hazards.models import Hazard, HazardSource, HazardState
    from venuesafe.hazards.selectors import hazard_filter

    day = day or clock.local_today()
    date_to = date_to or day
    date_from = date_from or date_to - dt.timedelta(days=29)

    venues = expected_venues(user=user, org_unit=org_unit)
    if category is not None:
        venues = venues.filter(Q(category=category) | Q(category__parent=category))
    venue_rows = list(venues.values("pk", "community_id", "community__name", "grid_id", "grid__name", "category_id"))
    categories = {c.pk: c for c in VenueCategory.objects.all()}

    def top(cat_id: int) -> int:
        c = categories.get(cat_id)
        return (c.parent_id or c.pk) if c else cat_id

    venue_ids = [r["pk"] for r in venue_rows]
    window_start = min(date_from, day - dt.timedelta(days=max(settings.SELF_CHECK_MASTERY_WINDOW_DAYS, 400) - 1))
    checks = SelfCheck.objects.filter(
        venue_id__in=venues.values("pk"), day__gte=window_start, day__lte=max(day, date_to)
    )
    days_by_venue: dict[int, set[dt.date]] = defaultdict(set)
    days_by_merchant: dict[int, set[dt.date]] = defaultdict(set)
    for venue_id, merchant_id, d in checks.values_list("venue_id", "merchant_id", "day"):
        days_by_venue[venue_id].add(d)
        days_by_merchant[merchant_id].add(d)

    def rows(key: str, name_key: str | None) -> list[RateRow]:
        acc: dict = {}
        for r in venue_rows:
            k = top(r["category_id"]) if key == "category" else r[key]
            name = categories[k].label if key == "category" and k in categories else (r[name_key] if name_key else "")
            row = acc.setdefault(k, RateRow(k, name or "", 0, 0))
            row.expected += 1
            row.punched += int(day in days_by_venue.get(r["pk"], ()))
        return sorted(acc.values(), key=lambda x: (-(x.rate or 0), x.name))

    total = RateRow(None, "", len(venue_rows), sum(1 for v in venue_ids if day in days_by_venue.get(v, ())))
    daily = []
    d = date_from
    while d <= date_to:
        punched = sum(1 for v in venue_ids if d in days_by_venue.get(v, ()))
        daily.append(
            {
                "day": d,
                "expected": len(venue_ids),
                "punched": punched,
                "rate": round(punched / len(venue_ids), 4) if venue_ids else None,
            }
        )
        d += dt.timedelta(days=1)

    merchant_ids = set(VenueMerchant.objects.filter(venue_id__in=venue_ids).values_list("user_id", flat=True))
    master_count = sum(1 for m in merchant_ids if masters(days_by_merchant.get(m, set()), day))
    streaks = sorted(
        ({"venue_id": v, "streak": streak(days_by_venue.get(v, set()), day)} for v in venue_ids),
        key=lambda r: -r["streak"],
    )[:10]
    names = dict(Venue.objects.filter(pk__in=[s["venue_id"] for s in streaks]).values_list("pk", "sign_name"))
    for s in streaks:
        s["name"] = names.get(s["venue_id"], "")

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    hazards = Hazard.objects.filter(hazard_filter(user)).exclude(state=HazardState.WITHDRAWN)
    if org_unit is not None:
        hazards = hazards.filter(org_path__startswith=org_unit.path)
    if category is not None:
        hazards = hazards.filter(Q(category=category) | Q(category__parent=category))
    found = hazards.filter(found_at__gte=start, found_at__lt=end).aggregate(
        self_found=Count("id", filter=Q(source=HazardSource.SELF_CHECK)),
        inspector_found=Count("id", filter=Q(source=HazardSource.INSPECTION)),
    )
    self_fixed = hazards.filter(
        source=HazardSource.SELF_CHECK,
        fixed_on_spot=True,
        state=HazardState.CLOSED,
        closed_at__gte=start,
        closed_at__lt=end,
    ).count()
    return SelfCheckFigures(
        day=day,
        date_from=date_from,
        date_to=date_to,
        total=total,
        by_community=rows("community_id", "community__name"),
        by_grid=[r for r in rows("grid_id", "grid__name") if r.id is not None],
        by_category=rows("category", None),
        daily=daily,
        merchants=len(merchant_ids),
        masters=master_count,
        longest_streaks=streaks,
        hazards_self_found=found["self_found"],
        hazards_inspector_found=found["inspector_found"],
        hazards_self_fixed=self_fixed,
    )
