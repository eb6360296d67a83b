"""Scoped reads behind the printed documents: the rectification notice of an inspection and the
weekly / monthly summary report of an area. Nothing here writes; every figure comes from the
selectors the pages, the big screen and the API use, so a printed number equals the on-screen one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from venuesafe.accounts.models import User
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.dashboard import selectors as dashboard_selectors
from venuesafe.hazards import selectors as hazard_selectors
from venuesafe.hazards.models import EventKind, Hazard, HazardEvent, HazardState
from venuesafe.inspections.models import Inspection
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.selfchecks import selectors as selfcheck_selectors
from venuesafe.venues import selectors as venue_selectors

# The overdue and escalated lists of one report print at most this many rows each (the totals are
# always printed): a street's report stays a document someone reads, not a ledger (issue 6 has those).
REPORT_LIST_CAP = 500
TOP_HAZARD_TYPES = 10

PERIOD_WEEK = "week"
PERIOD_MONTH = "month"
PERIODS = (PERIOD_WEEK, PERIOD_MONTH)


# --- the rectification notice ----------------------------------------------------------------


@dataclass(frozen=True)
class NoticeItem:
    hazard: Hazard
    note: str  # what the inspector wrote at this inspection, else the order's description


@dataclass(frozen=True)
class NoticeData:
    inspection: Inspection
    street: OrgUnit | None  # the street the venue belongs to: it issues the notice
    items: list[NoticeItem]

    @property
    def year(self) -> int:
        return timezone.localtime(self.inspection.ended_at).year

    @property
    def issuer_prefix(self) -> str:
        """The street's short name as Chinese document numbers use it: 陈桥街道 → 陈桥."""
        if self.street is None:
            return self.inspection.community.name
        return self.street.name.removesuffix("街道") or self.street.name


def street_of(unit: OrgUnit) -> OrgUnit | None:
    node: OrgUnit | None = unit
    while node is not None and node.level != OrgLevel.STREET:
        node = node.parent
    return node


def notice_data(*, user: User, inspection: Inspection) -> NoticeData:
    """The hazards an inspection found (or added a finding to), in the order of its answers.

    `inspection` comes from inspections.selectors.inspection_get (already scoped); the hazards are
    read through hazards.selectors as on the inspection page. Withdrawn orders (recorded by
    mistake) are left off a paper served on the merchant.
    """
    answers = list(
        inspection.answers.filter(hazard__isnull=False).order_by("id").values_list("hazard_id", "note", named=True)
    )
    hazards = {
        h.pk: h
        for h in hazard_selectors.hazard_list(user=user)
        .filter(Q(inspection_answers__inspection=inspection) | Q(inspection=inspection))
        .exclude(state=HazardState.WITHDRAWN)
        .select_related("hazard_type")
        .distinct()
    }
    items: list[NoticeItem] = []
    seen: set[int] = set()
    for answer in answers:
        hazard = hazards.get(answer.hazard_id)
        if hazard is None or hazard.pk in seen:
            continue
        seen.add(hazard.pk)
        items.append(NoticeItem(hazard=hazard, note=(answer.note or hazard.description).strip()))
    # Linked to the inspection without an answer (the services do not make those today).
    unanswered = sorted(set(hazards) - seen)
    items.extend(NoticeItem(hazard=hazards[pk], note=hazards[pk].description.strip()) for pk in unanswered)
    community = inspection.venue.community
    return NoticeData(inspection=inspection, street=street_of(community), items=items)


# --- the summary report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # week | month
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def iso_week(self) -> tuple[int, int]:
        year, week, _day = self.start.isocalendar()
        return year, week


