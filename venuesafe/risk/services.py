"""Candidate major hazards and risk scores. Both are recomputed whenever something relevant to a
venue happens (a hazard event, an inspection, a punch-in: see risk.apps) and nightly by the
periodic command, and both are idempotent."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from venuesafe.accounts.models import Role
from venuesafe.core import clock
from venuesafe.hazards.models import OPEN_STATES, Hazard, HazardSource, HazardState
from venuesafe.notices.models import NoticeKind
from venuesafe.notices.services import notify
from venuesafe.venues.models import BusinessStatus, Venue, VenueMerchant

from .models import CandidateMajorFlag, CategoryRisk, RiskLevel, VenueRisk

# Points per factor. Documented on the venue's risk page next to each factor.
RISK_POINTS = {
    "open_general": 5,
    "open_serious": 10,
    "open_major": 20,
    "overdue": 8,
    "reopened": 4,
    "candidate_major": 25,
    "self_check_gap_per_day": 1,
    "self_check_gap_window_days": 14,
    "never_inspected": 15,
    "inspected_over_90_days": 10,
    "inspected_over_30_days": 5,
    "rule_hazard": 3,
    "found_last_year": 2,  # per hazard found in the last 365 days, whatever became of it
    "found_last_year_cap": 20,
}


def _category_risk(venue: Venue) -> CategoryRisk | None:
    category = venue.category
    top = category.parent if category.parent_id else category
    return CategoryRisk.objects.filter(category=top).first()


# --- candidate major hazards ---------------------------------------------------------------


def candidate_major_factors(venue: Venue) -> tuple[list[dict], int, bool]:
    """(factors, threshold, met) from the venue's open hazards whose type stands for a GB 35181 element."""
    cr = _category_risk(venue)
    threshold = cr.major_threshold if cr else 4
    hazards = (
        Hazard.objects.filter(venue=venue, state__in=OPEN_STATES, hazard_type__candidate_major_factor=True)
        .exclude(hazard_type__gb35181_element="")
        .select_related("hazard_type")
        .order_by("found_at", "id")
    )
    factors = [
        {
            "hazard": h.pk,
            "code": h.hazard_type.code,
            "name": h.hazard_type.name,
            "element": h.hazard_type.gb35181_element,
            "direct": h.hazard_type.gb35181_direct,
        }
        for h in hazards
    ]
    direct = any(f["direct"] for f in factors)
    comprehensive = {f["element"] for f in factors if not f["direct"]}
    return factors, threshold, direct or len(comprehensive) >= threshold


def evaluate_candidate_major(venue: Venue) -> CandidateMajorFlag | None:
    """Flag (and tell the street office) or clear. Returns the open flag, if any."""
    with transaction.atomic():
        Venue.objects.select_for_update().filter(pk=venue.pk).first()
        open_flag = CandidateMajorFlag.objects.filter(venue=venue, cleared_at__isnull=True).first()
        factors, threshold, met = candidate_major_factors(venue)
        if venue.business_status == BusinessStatus.CLOSED:
            met = False
        if not met:
            if open_flag is not None:
                open_flag.cleared_at = clock.now()
                open_flag.save(update_fields=["cleared_at"])
            return None
        if open_flag is not None:
            if open_flag.factors != factors:
                open_flag.factors = factors
                open_flag.direct = any(f["direct"] for f in factors)
                open_flag.save(update_fields=["factors", "direct"])
            return open_flag
        flag = CandidateMajorFlag.objects.create(
            venue=venue,
            factors=factors,
            threshold=threshold,
            direct=any(f["direct"] for f in factors),
            org_path=venue.org_path,
        )
        _tell_street_office(venue, flag)
        return flag


