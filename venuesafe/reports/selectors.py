"""Reads of resident reports: the public status (by reference, nothing personal) and staff triage (scoped)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import geo
from venuesafe.hazards.models import OPEN_STATES, Hazard, HazardState
from venuesafe.hazards.selectors import hazard_queryset
from venuesafe.venues.models import Venue
from venuesafe.venues.selectors import NearVenue, venue_list_near

from .models import REFERENCE_ALPHABET, ReportCategory, ReportState, ResidentReport
from .services import TRIAGERS


def public_categories() -> QuerySet[ReportCategory]:
    return ReportCategory.objects.filter(is_public=True).order_by("sort_order", "code")


def nearest_archived_venue(*, lat: float, lng: float, radius_m: float) -> tuple[Venue, float] | None:
    """The archived venue nearest a point (any status, anyone's scope: this decides who triages)."""
    box = geo.bounding_box(lat, lng, radius_m)
    cells = geo.cells_covering(box)
    where = Q(lat__range=(box.min_lat, box.max_lat), lng__range=(box.min_lng, box.max_lng))
    if cells is not None:
        where &= Q(geo_cell__in=cells)
    best: tuple[int, float] | None = None
    for vid, vlat, vlng in Venue.objects.filter(where).order_by().values_list("id", "lat", "lng"):
        d = geo.distance_m(lat, lng, vlat, vlng)
        if d <= radius_m and (best is None or d < best[1] or (d == best[1] and vid < best[0])):
            best = (vid, d)
    if best is None:
        return None
    return Venue.objects.select_related("community__parent").get(pk=best[0]), best[1]


# --- public --------------------------------------------------------------------------------

_REF_RE = re.compile(f"^[{REFERENCE_ALPHABET}]{{8}}$")


def normalize_reference(value: str) -> str:
    """ "r7k3 9qxm", "R7K39QXM" → "R7K3-9QXM"; "" when it cannot be a reference."""
    raw = re.sub(r"[\s\-]", "", value or "").upper()
    if not _REF_RE.match(raw):
        return ""
    return f"{raw[:4]}-{raw[4:]}"


def report_by_reference(*, reference: str) -> ResidentReport:
    """Public: the reference is the only key (unguessable). 404 when none matches."""
    ref = normalize_reference(reference)
    report = ResidentReport.objects.select_related("category", "hazard").filter(reference=ref).first() if ref else None
    if report is None:
        raise Http404
    return report


def public_status(report: ResidentReport) -> str:
    """Open311 status: closed when dismissed or when its hazard is closed (or withdrawn); else open."""
    if report.state == ReportState.DISMISSED:
        return "closed"
    hazard = report.hazard
    if hazard is not None and hazard.state in (HazardState.CLOSED, HazardState.WITHDRAWN):
        return "closed"
    return "open"


# The loop as the reporter sees it.
LOOP_STAGES = [
    ("received", gettext_lazy("Received")),
    ("accepted", gettext_lazy("Accepted")),
    ("dispatched", gettext_lazy("Dispatched")),
    ("rectifying", gettext_lazy("Being fixed")),
    ("review", gettext_lazy("Fix being checked")),
    ("closed", gettext_lazy("Closed")),
]
_STAGE_OF_STATE = {
    HazardState.FOUND: "accepted",
    HazardState.DISPATCHED: "dispatched",
    HazardState.RECTIFYING: "rectifying",
    HazardState.AWAITING_REVIEW: "review",
    HazardState.CLOSED: "closed",
}


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    done: bool
    current: bool
    at: dt.datetime | None


@dataclass(frozen=True)
class PublicReportStatus:
    reference: str
    category: str
    submitted_at: dt.datetime
    updated_at: dt.datetime
    state: str
    state_label: str
    status: str  # open / closed (Open311)
    text: str
    dismiss_reason: str
    stages: list[Stage]


def _stage_times(report: ResidentReport, hazard: Hazard | None) -> dict[str, dt.datetime | None]:
    times: dict[str, dt.datetime | None] = {"received": report.submitted_at, "accepted": report.triaged_at}
    if hazard is None:
        return times
    for to_state, at in hazard.events.order_by("at", "id").values_list("to_state", "at"):
        stage = _STAGE_OF_STATE.get(to_state)
        if stage and stage != "accepted":
            times[stage] = at  # the latest time the loop reached it (a reopened order goes round again)
    return times


def public_report_status(report: ResidentReport) -> PublicReportStatus:
    """What the reporter reads: category, state, dates, the reason of a dismissal and the loop's progress.

    Never the contact data, the venue's staff or the hazard's notes."""
    hazard = report.hazard
    status = public_status(report)
    stages: list[Stage] = []
    if report.state == ReportState.DISMISSED:
        text = _("The report was not taken up. The reason is given below.")
        stages = [
            Stage("received", str(LOOP_STAGES[0][1]), True, False, report.submitted_at),
            Stage("dismissed", _("Not taken up"), True, True, report.triaged_at),
        ]
    else:
        if report.state == ReportState.NEW:
            current = "received"
            text = _("The report was received and waits for the community to look at it.")
        elif hazard is not None and hazard.state == HazardState.WITHDRAWN:
            current = "closed"
            text = _("The work order was withdrawn by the street office.")
        else:
            current = _STAGE_OF_STATE.get(hazard.state, "accepted") if hazard else "accepted"
            text = {
                "accepted": _("The community took the report up as a hazard; it will be sent for fixing."),
                "dispatched": _("The hazard was sent to those who must fix it."),
                "rectifying": _("The hazard is being fixed."),
                "review": _("The fix is being checked on site."),
                "closed": _("The hazard was fixed and checked. Thank you for your report."),
            }[current]
            if report.state == ReportState.MERGED:
                text = _("Others reported the same problem; your report was added to it.") + " " + text
        times = _stage_times(report, hazard)
        index = [code for code, _label in LOOP_STAGES].index(current)
        for i, (code, label) in enumerate(LOOP_STAGES):
            stages.append(Stage(code, str(label), i <= index, i == index, times.get(code) if i <= index else None))
    return PublicReportStatus(
        reference=report.reference,
        category=report.category.label,
        submitted_at=report.submitted_at,
        updated_at=max(filter(None, [report.updated_at, hazard.updated_at if hazard else None])),
        state=report.state,
        state_label=str(report.get_state_display()),
        status=status,
        text=str(text),
        dismiss_reason=report.dismiss_reason if report.state == ReportState.DISMISSED else "",
        stages=stages,
    )


# --- staff ---------------------------------------------------------------------------------


def triage_filter(user: User) -> Q:
    """Reports a user may triage: those whose triaging unit lies at or under a triage role of theirs."""
    scope = user_scope(user=user)
    if scope.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for a in scope.assignments:
        if a.role in TRIAGERS:
            q |= Q(org_path__startswith=a.org_unit.path)
    return q


def may_see_triage(*, user: User) -> bool:
    scope = user_scope(user=user)
    return scope.is_superuser or bool(scope.roles & TRIAGERS)


def report_triage_list(*, user: User, state: str = ReportState.NEW) -> QuerySet[ResidentReport]:
    qs = ResidentReport.objects.filter(triage_filter(user)).select_related("category", "community", "venue", "hazard")
    if state and state != "all":
        qs = qs.filter(state=state)
    return qs.order_by("-submitted_at", "-id")


def report_get_for_staff(*, user: User, pk: int) -> ResidentReport:
    report = report_triage_list(user=user, state="all").prefetch_related("photos").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def nearby_venues(*, user: User, report: ResidentReport, radius_m: float | None = None) -> list[NearVenue]:
    from django.conf import settings

    if report.lat is None:
        return []
    radius = radius_m or settings.REPORTS_NEAR_VENUES_RADIUS_M
    return venue_list_near(user=user, lat=report.lat, lng=report.lng, radius_m=radius, limit=20)


def open_hazards_at(*, user: User, venue_ids: list[int]) -> QuerySet[Hazard]:
    return (
        hazard_queryset(user=user)
        .filter(venue_id__in=venue_ids, state__in=OPEN_STATES)
        .select_related("venue", "hazard_type")
        .order_by("venue_id", "-found_at")
    )


def open_reports_at_venue(*, venue: Venue, now: dt.datetime, days: int) -> int:
    """Reports at a venue in the last `days` days that are still open: new, or linked to an open hazard."""
    since = now - dt.timedelta(days=days)
    return (
        ResidentReport.objects.filter(venue=venue, submitted_at__gte=since, submitted_at__lte=now)
        .filter(
            Q(state=ReportState.NEW)
            | Q(state__in=(ReportState.ACCEPTED, ReportState.MERGED), hazard__state__in=OPEN_STATES)
        )
        .count()
    )