def report_period(*, kind: str, day: str | dt.date | None, today: dt.date | None = None) -> Period:
    """The ISO week (Monday–Sunday) or the calendar month containing `day` (default today).

    Raises InvalidInput for an unknown kind, a date that is not YYYY-MM-DD, or a period that has
    not begun (nothing to report yet).
    """
    today = today or clock.local_today()
    if kind not in PERIODS:
        msg = _("Choose a week or a month.")
        raise InvalidInput(msg, fields={"period": [msg]})
    if day in (None, ""):
        day = today
    elif not isinstance(day, dt.date):
        try:
            day = dt.date.fromisoformat(str(day).strip())
        except ValueError:
            msg = _("Enter a date as YYYY-MM-DD.")
            raise InvalidInput(msg, fields={"date": [msg]}) from None
    if kind == PERIOD_WEEK:
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
    else:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if start > today:
        msg = _("This period has not begun yet.")
        raise InvalidInput(msg, fields={"date": [msg]})
    return Period(kind=kind, start=start, end=end)


def report_org_units(*, user: User) -> list[OrgUnit]:
    """The units a user may report on: those of the big screen (district, street, community)."""
    return dashboard_selectors.screen_org_units(user=user)


def report_org_unit(*, user: User, org_unit_id: str | int | None) -> OrgUnit:
    """The unit asked for, if the user may report on it. No number → 400; not theirs → 403."""
    units = report_org_units(user=user)
    if not units:
        raise NotAllowed(_("You have no area to report on."), code="no_report_area")
    raw = "" if org_unit_id is None else str(org_unit_id).strip()
    if not raw:
        return units[0]  # ordered by path: the user's highest unit
    if not raw.isdigit():
        msg = _("Choose an area.")
        raise InvalidInput(msg, fields={"org_unit": [msg]})
    for unit in units:
        if unit.pk == int(raw):
            return unit
    raise NotAllowed(_("You may not report on this area."), code="report_area_out_of_scope")


@dataclass
class SummaryReport:
    unit: OrgUnit
    period: Period
    generated_at: dt.datetime
    loop: hazard_selectors.LoopFigures
    inspections: int
    punch_in_rate: float | None  # mean of the daily rates over the days of the period so far
    punch_in_days: int
    punch_in_expected: int  # venues expected to punch in (as they are now)
    venues: dict  # dashboard.selectors.venue_counts: archived, in_business, complete, completeness_rate
    daily: list[dict]  # [{"day", "found", "closed"}] for every day of the period
    top_hazard_types: list[dict]  # [{"code", "name", "found"}]
    communities: list[dict]
    overdue: list[dict] = field(default_factory=list)
    overdue_total: int = 0
    escalated: list[dict] = field(default_factory=list)
    escalated_total: int = 0


def _overdue_days(deadline: dt.datetime | None, until: dt.datetime) -> int | None:
    if deadline is None or until <= deadline:
        return None
    return math.floor((until - deadline).total_seconds() / 86400)