def _tell_street_office(venue: Venue, flag: CandidateMajorFlag) -> None:
    from venuesafe.accounts.models import RoleAssignment, User

    street = venue.community.parent
    ids = RoleAssignment.objects.filter(org_unit=street, role=Role.STREET_OFFICE, is_active=True).values("user_id")
    listed = "；".join(f"{f['code']} {f['name']}（GB 35181 {f['element']}）" for f in flag.factors)
    notify(
        recipients=list(User.objects.filter(pk__in=ids, is_active=True)),
        kind=NoticeKind.CANDIDATE_MAJOR,
        title=_("Candidate major fire hazard: %(venue)s") % {"venue": venue.sign_name},
        body=listed,
        url=reverse("risk:venue", args=[venue.pk]),
        dedupe_key=f"candidate_major:{flag.pk}",
    )


# --- risk score ----------------------------------------------------------------------------


def level_for(score: int) -> str:
    t = settings.RISK_LEVEL_THRESHOLDS
    if score >= t["red"]:
        return RiskLevel.RED
    if score >= t["orange"]:
        return RiskLevel.ORANGE
    if score >= t["yellow"]:
        return RiskLevel.YELLOW
    return RiskLevel.BLUE


FACTOR_LABELS = {
    "category": gettext_lazy("Category base risk"),
    "open_general": gettext_lazy("Open general hazards"),
    "open_serious": gettext_lazy("Open serious hazards"),
    "open_major": gettext_lazy("Open major hazards"),
    "overdue": gettext_lazy("Overdue work orders"),
    "reopened": gettext_lazy("Reopened or failed-review work orders"),
    "rule_hazard": gettext_lazy("Expired equipment (date rules)"),
    "candidate_major": gettext_lazy("Candidate major fire hazard"),
    "self_check_gap": gettext_lazy("Days without a self-check in the last %(n)d days"),
    "never_inspected": gettext_lazy("Never inspected"),
    "inspection_age": gettext_lazy("Not inspected for %(n)d days"),
    "found_last_year": gettext_lazy("Hazards found here in the last 12 months"),
    "resident_reports": gettext_lazy("Open resident reports in the last %(n)d days"),
}


def factor_label(factor: dict) -> str:
    """A stored factor's label in the reader's language (factors are stored by key, not by text)."""
    label = FACTOR_LABELS.get(factor.get("key"), factor.get("key", ""))
    return str(label) % {"n": factor["n"]} if "n" in factor else str(label)


def _factor(key: str, points: int, detail: str = "", n: int | None = None) -> dict:
    out = {"key": key, "points": int(points), "detail": detail}
    if n is not None:
        out["n"] = n
    return out


