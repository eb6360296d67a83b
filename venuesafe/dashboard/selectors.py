"""The big screen's figures (大屏). Every number is an SQL aggregate over the viewer's scope, so
the screen, the API and the reports agree, and a street with 100,000 venues answers quickly
(bench/dashboard_summary.py).

How it stays fast: when the user's own scope covers the whole unit (their area at or above it),
the year's hazard figures come from the monthly rollup (HazardMonth), the 30-day series from the
daily one (HazardDay), the archive and today's punch-ins from the area tallies (ArchiveTally,
PunchInDay): a few hundred rows, kept exact on commit (rollup.py, tallies.py). Only the open
orders (a small partial index), the inspections of this month and the feed are read live. A
narrower scope (a department viewer, say) reads everything live, one pass per table and time
window, each on a covering index.

Definitions (the tooltips on the screen say the same):
- venues archived: every venue in the archive (deregistered ones keep their file); complete:
  not deregistered and all five elements present, over those not deregistered.
- inspections today / this month: inspections ended since 00:00 today / the 1st, Shanghai time.
- hazards found / closed this year: found_at / closed_at since 1 January, withdrawn excluded;
  open: not closed nor withdrawn; overdue: open with the deadline passed.
- mean rectification hours: mean of (closed_at − found_at) over hazards closed this year;
  on-time rate: of those, closed by their deadline (no deadline counts as on time).
- punch-in rate today: open venues with a merchant bound that punched in today ÷ those venues.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone, translation

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.dashboard.models import ArchiveTally, HazardDay, HazardMonth, PunchInDay
from venuesafe.hazards.models import OPEN_STATES, EventKind, Hazard, HazardEvent, HazardState, HazardType
from venuesafe.hazards.selectors import hazard_filter
from venuesafe.inspections.models import Inspection
from venuesafe.inspections.selectors import inspection_filter
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.risk.models import RiskLevel
from venuesafe.selfchecks.models import SelfCheck
from venuesafe.venues.models import FIVE_ELEMENTS, BusinessStatus, Venue, VenueMerchant

SERIES_DAYS = 30
TOP_HAZARD_TYPES = 10
FEED_SIZE = 20
SCREEN_ROLES = (Role.DISTRICT_ADMIN, Role.STREET_OFFICE, Role.COMMUNITY_STAFF, Role.DEPARTMENT_VIEWER)


class NotOnScreen(Exception):
    """The user may not watch the screen of that org unit."""


def screen_org_units(*, user: User) -> list[OrgUnit]:
    """The units whose screen the user may open: their own units at district, street or community
    level and every unit below them down to communities."""
    scope = user_scope(user=user)
    levels = (OrgLevel.DISTRICT, OrgLevel.STREET, OrgLevel.COMMUNITY)
    if scope.is_superuser:
        return list(OrgUnit.objects.filter(level__in=levels, is_active=True).order_by("path"))
    q = Q(pk__in=[])
    for a in scope.assignments:
        if a.role in SCREEN_ROLES and a.org_unit.level in levels:
            q |= Q(path__startswith=a.org_unit.path)
    return list(OrgUnit.objects.filter(q, level__in=levels, is_active=True).order_by("path"))


def screen_org_unit(*, user: User, org_unit_id: int | None = None) -> OrgUnit:
    """The unit the screen shows: the one asked for if the user may watch it, else the user's
    highest unit. Raises NotOnScreen when the user has no screen."""
    units = screen_org_units(user=user)
    if not units:
        raise NotOnScreen
    if org_unit_id is None:
        return units[0]  # ordered by path: the highest first
    for unit in units:
        if unit.pk == org_unit_id:
            return unit
    raise NotOnScreen


@dataclass(frozen=True)
class Window:
    now: dt.datetime
    today: dt.date
    day_start: dt.datetime
    month_start: dt.datetime
    year_start: dt.datetime
    series_start: dt.datetime
    series_from: dt.date


def window(now: dt.datetime | None = None) -> Window:
    now = now or clock.now()
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)

    def start(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time.min, tzinfo=tz)

    series_from = today - dt.timedelta(days=SERIES_DAYS - 1)
    return Window(
        now=now,
        today=today,
        day_start=start(today),
        month_start=start(today.replace(day=1)),
        year_start=start(today.replace(month=1, day=1)),
        series_start=start(series_from),
        series_from=series_from,
    )


def _covers(user: User, unit: OrgUnit) -> bool:
    """The user's scope holds the whole unit: superuser, or territorial staff at or above it."""
    scope = user_scope(user=user)
    return scope.is_superuser or any(unit.path.startswith(p) for p in scope.staff_paths)


