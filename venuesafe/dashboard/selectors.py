"""The big screen's figures (大屏). Every number is one SQL aggregate over the viewer's scope, so
the screen, the API and the reports agree, and a street with 100,000 venues answers quickly
(bench/dashboard_summary.py).

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

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.hazards.models import OPEN_STATES, EventKind, Hazard, HazardEvent, HazardState, HazardType
from venuesafe.hazards.selectors import hazard_filter
from venuesafe.inspections.models import Inspection
from venuesafe.inspections.selectors import inspection_filter
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.risk.models import RiskLevel, VenueRisk
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


def _hazards(user: User, unit: OrgUnit) -> QuerySet[Hazard]:
    return Hazard.objects.filter(hazard_filter(user), org_path__startswith=unit.path).exclude(
        state=HazardState.WITHDRAWN
    )


def _venues(user: User, unit: OrgUnit) -> QuerySet[Venue]:
    return Venue.objects.filter(user_scope(user=user).venue_filter(), org_path__startswith=unit.path)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


RECTIFICATION = ExpressionWrapper(F("closed_at") - F("found_at"), output_field=DurationField())


def loop_counts(hazards: QuerySet[Hazard], w: Window) -> dict:
    closed = Q(closed_at__gte=w.year_start)
    on_time = closed & (Q(deadline__isnull=True) | Q(closed_at__lte=F("deadline")))
    row = hazards.aggregate(
        found=Count("id", filter=Q(found_at__gte=w.year_start)),
        closed=Count("id", filter=closed),
        closed_on_time=Count("id", filter=on_time),
        mean=Avg(RECTIFICATION, filter=closed),
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(state__in=OPEN_STATES, deadline__lt=w.now)),
    )
    return {
        "found_this_year": row["found"],
        "closed_this_year": row["closed"],
        "closed_on_time": row["closed_on_time"],
        "on_time_rate": _rate(row["closed_on_time"], row["closed"]),
        "mean_rectification_hours": _hours(row["mean"]),
        "open": row["open"],
        "overdue": row["overdue"],
    }


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


def inspection_counts(user: User, unit: OrgUnit, w: Window) -> dict:
    row = Inspection.objects.filter(
        inspection_filter(user), org_path__startswith=unit.path, ended_at__gte=w.month_start
    ).aggregate(today=Count("id", filter=Q(ended_at__gte=w.day_start)), month=Count("id"))
    return {"today": row["today"], "this_month": row["month"]}


def punch_in_counts(user: User, unit: OrgUnit, w: Window) -> dict:
    """The same figure as selfchecks.selectors.self_check_figures(...).total for today."""
    expected = _venues(user, unit).filter(
        business_status=BusinessStatus.OPEN,
        pk__in=VenueMerchant.objects.values("venue_id"),
    )
    punched = (
        SelfCheck.objects.filter(day=w.today, venue_id__in=expected.values("pk")).values("venue_id").distinct().count()
    )
    n = expected.count()
    return {"expected": n, "punched": punched, "rate": _rate(punched, n)}


def risk_level_counts(user: User, unit: OrgUnit) -> dict:
    counts = {level.value: 0 for level in RiskLevel}
    venues = _venues(user, unit).filter(business_status=BusinessStatus.OPEN)
    rows = VenueRisk.objects.filter(venue__in=venues.values("pk")).values("level").annotate(n=Count("id"))
    for row in rows:
        counts[row["level"]] = row["n"]
    return counts


def daily_series(hazards: QuerySet[Hazard], w: Window) -> list[dict]:
    """Found and closed per Shanghai day over the last SERIES_DAYS days, today included."""
    tz = timezone.get_current_timezone()
    found = dict(
        hazards.filter(found_at__gte=w.series_start)
        .annotate(d=TruncDate("found_at", tzinfo=tz))
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    closed = dict(
        hazards.filter(closed_at__gte=w.series_start)
        .annotate(d=TruncDate("closed_at", tzinfo=tz))
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    days = [w.series_from + dt.timedelta(days=i) for i in range(SERIES_DAYS)]
    return [{"day": d.isoformat(), "found": found.get(d, 0), "closed": closed.get(d, 0)} for d in days]


def top_hazard_types(hazards: QuerySet[Hazard], w: Window) -> list[dict]:
    rows = list(
        hazards.filter(found_at__gte=w.year_start)
        .values("hazard_type_id")
        .annotate(n=Count("id"))
        .order_by("-n", "hazard_type_id")[:TOP_HAZARD_TYPES]
    )
    types = HazardType.objects.in_bulk([r["hazard_type_id"] for r in rows])
    return [
        {"code": types[r["hazard_type_id"]].code, "name": types[r["hazard_type_id"]].label, "found": r["n"]}
        for r in rows
    ]


def community_ranking(user: User, unit: OrgUnit, hazards: QuerySet[Hazard], w: Window) -> list[dict]:
    """Each community in the unit: its loop figures this year and archive completeness. Ranked by
    on-time rate, then fewest overdue, then most closed (no closings rank last)."""
    closed = Q(closed_at__gte=w.year_start)
    loop = {
        r["community_id"]: r
        for r in hazards.values("community_id").annotate(
            found=Count("id", filter=Q(found_at__gte=w.year_start)),
            closed=Count("id", filter=closed),
            on_time=Count("id", filter=closed & (Q(deadline__isnull=True) | Q(closed_at__lte=F("deadline")))),
            open=Count("id", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("id", filter=Q(state__in=OPEN_STATES, deadline__lt=w.now)),
        )
    }
    archive = {
        r["community_id"]: r
        for r in _venues(user, unit)
        .exclude(business_status=BusinessStatus.CLOSED)
        .values("community_id")
        .annotate(venues=Count("id"), complete=Count("id", filter=Q(elements_present=len(FIVE_ELEMENTS))))
    }
    units = OrgUnit.objects.filter(pk__in=set(loop) | set(archive)).values_list("pk", "name")
    rows = []
    for pk, name in units:
        h = loop.get(pk, {})
        v = archive.get(pk, {})
        rows.append(
            {
                "id": pk,
                "name": name,
                "found_this_year": h.get("found", 0),
                "closed_this_year": h.get("closed", 0),
                "on_time_rate": _rate(h.get("on_time", 0), h.get("closed", 0)),
                "open": h.get("open", 0),
                "overdue": h.get("overdue", 0),
                "venues": v.get("venues", 0),
                "completeness_rate": _rate(v.get("complete", 0), v.get("venues", 0)),
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
        Inspection.objects.filter(inspection_filter(user), org_path__startswith=unit.path)
        .order_by("-ended_at", "-id")
        .values("id", "ended_at", "venue__sign_name", "community__name", "inspector__full_name", "inspector__username")[
            :limit
        ]
    )
    events = (
        HazardEvent.objects.filter(
            kind__in=FEED_EVENT_KINDS,
            hazard__in=Hazard.objects.filter(hazard_filter(user), org_path__startswith=unit.path),
        )
        .order_by("-at", "-id")
        .values(
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
    )
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


def change_marker(user: User, unit: OrgUnit) -> str:
    """Changes whenever something the screen shows may have changed: the newest inspection,
    hazard event, self-check and risk score in the unit. Cheap: four index lookups."""
    parts = [
        Inspection.objects.filter(org_path__startswith=unit.path).aggregate(m=Max("id"))["m"],
        HazardEvent.objects.filter(hazard__org_path__startswith=unit.path).aggregate(m=Max("id"))["m"],
        SelfCheck.objects.filter(org_path__startswith=unit.path).aggregate(m=Max("id"))["m"],
        Venue.objects.filter(org_path__startswith=unit.path).aggregate(m=Max("updated_at"))["m"],
    ]
    return "-".join(str(p.timestamp() if isinstance(p, dt.datetime) else (p or 0)) for p in parts)


def screen_summary(*, user: User, unit: OrgUnit, now: dt.datetime | None = None) -> dict:
    """Everything the big screen shows for `unit`, within what `user` may see."""
    w = window(now)
    hazards = _hazards(user, unit)
    return {
        "org_unit": {"id": unit.pk, "name": unit.name, "level": unit.level},
        "generated_at": w.now,
        "today": w.today,
        "venues": venue_counts(_venues(user, unit)),
        "inspections": inspection_counts(user, unit, w),
        "hazards": loop_counts(hazards, w),
        "self_checks": punch_in_counts(user, unit, w),
        "risk_levels": risk_level_counts(user, unit),
        "daily": daily_series(hazards, w),
        "top_hazard_types": top_hazard_types(hazards, w),
        "communities": community_ranking(user, unit, hazards, w),
        "feed": live_feed(user, unit),
    }


def screen_map(*, user: User, unit: OrgUnit) -> list[tuple[float, float, str, int]]:
    """(lat, lng, risk level, open hazards) of every located venue in business in the unit (WGS-84)."""
    venues = _venues(user, unit).filter(business_status=BusinessStatus.OPEN, lat__isnull=False, lng__isnull=False)
    open_by_venue = dict(
        _hazards(user, unit)
        .filter(state__in=OPEN_STATES)
        .values("venue_id")
        .annotate(n=Count("id"))
        .values_list("venue_id", "n")
    )
    rows = venues.values_list("pk", "lat", "lng", "risk__level").order_by("pk")
    return [(lat, lng, level or "", open_by_venue.get(pk, 0)) for pk, lat, lng, level in rows]