def risk_factors(venue: Venue, now: dt.datetime | None = None) -> list[dict]:
    """Every factor with its points; they add up to the score."""
    from venuesafe.inspections.models import Inspection
    from venuesafe.selfchecks.models import SelfCheck

    now = now or clock.now()
    today = timezone.localdate(now)
    p = RISK_POINTS
    factors = []
    cr = _category_risk(venue)
    factors.append(_factor("category", cr.base_points if cr else 10, str(venue.category)))

    open_hazards = list(
        Hazard.objects.filter(venue=venue, state__in=OPEN_STATES).values(
            "severity", "deadline", "reopen_count", "review_failures", "source"
        )
    )
    by_severity = {"general": 0, "serious": 0, "major": 0}
    for h in open_hazards:
        by_severity[h["severity"]] = by_severity.get(h["severity"], 0) + 1
    for severity in ("general", "serious", "major"):
        n = by_severity[severity]
        if n:
            factors.append(_factor(f"open_{severity}", n * p[f"open_{severity}"], f"{n} × {p[f'open_{severity}']}"))
    counts = {
        "overdue": sum(1 for h in open_hazards if h["deadline"] and h["deadline"] < now),
        "reopened": sum(1 for h in open_hazards if h["reopen_count"] or h["review_failures"]),
        "rule_hazard": sum(1 for h in open_hazards if h["source"] == HazardSource.DATE_RULE),
    }
    for key, n in counts.items():
        if n:
            factors.append(_factor(key, n * p[key], f"{n} × {p[key]}"))
    # Where hazards were found before, they tend to come back (closed ones count too).
    found = (
        Hazard.objects.filter(venue=venue, found_at__gte=now - dt.timedelta(days=365), found_at__lte=now)
        .exclude(state=HazardState.WITHDRAWN)
        .count()
    )
    if found:
        points = min(found * p["found_last_year"], p["found_last_year_cap"])
        factors.append(
            _factor("found_last_year", points, f"{found} × {p['found_last_year']} (≤ {p['found_last_year_cap']})")
        )
    # Residents see a venue every day: reports about it still open (awaiting triage, or their work
    # order not closed) count, per report up to a cap (settings RISK_POINTS_RESIDENT_REPORT[_CAP]).
    from venuesafe.reports.selectors import open_reports_at_venue

    window = settings.RISK_RESIDENT_REPORT_WINDOW_DAYS
    reported = open_reports_at_venue(venue=venue, now=now, days=window)
    if reported:
        per, cap = settings.RISK_POINTS_RESIDENT_REPORT, settings.RISK_POINTS_RESIDENT_REPORT_CAP
        factors.append(_factor("resident_reports", min(reported * per, cap), f"{reported} × {per} (≤ {cap})", n=window))
    if CandidateMajorFlag.objects.filter(venue=venue, cleared_at__isnull=True).exists():
        factors.append(_factor("candidate_major", p["candidate_major"]))

    if VenueMerchant.objects.filter(venue=venue).exists():
        window = p["self_check_gap_window_days"]
        since = today - dt.timedelta(days=window)
        done = SelfCheck.objects.filter(venue=venue, day__gte=since, day__lt=today).values("day").distinct().count()
        missed = window - done
        if missed:
            per_day = p["self_check_gap_per_day"]
            factors.append(_factor("self_check_gap", missed * per_day, f"{missed} × {per_day}", n=window))

    last = Inspection.objects.filter(venue=venue).order_by("-ended_at").values_list("ended_at", flat=True).first()
    if last is None:
        factors.append(_factor("never_inspected", p["never_inspected"]))
    else:
        days = (now - last).days
        if days > 90:
            factors.append(_factor("inspection_age", p["inspected_over_90_days"], n=days))
        elif days > 30:
            factors.append(_factor("inspection_age", p["inspected_over_30_days"], n=days))
    return factors


def score_venue(venue: Venue, now: dt.datetime | None = None) -> VenueRisk:
    now = now or clock.now()
    factors = risk_factors(venue, now)
    score = sum(f["points"] for f in factors)
    risk, _created = VenueRisk.objects.update_or_create(
        venue=venue,
        defaults={
            "score": score,
            "level": level_for(score),
            "factors": factors,
            "computed_at": now,
            "org_path": venue.org_path,
        },
    )
    return risk


def venue_changed(venue_id: int) -> None:
    """Something relevant happened: re-flag and re-score the venue."""
    venue = Venue.objects.select_related("category__parent", "community__parent").filter(pk=venue_id).first()
    if venue is None:
        return
    evaluate_candidate_major(venue)
    score_venue(venue)


def rescore_stale(*, now: dt.datetime | None = None) -> int:
    """The nightly pass: every open venue not scored yet today (Asia/Shanghai). Idempotent per day."""

    now = now or clock.now()
    tz = timezone.get_current_timezone()
    start_of_day = dt.datetime.combine(timezone.localtime(now).date(), dt.time.min, tzinfo=tz)
    stale = Venue.objects.filter(business_status=BusinessStatus.OPEN).filter(
        Q(risk__isnull=True) | Q(risk__computed_at__lt=start_of_day)
    )
    count = 0
    for venue in stale.select_related("category__parent", "community__parent").iterator(chunk_size=500):
        evaluate_candidate_major(venue)
        score_venue(venue, now)
        count += 1
    return count