def summary_report(*, user: User, unit: OrgUnit, period: Period, now: dt.datetime | None = None) -> SummaryReport:
    """Everything the summary report prints for `unit` over `period`, within what `user` may see.

    Found, closed, on-time rate and mean rectification time are loop_figures' for the period;
    open and overdue are as of now. Withdrawn orders count nowhere.
    """
    now = now or clock.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    figures = hazard_selectors.loop_figures(user=user, date_from=period.start, date_to=period.end, org_unit=unit)
    inspections = sum(r["inspections"] for r in figures.inspections_by_inspector)

    # Punch-ins: only the days of the period that have begun count (a week in progress is not
    # dragged down by days still to come).
    last = min(period.end, today)
    checks = selfcheck_selectors.self_check_figures(
        user=user, day=last, date_from=period.start, date_to=last, org_unit=unit
    )
    rates = [d["rate"] for d in checks.daily if d["rate"] is not None]
    punch_in_rate = round(sum(rates) / len(rates), 4) if rates else None

    venues = dashboard_selectors.venue_counts(
        venue_selectors.venue_queryset(user=user).filter(org_path__startswith=unit.path)
    )

    hazards = hazard_selectors.hazard_list(user=user, org_unit=unit).exclude(state=HazardState.WITHDRAWN)
    found = dict(
        hazards.filter(found_at__gte=start, found_at__lt=end)
        .annotate(d=TruncDate("found_at", tzinfo=tz))
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    closed = dict(
        hazards.filter(closed_at__gte=start, closed_at__lt=end)
        .annotate(d=TruncDate("closed_at", tzinfo=tz))
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    daily = [{"day": d, "found": found.get(d, 0), "closed": closed.get(d, 0)} for d in period.days]

    top = [
        {"code": r["code"], "name": r["name"], "found": r["found"]}
        for r in sorted(figures.by_hazard_type, key=lambda r: (-r["found"], r["code"]))
        if r["found"]
    ][:TOP_HAZARD_TYPES]

    completeness = {
        c.org_unit_id: c
        for c in venue_selectors.venue_completeness_by_community(user=user, within=unit)
        if c.org_unit_id is not None
    }
    loop_rows = {r["id"]: r for r in figures.by_community}
    names = dict(OrgUnit.objects.filter(pk__in=set(completeness) | set(loop_rows)).values_list("pk", "name"))
    communities = []
    for pk, name in names.items():
        r = loop_rows.get(pk, {})
        c = completeness.get(pk)
        communities.append(
            {
                "id": pk,
                "name": name,
                "venues": c.venues if c else 0,
                "completeness_rate": round(c.complete / c.venues, 4) if c and c.venues else None,
                "found": r.get("found", 0),
                "closed": r.get("closed", 0),
                "on_time_rate": r.get("on_time_rate"),
                "open": r.get("open", 0),
                "overdue": r.get("overdue", 0),
            }
        )
    communities.sort(key=lambda r: (-r["found"], -r["open"], r["name"]))

    overdue_qs = (
        hazard_selectors.hazard_list(user=user, org_unit=unit, overdue=True)
        .select_related("venue", "hazard_type", "community")
        .order_by("deadline", "id")
    )
    overdue = [
        {
            "hazard_id": h.pk,
            "venue": h.venue.sign_name,
            "community": h.community.name,
            "hazard_type": h.hazard_type,
            "deadline": h.deadline,
            "days_overdue": _overdue_days(h.deadline, now),
            "escalation_level": h.escalation_level,
            "state": h.state,
        }
        for h in overdue_qs[:REPORT_LIST_CAP]
    ]

    events = (
        HazardEvent.objects.filter(kind=EventKind.ESCALATED, at__gte=start, at__lt=end, hazard__in=hazards.values("pk"))
        .select_related("hazard__venue", "hazard__hazard_type", "hazard__community")
        .order_by("at", "id")
    )
    escalated = []
    for e in events[:REPORT_LIST_CAP]:
        h = e.hazard
        deadline = _event_deadline(e) or h.deadline
        escalated.append(
            {
                "hazard_id": h.pk,
                "at": e.at,
                "venue": h.venue.sign_name,
                "community": h.community.name,
                "hazard_type": h.hazard_type,
                "deadline": deadline,
                # Overdue until it was closed, or until now while it is open.
                "days_overdue": _overdue_days(deadline, h.closed_at or now),
                "escalation_level": e.data.get("level", h.escalation_level),
                "state": h.state,
            }
        )

    return SummaryReport(
        unit=unit,
        period=period,
        generated_at=now,
        loop=figures.total,
        inspections=inspections,
        punch_in_rate=punch_in_rate,
        punch_in_days=len(checks.daily),
        punch_in_expected=checks.total.expected,
        venues=venues,
        daily=daily,
        top_hazard_types=top,
        communities=communities,
        overdue=overdue,
        overdue_total=overdue_qs.count() if len(overdue) == REPORT_LIST_CAP else len(overdue),
        escalated=escalated,
        escalated_total=events.count() if len(escalated) == REPORT_LIST_CAP else len(escalated),
    )


def _event_deadline(event: HazardEvent) -> dt.datetime | None:
    """The deadline the order was escalated from (kept in the event; a later extension moves the order's)."""
    raw = (event.data or {}).get("deadline")
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return None