def _hazards(user: User, unit: OrgUnit) -> QuerySet[Hazard]:
    qs = Hazard.objects.filter(org_path__startswith=unit.path).exclude(state=HazardState.WITHDRAWN)
    return qs if _covers(user, unit) else qs.filter(hazard_filter(user))


def _venues(user: User, unit: OrgUnit) -> QuerySet[Venue]:
    qs = Venue.objects.filter(org_path__startswith=unit.path)
    return qs if _covers(user, unit) else qs.filter(user_scope(user=user).venue_filter())


def _inspections(user: User, unit: OrgUnit) -> QuerySet[Inspection]:
    qs = Inspection.objects.filter(org_path__startswith=unit.path)
    return qs if _covers(user, unit) else qs.filter(inspection_filter(user))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


RECTIFICATION = ExpressionWrapper(F("closed_at") - F("found_at"), output_field=DurationField())
ON_TIME = Q(deadline__isnull=True) | Q(closed_at__lte=F("deadline"))
ROWS = "id"  # the covering indexes hold `id`: counting it keeps the scans index-only


@dataclass
class LoopRows:
    """This year's hazard figures by community (and found by hazard type): one pass per window."""

    found: dict[int, int]  # community id -> found this year
    found_by_type: dict[int, int]  # hazard type id -> found this year
    closed: dict[int, dict]  # community id -> {n, on_time, duration}
    open: dict[int, dict]  # community id -> {n, overdue}

    @classmethod
    def read(cls, hazards: QuerySet[Hazard], w: Window) -> LoopRows:
        found: dict[int, int] = {}
        by_type: dict[int, int] = {}
        rows = (
            hazards.filter(found_at__gte=w.year_start)
            .values_list("community_id", "hazard_type_id")
            .annotate(n=Count(ROWS))
            .order_by()
        )
        for community_id, type_id, n in rows:
            found[community_id] = found.get(community_id, 0) + n
            by_type[type_id] = by_type.get(type_id, 0) + n
        closed = {
            r["community_id"]: r
            for r in hazards.filter(closed_at__gte=w.year_start)
            .values("community_id")
            .annotate(n=Count(ROWS), on_time=Count(ROWS, filter=ON_TIME), duration=Sum(RECTIFICATION))
            .order_by()
        }
        open_ = {
            r["community_id"]: r
            for r in hazards.filter(state__in=OPEN_STATES)
            .values("community_id")
            .annotate(n=Count(ROWS), overdue=Count(ROWS, filter=Q(deadline__lt=w.now)))
            .order_by()
        }
        return cls(found=found, found_by_type=by_type, closed=closed, open=open_)

    @classmethod
    def read_rollup(cls, unit: OrgUnit, hazards: QuerySet[Hazard], w: Window) -> LoopRows:
        """The same figures, found and closed from the monthly rollup (HazardMonth, whole unit only:
        the rollup knows no scope; the year starts with a month); open and overdue stay live (a
        small partial index)."""
        found: dict[int, int] = {}
        by_type: dict[int, int] = {}
        closed: dict[int, dict] = {}
        rows = (
            HazardMonth.objects.filter(community_path__startswith=unit.path, month__gte=w.year_start.date())
            .values_list("community_id", "hazard_type_id")
            .annotate(n=Sum("found"), c=Sum("closed"), on_time=Sum("closed_on_time"), us=Sum("rectification_us"))
            .order_by()
        )
        for community_id, type_id, n, c, on_time, us in rows:
            if n:
                found[community_id] = found.get(community_id, 0) + n
                by_type[type_id] = by_type.get(type_id, 0) + n
            if c:
                r = closed.setdefault(
                    community_id, {"community_id": community_id, "n": 0, "on_time": 0, "duration": dt.timedelta()}
                )
                r["n"] += c
                r["on_time"] += on_time
                r["duration"] += dt.timedelta(microseconds=us)
        open_ = {
            r["community_id"]: r
            for r in hazards.filter(state__in=OPEN_STATES)
            .values("community_id")
            .annotate(n=Count(ROWS), overdue=Count(ROWS, filter=Q(deadline__lt=w.now)))
            .order_by()
        }
        return cls(found=found, found_by_type=by_type, closed=closed, open=open_)

    def communities(self) -> set[int]:
        return set(self.found) | set(self.closed) | set(self.open)

    def figures(self, community_id: int | None = None) -> dict:
        """The loop figures of one community, or of all when None."""

        def pick(table: dict) -> list:
            if community_id is None:
                return list(table.values())
            return [table[community_id]] if community_id in table else []

        closed = pick(self.closed)
        n_closed = sum(r["n"] for r in closed)
        on_time = sum(r["on_time"] for r in closed)
        durations = [r["duration"] for r in closed if r["duration"] is not None]
        mean = sum(durations, dt.timedelta()) / n_closed if n_closed and durations else None
        opened = pick(self.open)
        return {
            "found_this_year": sum(pick(self.found)),
            "closed_this_year": n_closed,
            "closed_on_time": on_time,
            "on_time_rate": _rate(on_time, n_closed),
            "mean_rectification_hours": _hours(mean),
            "open": sum(r["n"] for r in opened),
            "overdue": sum(r["overdue"] for r in opened),
        }


