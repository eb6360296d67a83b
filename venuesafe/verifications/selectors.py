"""Scoped reads of verification tasks, duplicate matches, locating a point, and the figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock, geo
from venuesafe.core.errors import InvalidInput
from venuesafe.core.validators import normalize_code
from venuesafe.org.models import OrgUnit
from venuesafe.venues.models import Venue

from .matching import name_similarity, names_similar
from .models import AnomalyKind, TaskState, VerificationTask

FIGURE_ROLES = (Role.DISTRICT_ADMIN, Role.STREET_OFFICE, Role.COMMUNITY_STAFF)


# --- tasks ----------------------------------------------------------------------------------


def task_filter(user: User) -> Q:
    """Tasks in the user's territory, plus those the user reported or is assigned."""
    scope = user_scope(user=user)
    if scope.is_superuser:
        return Q()
    q = Q(reported_by_id=user.pk) | Q(assignee_id=user.pk)
    for path in scope.staff_paths:
        q |= Q(org_path__startswith=path)
    return q


def task_list(
    *,
    user: User,
    state: str = "",
    mine: bool = False,
    reported: bool = False,
    overdue: bool = False,
    org_unit: OrgUnit | None = None,
) -> QuerySet[VerificationTask]:
    qs = VerificationTask.objects.filter(task_filter(user)).select_related(
        "venue", "community", "grid", "assignee", "reported_by", "category"
    )
    if state:
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(assignee_id=user.pk)
    if reported:
        qs = qs.filter(reported_by_id=user.pk)
    if overdue:
        qs = qs.filter(state=TaskState.OPEN, due_at__lt=clock.now())
    if org_unit is not None:
        qs = qs.filter(org_path__startswith=org_unit.path)
    return qs


