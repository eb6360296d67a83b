"""Risk pages: a venue's explained risk score, the candidate major hazards of an area, today's
patrol list in walking order, and inspection coverage.

Thin: parse, call risk.selectors, render. A venue out of scope answers 404; a page the role may not
use answers 403. The small presentation helpers here are shared with risk.api so that the pages and
the API say the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput
from venuesafe.core.positions import parse_position
from venuesafe.hazards.models import HazardType
from venuesafe.inspections.selectors import last_inspection
from venuesafe.inspections.views import may_inspect
from venuesafe.venues.models import BusinessStatus, Venue
from venuesafe.venues.selectors import venue_get

from . import selectors
from .forms import CandidateFilterForm, CoverageForm
from .models import CandidateMajorFlag, RiskLevel, VenueRisk
from .services import RISK_POINTS, factor_label

PAGE_SIZE = 50

# Who uses which page. Merchants see none of them (their venue's score is for the staff).
RISK_ROLES = (
    Role.DISTRICT_ADMIN,
    Role.STREET_OFFICE,
    Role.COMMUNITY_STAFF,
    Role.GRID_WORKER,
    Role.INSPECTOR,
    Role.DEPARTMENT_VIEWER,
)
OFFICE_ROLES = (Role.STREET_OFFICE, Role.COMMUNITY_STAFF, Role.DISTRICT_ADMIN)
PATROL_ROLES = (Role.INSPECTOR, Role.GRID_WORKER)


def may_see_risk(user: User) -> bool:
    return user_scope(user=user).has_role(*RISK_ROLES)


def may_see_area_figures(user: User) -> bool:
    """Candidate major hazards and coverage: the street office, the communities and the district."""
    return user_scope(user=user).has_role(*OFFICE_ROLES)


def may_patrol(user: User) -> bool:
    return user_scope(user=user).has_role(*PATROL_ROLES)


# --- presentation shared with the API ------------------------------------------------------


def level_label(level: str | None) -> str:
    return str(RiskLevel(level).label) if level else ""


def factor_rows(risk: VenueRisk | None) -> list[dict]:
    """The stored factors with their label in the reader's language; their points add up to the score."""
    if risk is None:
        return []
    return [
        {"key": f["key"], "label": factor_label(f), "detail": f.get("detail", ""), "points": f["points"]}
        for f in risk.factors
    ]


@dataclass
class InspectionDue:
    level: str  # the level the frequency is taken from (blue while the venue is not scored)
    frequency_days: int
    last_inspected_at: dt.datetime | None
    next_due: dt.date | None  # None: never inspected, due now
    overdue_days: int  # days past next_due (0 when due today or not due yet)

    @property
    def is_due(self) -> bool:
        return self.next_due is None or self.next_due <= clock.local_today()


def inspection_due(venue: Venue, risk: VenueRisk | None) -> InspectionDue:
    """When the venue's next inspection is due, by the frequency its level requires — the rule the
    patrol plan and the coverage figure use: due on the day the frequency has run out."""
    level = risk.level if risk else RiskLevel.BLUE
    days = selectors.frequency_days(level)
    last = last_inspection(venue=venue)
    if last is None:
        return InspectionDue(level, days, None, None, 0)
    next_due = timezone.localtime(last.ended_at).date() + dt.timedelta(days=days)
    return InspectionDue(level, days, last.ended_at, next_due, max(0, (clock.local_today() - next_due).days))


def hazard_labels(flags: list[CandidateMajorFlag]) -> dict[str, str]:
    codes = {f["code"] for flag in flags for f in flag.factors}
    return {t.code: t.label for t in HazardType.objects.filter(code__in=codes)}


def flag_summary(flag: CandidateMajorFlag, labels: dict[str, str]) -> dict:
    """A flag's factors (hazard names in the reader's language) and why it was raised: a direct
    element, or how many distinct comprehensive elements against the threshold."""
    factors = [{**f, "label": labels.get(f["code"], f["name"])} for f in flag.factors]
    elements = sorted({f["element"] for f in factors if not f["direct"]})
    return {
        "flag": flag,
        "factors": factors,
        "direct": any(f["direct"] for f in factors),
        "elements": elements,
        "elements_count": len(elements),
        "threshold": flag.threshold,
    }


def frequency_rows() -> list[dict]:
    return [
        {"level": level.value, "label": level.label, "days": selectors.frequency_days(level.value)}
        for level in RiskLevel
    ]


def frequencies_text() -> str:
    return _("Required inspection frequency: %(list)s.") % {
        "list": "; ".join(
            _("%(level)s every %(days)d days") % {"level": r["label"], "days": r["days"]} for r in frequency_rows()
        )
    }