def loop_counts(hazards: QuerySet[Hazard], w: Window) -> dict:
    return LoopRows.read(hazards, w).figures()


def venue_counts(venues: QuerySet[Venue]) -> dict:
    """Archived: every venue in the archive, deregistered ones too (their file is kept).
    Completeness is over venues not deregistered, as on the completeness page."""
    active = ~Q(business_status=BusinessStatus.CLOSED)
    row = venues.aggregate(
        archived=Count("id"),
        active=Count("id", filter=active),
        complete=Count("id", filter=active & Q(elements_present=len(FIVE_ELEMENTS))),
    )
    return {
        "archived": row["archived"],
        "in_business": row["active"],
        "complete": row["complete"],
        "completeness_rate": _rate(row["complete"], row["active"]),
    }


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


@dataclass
class VenueRows:
    """The archive in one pass, grouped by community, risk level, business status and complete
    (every venue figure is a sum over these groups), and today's punch-ins in a second one."""

    rows: list[dict]
    expected: int  # open, a merchant bound
    punched: int  # of those, punched in today

    @classmethod
    def read(cls, venues: QuerySet[Venue], w: Window) -> VenueRows:
        rows = (
            venues.annotate(complete=_flag(Q(elements_present=len(FIVE_ELEMENTS))))
            .values("community_id", "risk__level", "business_status", "complete")
            .annotate(n=Count(ROWS))
            .order_by()
        )
        # The bound venues as a semi-join; today's punch-ins as one hash probed per venue.
        bound = venues.filter(business_status=BusinessStatus.OPEN).filter(
            Exists(VenueMerchant.objects.filter(venue_id=OuterRef("pk")))
        )
        punch = dict(
            bound.annotate(punched=_flag(Q(pk__in=SelfCheck.objects.filter(day=w.today).values("venue_id"))))
            .values("punched")
            .annotate(n=Count(ROWS))
            .values_list("punched", "n")
            .order_by()
        )
        return cls(rows=list(rows), expected=sum(punch.values()), punched=punch.get(True, 0))

    @classmethod
    def read_tally(cls, unit: OrgUnit, w: Window) -> VenueRows:
        """The same groups from the area tallies (ArchiveTally, PunchInDay; whole unit only)."""
        rows = []
        expected = 0
        for c, level, status, complete, bound, n in ArchiveTally.objects.filter(
            community_path__startswith=unit.path
        ).values_list("community_id", "risk_level", "business_status", "complete", "bound", "venues"):
            rows.append(
                {
                    "community_id": c,
                    "risk__level": level or None,
                    "business_status": status,
                    "complete": complete,
                    "n": n,
                }
            )
            if bound and status == BusinessStatus.OPEN:
                expected += n
        punched = PunchInDay.objects.filter(day=w.today, community_path__startswith=unit.path).aggregate(
            n=Sum("punched")
        )["n"]
        return cls(rows=rows, expected=expected, punched=punched or 0)

    def count(self, community_id: int | None = None, **flags) -> int:
        """Venues (of one community) whose group matches every flag: active, open, complete."""
        total = 0
        for r in self.rows:
            if community_id is not None and r["community_id"] != community_id:
                continue
            status = r["business_status"]
            have = {
                "active": status != BusinessStatus.CLOSED,
                "open": status == BusinessStatus.OPEN,
                "complete": r["complete"],
            }
            if all(have[k] == v for k, v in flags.items()):
                total += r["n"]
        return total

    def communities(self) -> set[int]:
        return {r["community_id"] for r in self.rows if r["business_status"] != BusinessStatus.CLOSED}

    def venue_figures(self) -> dict:
        complete, active = self.count(active=True, complete=True), self.count(active=True)
        return {
            "archived": self.count(),
            "in_business": active,
            "complete": complete,
            "completeness_rate": _rate(complete, active),
        }

    def community_archive(self, community_id: int) -> tuple[int, int]:
        """(venues in business, of which complete) of a community."""
        return self.count(community_id, active=True), self.count(community_id, active=True, complete=True)

    def punch_in(self) -> dict:
        return {"expected": self.expected, "punched": self.punched, "rate": _rate(self.punched, self.expected)}

    def risk_levels(self) -> dict:
        counts = {level.value: 0 for level in RiskLevel}
        for r in self.rows:
            if r["risk__level"] in counts and r["business_status"] == BusinessStatus.OPEN:
                counts[r["risk__level"]] += r["n"]
        return counts


