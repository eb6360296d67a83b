"""Scoped reads of hazards and the loop's figures. Nothing outside the user's scope is returned."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.org.models import OrgUnit
from venuesafe.venues.models import VenueCategory, VenueMerchant

from .models import OPEN_STATES, Hazard, HazardEvent, HazardSource, HazardState, HazardType


def hazard_filter(user: User) -> Q:
    """The hazards a user may see: those of the venues in their scope, and those they answer for."""
    scope = user_scope(user=user)
    q = scope.area_filter()
    for a in scope.assignments:
        if a.role == Role.DEPARTMENT_VIEWER:
            q |= Q(org_path__startswith=a.org_unit.path, responsible_department_id=a.department_id)
    return q


def hazard_queryset(*, user: User) -> QuerySet[Hazard]:
    return Hazard.objects.filter(hazard_filter(user))


def hazard_list(
    *,
    user: User,
    state: str = "",
    overdue: bool | None = None,
    org_unit: OrgUnit | None = None,
    category: VenueCategory | None = None,
    hazard_type: HazardType | None = None,
    venue_id: int | None = None,
    responsible_to_me: bool = False,
    search: str = "",
) -> QuerySet[Hazard]:
    qs = hazard_queryset(user=user).select_related(
        "venue", "hazard_type", "community", "responsible_community", "responsible_department"
    )
    now = clock.now()
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if overdue is True:
        qs = qs.filter(state__in=OPEN_STATES, deadline__lt=now)
    elif overdue is False:
        qs = qs.exclude(state__in=OPEN_STATES, deadline__lt=now)
    if org_unit is not None:
        qs = qs.filter(org_path__startswith=org_unit.path)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if hazard_type is not None:
        qs = qs.filter(hazard_type=hazard_type)
    if venue_id is not None:
        qs = qs.filter(venue_id=venue_id)
    if responsible_to_me:
        qs = qs.filter(_responsible_to(user))
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(venue__sign_name__icontains=search) | Q(venue__address__icontains=search))
    return qs


def _responsible_to(user: User) -> Q:
    scope = user_scope(user=user)
    q = Q(responsible_merchant=True, venue_id__in=VenueMerchant.objects.filter(user_id=user.pk).values("venue_id"))
    for a in scope.assignments:
        if a.role == Role.COMMUNITY_STAFF:
            q |= Q(responsible_community__path__startswith=a.org_unit.path)
        if a.role == Role.DEPARTMENT_VIEWER:
            q |= Q(responsible_department_id=a.department_id, org_path__startswith=a.org_unit.path)
    return q


def hazard_get(*, user: User, pk: int) -> Hazard:
    hazard = hazard_list(user=user).filter(pk=pk).first()
    if hazard is None:
        raise Http404
    return hazard


def hazard_events(*, hazard: Hazard) -> QuerySet[HazardEvent]:
    return hazard.events.select_related("actor").prefetch_related("photos").order_by("at", "id")


def merchant_open_hazards(*, user: User) -> QuerySet[Hazard]:
    """A merchant's own open work orders, nearest deadline first."""
    venue_ids = VenueMerchant.objects.filter(user_id=user.pk).values("venue_id")
    return (
        Hazard.objects.filter(venue_id__in=venue_ids, state__in=OPEN_STATES)
        .select_related("venue", "hazard_type")
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )


def reviews_due(*, user: User) -> QuerySet[Hazard]:
    """Orders awaiting review (复核) in the places where the user may review."""
    scope = user_scope(user=user)
    reviewer_roles = {Role.INSPECTOR, Role.COMMUNITY_STAFF, Role.STREET_OFFICE, Role.DISTRICT_ADMIN}
    q = Q() if scope.is_superuser else Q(pk__in=[])
    for a in scope.assignments:
        if a.role in reviewer_roles:
            q |= Q(org_path__startswith=a.org_unit.path)
        elif a.role == Role.GRID_WORKER:  # light review of merchants' own fixes
            q |= Q(org_path__startswith=a.org_unit.path, source=HazardSource.SELF_CHECK)
    return (
        Hazard.objects.filter(q, state=HazardState.AWAITING_REVIEW)
        .select_related("venue", "hazard_type")
        .order_by("proof_submitted_at", "id")
    )


# --- figures -------------------------------------------------------------------------------


@dataclass
class LoopFigures:
    found: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue: int = 0
    mean_hours: float | None = None
    median_hours: float | None = None
    durations: list[float] = field(default_factory=list, repr=False)

    @property
    def on_time_rate(self) -> float | None:
        return round(self.closed_on_time / self.closed, 4) if self.closed else None

    def as_dict(self) -> dict:
        return {
            "found": self.found,
            "closed": self.closed,
            "closed_on_time": self.closed_on_time,
            "on_time_rate": self.on_time_rate,
            "open": self.open,
            "overdue": self.overdue,
            "mean_rectification_hours": self.mean_hours,
            "median_rectification_hours": self.median_hours,
        }


def _finish(fig: LoopFigures) -> LoopFigures:
    if fig.durations:
        fig.mean_hours = round(statistics.fmean(fig.durations), 1)
        fig.median_hours = round(statistics.median(fig.durations), 1)
    fig.durations = []
    return fig


@dataclass
class FiguresReport:
    date_from: dt.date
    date_to: dt.date
    total: LoopFigures
    by_community: list[dict]
    by_category: list[dict]
    by_hazard_type: list[dict]
    inspections_by_inspector: list[dict]


