"""Scoped reads: venue risk, candidate major hazards, today's patrol list and coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock, geo
from venuesafe.org.models import OrgUnit
from venuesafe.venues.models import BusinessStatus, Venue

from .models import CandidateMajorFlag, RiskLevel, VenueRisk


def frequency_days(level: str) -> int:
    return settings.PATROL_FREQUENCY_DAYS.get(level, settings.PATROL_FREQUENCY_DAYS[RiskLevel.BLUE])


def venue_risk(*, user: User, venue_id: int) -> VenueRisk | None:
    venue = Venue.objects.filter(user_scope(user=user).venue_filter(), pk=venue_id).first()
    if venue is None:
        raise Http404
    return VenueRisk.objects.filter(venue=venue).first()


def candidate_major_list(*, user: User, include_cleared: bool = False) -> QuerySet[CandidateMajorFlag]:
    venues = Venue.objects.filter(user_scope(user=user).venue_filter()).values("pk")
    qs = CandidateMajorFlag.objects.filter(venue_id__in=venues).select_related("venue", "venue__community")
    if not include_cleared:
        qs = qs.filter(cleared_at__isnull=True)
    return qs.order_by("-flagged_at")


def _last_inspected():
    from venuesafe.inspections.models import Inspection

    return Subquery(
        Inspection.objects.filter(venue_id=OuterRef("pk")).values("venue_id").annotate(m=Max("ended_at")).values("m")
    )


def _patrol_area(user: User) -> Q:
    scope = user_scope(user=user)
    if scope.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for a in scope.assignments:
        if a.role in (Role.INSPECTOR, Role.GRID_WORKER):
            q |= Q(org_path__startswith=a.org_unit.path)
    return q | Q(inspector_id=user.pk)


@dataclass
class PatrolStop:
    venue: Venue
    level: str
    score: int
    last_inspected_at: dt.datetime | None
    due_date: dt.date | None  # None: never inspected
    overdue_days: int
    leg_m: float | None = None  # walking distance from the previous stop (straight line)


def patrol_plan(
    *, user: User, today: dt.date | None = None, start: tuple[float, float] | None = None, limit: int | None = None
) -> list[PatrolStop]:
    """Today's patrol list: the venues in the user's grids that are due (last inspection older than
    their level's frequency, or never inspected), the riskiest first; those that make the day's
    list are then put in walking order, nearest next, from `start` (the phone's position) or from
    the riskiest venue."""
    today = today or clock.local_today()
    limit = limit or settings.PATROL_DAILY_MAX
    venues = (
        Venue.objects.filter(_patrol_area(user), business_status=BusinessStatus.OPEN)
        .annotate(last_inspected_at=_last_inspected())
        .select_related("risk", "category", "grid")
    )
    due: list[PatrolStop] = []
    for v in venues:
        risk = getattr(v, "risk", None)
        level = risk.level if risk else RiskLevel.BLUE
        score = risk.score if risk else 0
        if v.last_inspected_at is None:
            due.append(PatrolStop(v, level, score, None, None, 0))
            continue
        last_day = timezone.localtime(v.last_inspected_at).date()
        due_date = last_day + dt.timedelta(days=frequency_days(level))
        if due_date <= today:
            due.append(PatrolStop(v, level, score, v.last_inspected_at, due_date, (today - due_date).days))
    due.sort(key=lambda s: (-s.score, s.due_date or dt.date.min, s.venue.pk))
    chosen = due[:limit]
    return _walking_order(chosen, start)


def _walking_order(stops: list[PatrolStop], start: tuple[float, float] | None) -> list[PatrolStop]:
    located = [s for s in stops if s.venue.lat is not None]
    unlocated = [s for s in stops if s.venue.lat is None]
    route: list[PatrolStop] = []
    here = start
    if here is None and located:
        first = located.pop(0)  # the riskiest located venue
        route.append(first)
        here = (first.venue.lat, first.venue.lng)
    while located:
        nearest = min(located, key=lambda s: geo.distance_m(here[0], here[1], s.venue.lat, s.venue.lng))
        nearest.leg_m = round(geo.distance_m(here[0], here[1], nearest.venue.lat, nearest.venue.lng))
        located.remove(nearest)
        route.append(nearest)
        here = (nearest.venue.lat, nearest.venue.lng)
    return route + unlocated


@dataclass
class CoverageRow:
    id: int
    name: str
    venues: int
    covered: int

    @property
    def rate(self) -> float | None:
        return round(self.covered / self.venues, 4) if self.venues else None

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "venues": self.venues, "covered": self.covered, "rate": self.rate}


def coverage(
    *, user: User, today: dt.date | None = None, org_unit: OrgUnit | None = None
) -> tuple[CoverageRow, list[CoverageRow]]:
    """Share of open venues inspected within their level's required frequency, overall and by community."""
    today = today or clock.local_today()
    venues = Venue.objects.filter(user_scope(user=user).venue_filter(), business_status=BusinessStatus.OPEN)
    if org_unit is not None:
        venues = venues.filter(org_path__startswith=org_unit.path)
    rows: dict[int, CoverageRow] = {}
    total = CoverageRow(0, "", 0, 0)
    for v in venues.annotate(last_inspected_at=_last_inspected()).values(
        "community_id", "community__name", "last_inspected_at", "risk__level"
    ):
        row = rows.setdefault(v["community_id"], CoverageRow(v["community_id"], v["community__name"], 0, 0))
        level = v["risk__level"] or RiskLevel.BLUE
        covered = v["last_inspected_at"] is not None and (
            today - timezone.localtime(v["last_inspected_at"]).date()
        ).days < frequency_days(level)
        for r in (row, total):
            r.venues += 1
            r.covered += int(covered)
    return total, sorted(rows.values(), key=lambda r: (r.rate if r.rate is not None else 2, r.name))


def risk_counts(*, user: User, org_unit: OrgUnit | None = None) -> dict[str, int]:
    venues = Venue.objects.filter(user_scope(user=user).venue_filter(), business_status=BusinessStatus.OPEN)
    qs = VenueRisk.objects.filter(venue__in=venues.values("pk"))
    if org_unit is not None:
        qs = qs.filter(org_path__startswith=org_unit.path)
    counts = {level.value: 0 for level in RiskLevel}
    for level in qs.values_list("level", flat=True):
        counts[level] += 1
    return counts