def inspection_counts(user: User, unit: OrgUnit, w: Window) -> dict:
    row = (
        _inspections(user, unit)
        .filter(ended_at__gte=w.month_start)
        .aggregate(today=Count(ROWS, filter=Q(ended_at__gte=w.day_start)), month=Count(ROWS))
    )
    return {"today": row["today"], "this_month": row["month"]}


def punch_in_counts(user: User, unit: OrgUnit, w: Window) -> dict:
    """The same figure as selfchecks.selectors.self_check_figures(...).total for today."""
    return VenueRows.read(_venues(user, unit), w).punch_in()


def risk_level_counts(user: User, unit: OrgUnit) -> dict:
    """Open venues in the unit by risk level."""
    return VenueRows.read(_venues(user, unit), window()).risk_levels()


def daily_series(hazards: QuerySet[Hazard], w: Window) -> list[dict]:
    """Found and closed per Shanghai day over the last SERIES_DAYS days, today included."""
    tz = timezone.get_current_timezone()
    found = dict(
        hazards.filter(found_at__gte=w.series_start)
        .annotate(d=TruncDate("found_at", tzinfo=tz))
        .values("d")
        .annotate(n=Count(ROWS))
        .values_list("d", "n")
        .order_by()
    )
    closed = dict(
        hazards.filter(closed_at__gte=w.series_start)
        .annotate(d=TruncDate("closed_at", tzinfo=tz))
        .values("d")
        .annotate(n=Count(ROWS))
        .values_list("d", "n")
        .order_by()
    )
    days = [w.series_from + dt.timedelta(days=i) for i in range(SERIES_DAYS)]
    return [{"day": d.isoformat(), "found": found.get(d, 0), "closed": closed.get(d, 0)} for d in days]


def daily_series_rollup(unit: OrgUnit, w: Window) -> list[dict]:
    """daily_series from the daily rollup (whole unit only)."""
    per_day = {
        d: (f or 0, c or 0)
        for d, f, c in HazardDay.objects.filter(community_path__startswith=unit.path, day__gte=w.series_from)
        .values_list("day")
        .annotate(f=Sum("found"), c=Sum("closed"))
        .order_by()
    }
    days = [w.series_from + dt.timedelta(days=i) for i in range(SERIES_DAYS)]
    return [
        {"day": d.isoformat(), "found": per_day.get(d, (0, 0))[0], "closed": per_day.get(d, (0, 0))[1]} for d in days
    ]