def task_get(*, user: User, pk: int) -> VerificationTask:
    task = task_list(user=user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


# --- where a point belongs, and possible duplicates ------------------------------------------


def district_roots(user: User) -> list[str] | None:
    """The district paths ("/1/") the user's staff roles sit in; None for a superuser (everywhere)."""
    scope = user_scope(user=user)
    if scope.is_superuser:
        return None
    return sorted({"/" + p.strip("/").split("/")[0] + "/" for p in scope.staff_paths})


def _roots_q(roots: list[str] | None) -> Q:
    if roots is None:
        return Q()
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(org_path__startswith=root)
    return q


def _venues_near(lat: float, lng: float, radius_m: float, roots: list[str] | None):
    """(venue, distance) within radius_m, nearest first, across the given districts (not the user's scope:
    duplicates and neighbours across a grid boundary count)."""
    box = geo.bounding_box(lat, lng, radius_m)
    cells = geo.cells_covering(box)
    where = Q(_roots_q(roots), lat__range=(box.min_lat, box.max_lat), lng__range=(box.min_lng, box.max_lng))
    if cells is not None:
        where &= Q(geo_cell__in=cells)
    found = []
    for v in Venue.objects.filter(where).select_related("category", "community", "grid").order_by():
        d = geo.distance_m(lat, lng, v.lat, v.lng)
        if d <= radius_m:
            found.append((v, d))
    found.sort(key=lambda pair: (pair[1], -pair[0].pk))
    return found


@dataclass(frozen=True)
class Location:
    community: OrgUnit
    grid: OrgUnit | None
    nearest_venue: Venue | None = None
    distance_m: float | None = None


def locate_point(*, lat: float, lng: float, roots: list[str] | None, radius_m: float) -> Location | None:
    """The grid (and community) of the nearest archived venue within radius_m, or None."""
    near = _venues_near(lat, lng, radius_m, roots)
    if not near:
        return None
    venue, distance = near[0]
    return Location(community=venue.community, grid=venue.grid, nearest_venue=venue, distance_m=distance)


def venue_in_district(*, user: User, pk) -> Venue | None:
    """A venue chosen among the duplicate matches: any venue of the user's district (they are offered
    across grid boundaries), read only for its public facts. None for no choice."""
    if pk in (None, ""):
        return None
    venue = Venue.objects.filter(_roots_q(district_roots(user)), pk=pk).select_related("community").first()
    if venue is None:
        msg = _("Choose a venue from the list.")
        raise InvalidInput(msg, fields={"matched_venue": [msg]})
    return venue


@dataclass(frozen=True)
class Match:
    """An archived venue that may be the reported one. Only what its door plate shows publicly."""

    venue: Venue
    distance_m: float | None
    reasons: tuple[str, ...]  # "similar_name_nearby", "same_licence"
    similarity: float

    def as_dict(self) -> dict:
        v = self.venue
        return {
            "venue_id": v.pk,
            "sign_name": v.sign_name,
            "address": v.address,
            "category": v.category.label if v.category_id else "",
            "community": v.community.name,
            "business_status": v.business_status,
            "distance_m": round(self.distance_m, 1) if self.distance_m is not None else None,
            "name_similarity": round(self.similarity, 2),
            "reasons": list(self.reasons),
        }


def duplicate_matches(
    *,
    user: User,
    name: str,
    lat: float | None,
    lng: float | None,
    licence_no: str = "",
    radius_m: float,
) -> list[Match]:
    """Archived venues within radius_m with a similar sign name, and venues anywhere in the user's
    district with the same licence code. Nearest first; licence matches far away after them."""
    roots = district_roots(user)
    matches: dict[int, Match] = {}
    if lat is not None and lng is not None and (name or "").strip():
        for v, d in _venues_near(lat, lng, radius_m, roots):
            if names_similar(name, v.sign_name):
                matches[v.pk] = Match(v, d, ("similar_name_nearby",), name_similarity(name, v.sign_name))
    code = normalize_code(licence_no or "")
    if code:
        for v in Venue.objects.filter(_roots_q(roots), licence_no=code).select_related("category", "community"):
            d = geo.distance_m(lat, lng, v.lat, v.lng) if None not in (lat, lng, v.lat, v.lng) else None
            old = matches.get(v.pk)
            reasons = (*old.reasons, "same_licence") if old else ("same_licence",)
            matches[v.pk] = Match(v, d, reasons, name_similarity(name, v.sign_name))
    return sorted(matches.values(), key=lambda m: (m.distance_m is None, m.distance_m or 0.0, -m.venue.pk))


# --- figures --------------------------------------------------------------------------------


def may_see_figures(user: User) -> bool:
    return user_scope(user=user).has_role(*FIGURE_ROLES)


@dataclass
class ResponseFigures:
    reported: int = 0
    responded: int = 0  # closed with a position from the phone (on site)
    within_target: int = 0  # of those, by the due time
    late_open: int = 0  # reported in the period, still open, past the due time
    open_now: int = 0
    overdue_now: int = 0
    minutes: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        judged = self.responded + self.late_open
        return {
            "reported": self.reported,
            "responded": self.responded,
            "mean_response_minutes": round(sum(self.minutes) / len(self.minutes), 1) if self.minutes else None,
            "within_target": self.within_target,
            "within_target_rate": round(self.within_target / judged, 4) if judged else None,
            "open_now": self.open_now,
            "overdue_now": self.overdue_now,
        }


def _period(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _months(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    months, m = [], date_from.replace(day=1)
    while m <= date_to:
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return months


def verification_figures(*, user: User, date_from: dt.date, date_to: dt.date, org_unit: OrgUnit | None = None) -> dict:
    """Response to anomalies reported in [date_from, date_to] (Shanghai days), overall and by community:

    - response time: reported → closed on site (verified, or dismissed with a position), in minutes;
    - within-target rate: closed on site by the due time ÷ (closed on site + still open past the due time);
    - open and overdue: counted now, whenever reported;
    - venues added per month: venues archived (Venue.created_at, any way) and, of those, the ones
      archived by verifying a reported new venue (the task's closing time).
    """
    scope = user_scope(user=user)
    area = Q() if scope.is_superuser else Q(pk__in=[])
    for path in scope.staff_paths:
        area |= Q(org_path__startswith=path)
    tasks = VerificationTask.objects.filter(area)
    venues = Venue.objects.filter(scope.venue_filter())
    if org_unit is not None:
        tasks = tasks.filter(org_path__startswith=org_unit.path)
        venues = venues.filter(org_path__startswith=org_unit.path)
    start, end = _period(date_from, date_to)
    now = clock.now()

    total = ResponseFigures()
    by_community: dict[int, ResponseFigures] = {}

    def buckets(community_id: int) -> tuple[ResponseFigures, ResponseFigures]:
        return total, by_community.setdefault(community_id, ResponseFigures())

    rows = tasks.filter(reported_at__gte=start, reported_at__lt=end).values_list(
        "community_id", "state", "reported_at", "due_at", "closed_at", "on_site"
    )
    for community_id, state, reported_at, due_at, closed_at, on_site in rows:
        for f in buckets(community_id):
            f.reported += 1
            if state != TaskState.OPEN and on_site and closed_at is not None:
                f.responded += 1
                f.within_target += int(closed_at <= due_at)
                f.minutes.append((closed_at - reported_at).total_seconds() / 60)
            elif state == TaskState.OPEN and now > due_at:
                f.late_open += 1
    open_rows = (
        tasks.filter(state=TaskState.OPEN)
        .values("community_id")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_at__lt=now)))
    )
    for row in open_rows:
        for f in buckets(row["community_id"]):
            f.open_now += row["n"]
            f.overdue_now += row["late"]

    names = dict(OrgUnit.objects.filter(pk__in=by_community.keys()).values_list("pk", "name"))
    community_rows = sorted(
        ({"id": pk, "name": names.get(pk, ""), **fig.as_dict()} for pk, fig in by_community.items()),
        key=lambda r: (-r["reported"], -r["open_now"], r["name"]),
    )

    tz = timezone.get_current_timezone()
    archived = dict(
        venues.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    verified = dict(
        tasks.filter(kind=AnomalyKind.NEW_VENUE, state=TaskState.VERIFIED, closed_at__gte=start, closed_at__lt=end)
        .annotate(month=TruncMonth("closed_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )

    def month_key(value) -> dt.date:
        return value.date() if isinstance(value, dt.datetime) else value

    archived = {month_key(k): v for k, v in archived.items()}
    verified = {month_key(k): v for k, v in verified.items()}
    months = [
        {"month": m.strftime("%Y-%m"), "venues_archived": archived.get(m, 0), "via_verification": verified.get(m, 0)}
        for m in _months(date_from, date_to)
    ]
    return {
        "date_from": date_from,
        "date_to": date_to,
        "target_minutes": settings.VERIFICATION_TARGET_MINUTES,
        "total": total.as_dict(),
        "by_community": community_rows,
        "venues_added_by_month": months,
    }