def loop_figures(
    *,
    user: User,
    date_from: dt.date,
    date_to: dt.date,
    org_unit: OrgUnit | None = None,
    category: VenueCategory | None = None,
    hazard_type: HazardType | None = None,
) -> FiguresReport:
    """Hazards found and closed in [date_from, date_to] (Shanghai days), rectification time
    (found → closed) of those closed, on-time rate (closed by the deadline ÷ closed), open and
    overdue now; overall and by community, top-level category and hazard type; inspections per inspector.
    Withdrawn orders count nowhere."""
    from django.utils import timezone

    from venuesafe.inspections.models import Inspection, LocationStatus
    from venuesafe.inspections.selectors import inspection_filter

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    now = clock.now()

    base = hazard_list(user=user, org_unit=org_unit, category=category, hazard_type=hazard_type)
    base = base.exclude(state=HazardState.WITHDRAWN)

    categories = {c.pk: c for c in VenueCategory.objects.all()}

    def top_category_id(cat_id: int) -> int:
        c = categories.get(cat_id)
        return c.parent_id or c.pk if c else cat_id

    total = LoopFigures()
    groups: dict[str, dict] = {"community": {}, "category": {}, "hazard_type": {}}

    def bucket(kind: str, key) -> LoopFigures:
        return groups[kind].setdefault(key, LoopFigures())

    def buckets(row) -> list[LoopFigures]:
        return [
            total,
            bucket("community", row["community_id"]),
            bucket("category", top_category_id(row["category_id"])),
            bucket("hazard_type", row["hazard_type_id"]),
        ]

    cols = ("community_id", "category_id", "hazard_type_id")
    for row in base.filter(found_at__gte=start, found_at__lt=end).values(*cols).annotate(n=Count("id")):
        for f in buckets(row):
            f.found += row["n"]
    for row in base.filter(closed_at__gte=start, closed_at__lt=end).values(*cols, "found_at", "closed_at", "deadline"):
        hours = (row["closed_at"] - row["found_at"]).total_seconds() / 3600
        on_time = row["deadline"] is None or row["closed_at"] <= row["deadline"]
        for f in buckets(row):
            f.closed += 1
            f.closed_on_time += int(on_time)
            f.durations.append(hours)
    open_rows = (
        base.filter(state__in=OPEN_STATES)
        .values(*cols)
        .annotate(n=Count("id"), late=Count("id", filter=Q(deadline__lt=now)))
    )
    for row in open_rows:
        for f in buckets(row):
            f.open += row["n"]
            f.overdue += row["late"]

    names = {
        "community": dict(OrgUnit.objects.filter(pk__in=groups["community"].keys()).values_list("pk", "name")),
        "category": {pk: categories[pk].label for pk in groups["category"] if pk in categories},
        "hazard_type": {
            pk: (code, label)
            for pk, code, label in [
                (t.pk, t.code, t.label) for t in HazardType.objects.filter(pk__in=groups["hazard_type"].keys())
            ]
        },
    }

    def rows(kind: str) -> list[dict]:
        out = []
        for key, fig in groups[kind].items():
            item = {"id": key, **_finish(fig).as_dict()}
            if kind == "hazard_type":
                item["code"], item["name"] = names[kind].get(key, ("", ""))
            else:
                item["name"] = names[kind].get(key, "")
            out.append(item)
        return sorted(out, key=lambda r: (-r["found"], -r["open"], str(r["name"])))

    insp = Inspection.objects.filter(inspection_filter(user), ended_at__gte=start, ended_at__lt=end)
    if org_unit is not None:
        insp = insp.filter(org_path__startswith=org_unit.path)
    if category is not None:
        insp = insp.filter(Q(category=category) | Q(category__parent=category))
    by_inspector = (
        insp.values("inspector_id", "inspector__full_name", "inspector__username")
        .annotate(
            inspections=Count("id"),
            off_site=Count("id", filter=Q(location_status=LocationStatus.OFF_SITE)),
            venues=Count("venue_id", distinct=True),
        )
        .order_by("-inspections", "inspector_id")
    )
    hazards_by_inspector = dict(
        base.filter(found_at__gte=start, found_at__lt=end, inspection__isnull=False)
        .values_list("found_by_id")
        .annotate(n=Count("id"))
        .values_list("found_by_id", "n")
    )
    inspections_by_inspector = [
        {
            "inspector_id": r["inspector_id"],
            "name": r["inspector__full_name"] or r["inspector__username"],
            "inspections": r["inspections"],
            "off_site": r["off_site"],
            "venues": r["venues"],
            "hazards_found": hazards_by_inspector.get(r["inspector_id"], 0),
        }
        for r in by_inspector
    ]
    return FiguresReport(
        date_from=date_from,
        date_to=date_to,
        total=_finish(total),
        by_community=rows("community"),
        by_category=rows("category"),
        by_hazard_type=rows("hazard_type"),
        inspections_by_inspector=inspections_by_inspector,
    )


def hazard_types_for_category(*, category: VenueCategory | None = None) -> QuerySet[HazardType]:
    """The active catalogue (reference data, the same for everyone); with a category, what applies to it."""
    types = HazardType.objects.filter(is_active=True)
    if category is not None:
        ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
        types = types.filter(Q(applies_to_all=True) | Q(categories__in=ids)).distinct()
    return types.order_by("sort_order", "code")