def top_hazard_types(hazards: QuerySet[Hazard], w: Window, loop: LoopRows | None = None) -> list[dict]:
    """The most found hazard types this year, most first (ties: catalogue id)."""
    by_type = (loop or LoopRows.read(hazards, w)).found_by_type
    top = sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_HAZARD_TYPES]
    types = HazardType.objects.in_bulk([pk for pk, _n in top])
    return [{"code": types[pk].code, "name": types[pk].label, "found": n} for pk, n in top]


def community_ranking(
    user: User,
    unit: OrgUnit,
    hazards: QuerySet[Hazard],
    w: Window,
    loop: LoopRows | None = None,
    archive: VenueRows | None = None,
) -> list[dict]:
    """Each community in the unit: its loop figures this year and archive completeness. Ranked by
    on-time rate, then fewest overdue, then most closed (no closings rank last). Communities with
    hazards in scope (any year) or venues in business are listed."""
    loop = loop or LoopRows.read(hazards, w)
    archive = archive or VenueRows.read(_venues(user, unit), w)
    known = loop.communities() | archive.communities()
    # Communities whose only hazards are older and closed: listed too, with zeros.
    older = OrgUnit.objects.filter(path__startswith=unit.path, level=OrgLevel.COMMUNITY).exclude(pk__in=known)
    known |= set(older.filter(Exists(hazards.filter(community_id=OuterRef("pk")))).values_list("pk", flat=True))
    units = OrgUnit.objects.filter(pk__in=known).values_list("pk", "name")
    rows = []
    for pk, name in units:
        h = loop.figures(pk)
        venues, complete = archive.community_archive(pk)
        rows.append(
            {
                "id": pk,
                "name": name,
                "found_this_year": h["found_this_year"],
                "closed_this_year": h["closed_this_year"],
                "on_time_rate": h["on_time_rate"],
                "open": h["open"],
                "overdue": h["overdue"],
                "venues": venues,
                "completeness_rate": _rate(complete, venues),
            }
        )
    rows.sort(
        key=lambda r: (
            r["on_time_rate"] is None,
            -(r["on_time_rate"] or 0),
            r["overdue"],
            -r["closed_this_year"],
            r["name"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


FEED_EVENT_KINDS = (EventKind.FOUND, EventKind.FIXED_ON_SPOT, EventKind.REVIEW_PASSED)


def live_feed(user: User, unit: OrgUnit, limit: int = FEED_SIZE) -> list[dict]:
    """The latest inspections, hazards found and hazards closed, newest first."""
    inspections = (
        _inspections(user, unit)
        .order_by("-ended_at", "-id")
        .values("id", "ended_at", "venue__sign_name", "community__name", "inspector__full_name", "inspector__username")[
            :limit
        ]
    )
    events = HazardEvent.objects.filter(kind__in=FEED_EVENT_KINDS, hazard__org_path__startswith=unit.path)
    if not _covers(user, unit):
        events = events.filter(hazard__in=Hazard.objects.filter(hazard_filter(user)))
    # Newest first on the (at, id) index, joined to each hazard in turn: no pass over the hazards.
    events = events.order_by("-at", "-id").values(
        "id",
        "kind",
        "at",
        "hazard_id",
        "hazard__venue__sign_name",
        "hazard__community__name",
        "hazard__hazard_type__code",
        "hazard__hazard_type__name",
        "hazard__hazard_type__name_en",
    )[:limit]
    english = _english()
    items = [
        {
            "key": f"inspection-{r['id']}",
            "kind": "inspection",
            "at": r["ended_at"],
            "venue": r["venue__sign_name"],
            "community": r["community__name"],
            "detail": r["inspector__full_name"] or r["inspector__username"],
            "inspection_id": r["id"],
        }
        for r in inspections
    ]
    for r in events:
        name = (r["hazard__hazard_type__name_en"] if english else "") or r["hazard__hazard_type__name"]
        items.append(
            {
                "key": f"event-{r['id']}",
                "kind": "closed" if r["kind"] == EventKind.REVIEW_PASSED else "found",
                "at": r["at"],
                "venue": r["hazard__venue__sign_name"],
                "community": r["hazard__community__name"],
                "detail": f"{r['hazard__hazard_type__code']} {name}",
                "hazard_id": r["hazard_id"],
            }
        )
    items.sort(key=lambda i: (i["at"], i["key"]), reverse=True)
    return items[:limit]


def _english() -> bool:
    from django.utils import translation

    return (translation.get_language() or "").startswith("en")


def _newest(qs: QuerySet, field: str):
    """max(field) as the newest row on an index (ORDER BY … DESC LIMIT 1), not an aggregate over all rows."""
    return qs.order_by(f"-{field}").values_list(field, flat=True).first()


def change_marker(user: User, unit: OrgUnit) -> str:
    """Changes whenever something the screen shows may have changed: the newest inspection,
    hazard event, self-check and venue change in the unit. Cheap: four index lookups."""
    parts = [
        _newest(Inspection.objects.filter(org_path__startswith=unit.path), "id"),
        _newest(HazardEvent.objects.filter(hazard__org_path__startswith=unit.path), "id"),
        _newest(SelfCheck.objects.filter(org_path__startswith=unit.path), "id"),
        _newest(Venue.objects.filter(org_path__startswith=unit.path), "updated_at"),
    ]
    return "-".join(str(p.timestamp() if isinstance(p, dt.datetime) else (p or 0)) for p in parts)


def screen_summary(*, user: User, unit: OrgUnit, now: dt.datetime | None = None, rollup: bool | None = None) -> dict:
    """Everything the big screen shows for `unit`, within what `user` may see. Found and closed
    come from the hazard rollup, the archive and punch-ins from the area tallies, when the
    user's scope covers the whole unit (`rollup=False` forces the live queries, which a narrower
    scope always uses)."""
    w = window(now)
    hazards = _hazards(user, unit)
    use_rollup = _covers(user, unit) if rollup is None else (rollup and _covers(user, unit))
    loop = LoopRows.read_rollup(unit, hazards, w) if use_rollup else LoopRows.read(hazards, w)
    archive = VenueRows.read_tally(unit, w) if use_rollup else VenueRows.read(_venues(user, unit), w)
    return {
        "org_unit": {"id": unit.pk, "name": unit.name, "level": unit.level},
        "generated_at": w.now,
        "today": w.today,
        "venues": archive.venue_figures(),
        "inspections": inspection_counts(user, unit, w),
        "hazards": loop.figures(),
        "self_checks": archive.punch_in(),
        "risk_levels": archive.risk_levels(),
        "daily": daily_series_rollup(unit, w) if use_rollup else daily_series(hazards, w),
        "top_hazard_types": top_hazard_types(hazards, w, loop),
        "communities": community_ranking(user, unit, hazards, w, loop, archive),
        "feed": live_feed(user, unit),
    }


def cached_screen_summary(*, user: User, unit: OrgUnit, marker: str) -> dict:
    """screen_summary, computed once per change and shared by every screen and client watching the
    same unit with the same scope: the key holds the change marker, so a new inspection, hazard
    event, punch-in or archive change is never hidden; figures that move with the clock alone
    (overdue, "today", risk re-scoring) are at most DASHBOARD_SUMMARY_CACHE_SECONDS old."""
    ttl = settings.DASHBOARD_SUMMARY_CACHE_SECONDS
    if ttl <= 0:
        return screen_summary(user=user, unit=unit)
    who = "all" if _covers(user, unit) else f"u{user.pk}"
    key = f"dashboard:summary:{unit.pk}:{who}:{translation.get_language() or ''}:{marker}"
    data = cache.get(key)
    if data is None:
        data = screen_summary(user=user, unit=unit)
        cache.set(key, data, ttl)
    return data


def screen_map(*, user: User, unit: OrgUnit) -> list[tuple[float, float, str, int]]:
    """(lat, lng, risk level, open hazards) of every located venue in business in the unit (WGS-84)."""
    venues = _venues(user, unit).filter(business_status=BusinessStatus.OPEN, lat__isnull=False, lng__isnull=False)
    open_by_venue = dict(
        _hazards(user, unit)
        .filter(state__in=OPEN_STATES)
        .values("venue_id")
        .annotate(n=Count(ROWS))
        .values_list("venue_id", "n")
        .order_by()
    )
    rows = venues.values_list("pk", "lat", "lng", "risk__level").order_by("pk")
    return [(lat, lng, level or "", open_by_venue.get(pk, 0)) for pk, lat, lng, level in rows]