# --- a venue's risk -------------------------------------------------------------------------


@login_required
@require_GET
def venue_risk(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_see_risk(request.user):
        raise PermissionDenied
    venue = venue_get(user=request.user, pk=pk)
    risk = selectors.venue_risk(user=request.user, venue_id=venue.pk)
    flag = selectors.candidate_major_list(user=request.user).filter(venue=venue).first()
    factors = factor_rows(risk)
    thresholds = settings.RISK_LEVEL_THRESHOLDS
    context = {
        "venue": venue,
        "risk": risk,
        "factors": factors,
        "total": sum(f["points"] for f in factors),
        "due": inspection_due(venue, risk),
        "flag": flag_summary(flag, hazard_labels([flag])) if flag else None,
        "frequencies": frequency_rows(),
        "thresholds": [
            {"level": RiskLevel.RED, "label": RiskLevel.RED.label, "from": thresholds["red"]},
            {"level": RiskLevel.ORANGE, "label": RiskLevel.ORANGE.label, "from": thresholds["orange"]},
            {"level": RiskLevel.YELLOW, "label": RiskLevel.YELLOW.label, "from": thresholds["yellow"]},
            {"level": RiskLevel.BLUE, "label": RiskLevel.BLUE.label, "from": 0},
        ],
        "points": RISK_POINTS,
        "can_inspect": may_inspect(request.user, venue) and venue.business_status == BusinessStatus.OPEN,
    }
    return render(request, "risk/venue.html", context)


# --- candidate major hazards ----------------------------------------------------------------


@login_required
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    if not may_see_area_figures(request.user):
        raise PermissionDenied
    form = CandidateFilterForm(request.GET or None)
    include_cleared = bool(form.is_bound and form.is_valid() and form.cleaned_data["cleared"])
    flags = selectors.candidate_major_list(user=request.user, include_cleared=include_cleared)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = hazard_labels(list(page))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [flag_summary(flag, labels) for flag in page],
        "include_cleared": include_cleared,
        "query": query.urlencode(),
    }
    return render(request, "risk/candidates.html", context)


# --- today's patrol list --------------------------------------------------------------------


@login_required
@require_GET
def patrol(request: HttpRequest) -> HttpResponse:
    if not may_patrol(request.user):
        raise PermissionDenied
    error = None
    position = None
    try:
        position = parse_position(
            request.GET.get("lat"), request.GET.get("lng"), None, request.GET.get("coord_system") or None
        )
    except InvalidInput as exc:
        error = exc.message
    start = (position.lat, position.lng) if position else None
    today = clock.local_today()
    stops = selectors.patrol_plan(user=request.user, today=today, start=start)
    context = {
        "stops": [{"order": i, "stop": s, "level_label": level_label(s.level)} for i, s in enumerate(stops, 1)],
        "today": today,
        "position": position,
        "error": error,
        "route_m": sum(s.leg_m or 0 for s in stops),
        "daily_max": settings.PATROL_DAILY_MAX,
        "frequencies_text": frequencies_text(),
    }
    return render(request, "risk/patrol.html", context)


# --- coverage -------------------------------------------------------------------------------

COVERAGE_HELP = {
    "rate": gettext_lazy(
        "Open venues whose last inspection is more recent than the frequency their risk level requires, "
        "divided by all open venues. A venue not scored yet counts as blue; a venue never inspected is not covered."
    ),
    "venues": gettext_lazy("Open venues in the area."),
    "covered": gettext_lazy("Of those, venues inspected within the frequency their risk level requires."),
    "levels": gettext_lazy(
        "Venues by their latest risk level (red, orange, yellow, blue); the score is computed after every "
        "relevant change and every night."
    ),
}


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    if not may_see_area_figures(request.user):
        raise PermissionDenied
    form = CoverageForm(request.GET or None, user=request.user)
    org_unit = form.selected_org_unit()
    today = clock.local_today()
    total, rows = selectors.coverage(user=request.user, today=today, org_unit=org_unit)
    counts = selectors.risk_counts(user=request.user, org_unit=org_unit)
    context = {
        "form": form,
        "today": today,
        "total": total,
        "rows": rows,
        "levels": [
            {"level": level.value, "label": level.label, "count": counts.get(level.value, 0)} for level in RiskLevel
        ],
        "frequencies": frequency_rows(),
        "help": {**COVERAGE_HELP, "frequencies": frequencies_text()},
    }
    return render(request, "risk/coverage.html", context)
