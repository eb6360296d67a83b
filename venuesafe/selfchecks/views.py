"""Self-check pages: the merchant's home and daily punch-in (三步走), the grid worker's list of
venues not punched in yet, and the figures for the street office and communities.

Thin: parse with the forms, call selfchecks.services / selectors, render. A venue the merchant
does not hold answers 404; a page the role may not use answers 403.
"""

from __future__ import annotations

import uuid
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.equipment import selectors as equipment_selectors
from venuesafe.hazards import selectors as hazard_selectors
from venuesafe.venues.models import BusinessStatus, Venue

from . import selectors, services
from .forms import FiguresForm as SelfCheckFiguresForm
from .forms import SelfCheckForm
from .models import SelfCheck

# Who sees the list of venues not punched in, and who sees the figures.
MISSING_LIST_ROLES = (Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_OFFICE, Role.DISTRICT_ADMIN, Role.INSPECTOR)
FIGURES_ROLES = (Role.STREET_OFFICE, Role.COMMUNITY_STAFF, Role.DISTRICT_ADMIN)
MISSING_LIST_CAP = 500


def may_see_missing(user: User) -> bool:
    return user_scope(user=user).has_role(*MISSING_LIST_ROLES)


def may_see_figures(user: User) -> bool:
    return user_scope(user=user).has_role(*FIGURES_ROLES)


# --- the merchant's home ------------------------------------------------------------------


@login_required
@require_GET
def merchant_home(request: HttpRequest) -> HttpResponse:
    """The merchant's venues with today's punch-in, streak and open hazards; a merchant with
    several venues picks one here."""
    user = request.user
    venues = list(selectors.merchant_venues(user=user))
    if not venues and may_see_missing(user):
        return redirect("selfchecks:missing")
    today = clock.local_today()
    latest: dict[int, SelfCheck] = {}
    for check in SelfCheck.objects.filter(venue__in=venues, day=today).order_by("revision"):
        latest[check.venue_id] = check
    open_counts = Counter(hazard_selectors.merchant_open_hazards(user=user).values_list("venue_id", flat=True))
    warnings = _equipment_warnings(venues, today)
    rows = [
        {
            "venue": venue,
            "today": latest.get(venue.pk),
            "streak": selectors.venue_streak(venue=venue, today=today),
            "open_hazards": open_counts.get(venue.pk, 0),
            "equipment_warnings": warnings.get(venue.pk, []),
        }
        for venue in venues
    ]
    return render(request, "selfchecks/home.html", {"rows": rows, "today": today})


def _equipment_warnings(venues, today) -> dict[int, list[dict]]:
    """The venues' open equipment warnings ("expires in N days — what to do"), by venue, soonest first."""
    out: dict[int, list[dict]] = {}
    for warning in equipment_selectors.open_warnings(venues=[v.pk for v in venues]):
        out.setdefault(warning.venue_id, []).append({"warning": warning, "days": (warning.due_date - today).days})
    return out


# --- today's punch-in ---------------------------------------------------------------------


def _merchant_venue(user: User, pk: int) -> Venue:
    """A venue the user holds as its merchant; anything else reads as not existing."""
    venue = selectors.merchant_venues(user=user).filter(pk=pk).first()
    if venue is None:
        raise Http404
    return venue


@login_required
def self_check_today(request: HttpRequest, venue_pk: int) -> HttpResponse:
    venue = _merchant_venue(request.user, venue_pk)
    items = list(selectors.items_for_venue(venue))
    if request.method != "POST":
        form = SelfCheckForm(items=items, initial={"client_id": uuid.uuid4()})
        return _render_today(request, venue, form)

    replayed = _already_saved(request, venue)
    if replayed is not None:
        messages.info(request, _("This punch-in was already saved; here it is."))
        return redirect("selfchecks:today", venue_pk=venue.pk)

    data = request.POST.copy()
    form = SelfCheckForm(data, request.FILES, items=items)
    if form.is_valid():
        try:
            result = services.self_check_submit(
                actor=request.user, venue=venue, client_id=form.cleaned_data["client_id"], answers=form.answers()
            )
        except InvalidInput as exc:
            form.add_service_errors(exc.fields, str(exc.message))
        except StateConflict as exc:
            # Nothing was saved: a fresh client id lets the merchant submit this page again.
            data["client_id"] = str(uuid.uuid4())
            form.add_error(None, str(exc.message))
        except NotAllowed as exc:
            raise Http404 from exc
        else:
            _say_saved(request, result.self_check)
            return redirect("selfchecks:today", venue_pk=venue.pk)
    return _render_today(request, venue, form, status=400)


def _already_saved(request: HttpRequest, venue: Venue) -> SelfCheck | None:
    try:
        client_id = uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None
    return SelfCheck.objects.filter(client_id=client_id, venue=venue, merchant=request.user).first()


def _say_saved(request: HttpRequest, check: SelfCheck) -> None:
    failed = check.failed_count
    if check.revision > 1:
        text = _("Today's punch-in amended (revision %(n)d). The earlier version is kept.") % {"n": check.revision}
    else:
        text = _("Today's punch-in is done.")
    if failed:
        text += " " + ngettext(
            "%(n)d item answered no became a hazard.", "%(n)d items answered no became hazards.", failed
        ) % {"n": failed}
    messages.success(request, text)


def _render_today(request: HttpRequest, venue: Venue, form: SelfCheckForm, status: int = 200) -> HttpResponse:
    today = clock.local_today()
    revisions = list(
        selectors.self_check_revisions(venue=venue, day=today).prefetch_related("answers__hazard__hazard_type")
    )
    current = revisions[-1] if revisions else None
    hazards = []
    seen = set()
    for check in revisions:
        for answer in check.answers.all():
            if answer.hazard_id and answer.hazard_id not in seen:
                seen.add(answer.hazard_id)
                hazards.append(answer.hazard)
    has_errors = bool(form.errors)
    context = {
        "venue": venue,
        "today": today,
        "form": form,
        "steps": form.steps(),
        "current": current,
        "current_answers": list(current.answers.all()) if current else [],
        "revisions": revisions,
        "hazards": hazards,
        "streak": selectors.venue_streak(venue=venue, today=today),
        "has_errors": has_errors,
        "error_summary": form.error_summary() if has_errors else [],
        "venue_open": venue.business_status == BusinessStatus.OPEN,
        "several_venues": selectors.merchant_venues(user=request.user).count() > 1,
        "equipment_warnings": _equipment_warnings([venue], today).get(venue.pk, []),
    }
    return render(request, "selfchecks/today.html", context, status=status)


# --- the grid worker's list ---------------------------------------------------------------


@login_required
@require_GET
def missing_list(request: HttpRequest) -> HttpResponse:
    if not may_see_missing(request.user):
        raise PermissionDenied
    today = clock.local_today()
    venues = selectors.grid_worker_missing_list(user=request.user, day=today).prefetch_related("merchant_links")
    total = venues.count()
    rows = [{"venue": v, "merchants": len(v.merchant_links.all())} for v in venues[:MISSING_LIST_CAP]]
    context = {
        "rows": rows,
        "total": total,
        "capped": total > len(rows),
        "today": today,
        "reminder_hour": settings.SELF_CHECK_REMINDER_HOUR,
        "may_see_figures": may_see_figures(request.user),
    }
    return render(request, "selfchecks/missing.html", context)


# --- figures ------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    if not may_see_figures(request.user):
        raise PermissionDenied
    form = SelfCheckFiguresForm(request.GET or None, user=request.user)
    report = selectors.self_check_figures(user=request.user, **form.selector_kwargs())
    tables = [
        {"key": "community", "title": _("By community"), "column": _("Community"), "rows": report.by_community},
        {"key": "grid", "title": _("By grid"), "column": _("Grid"), "rows": report.by_grid},
        {"key": "category", "title": _("By category"), "column": _("Category"), "rows": report.by_category},
    ]
    context = {
        "form": form,
        "report": report,
        "tables": tables,
        "streaks": [row for row in report.longest_streaks if row["streak"]],
        "help": {
            **FIGURE_HELP,
            "masters": FIGURE_HELP["masters"]
            % {"days": settings.SELF_CHECK_MASTERY_DAYS, "window": settings.SELF_CHECK_MASTERY_WINDOW_DAYS},
        },
        "mastery_days": settings.SELF_CHECK_MASTERY_DAYS,
        "mastery_window": settings.SELF_CHECK_MASTERY_WINDOW_DAYS,
    }
    return render(request, "selfchecks/figures.html", context)


# How each figure is computed, shown as its title (hover, long press) and under the figure.
FIGURE_HELP = {
    "expected": gettext_lazy(
        "Venues open for business with at least one merchant account bound: those expected to punch in every day."
    ),
    "punched": gettext_lazy("Of those venues, the ones with at least one punch-in on the day."),
    "rate": gettext_lazy("Venues punched in on the day divided by venues expected to punch in."),
    "daily": gettext_lazy(
        "For each day of the period: venues with a punch-in that day divided by venues expected to punch in "
        "(counted as they are now)."
    ),
    "merchants": gettext_lazy("Merchant accounts bound to the venues counted here."),
    "masters": gettext_lazy(
        "Merchants who punched in on at least %(days)d of the last %(window)d days up to the chosen day."
    ),
    "mastery_rate": gettext_lazy("Merchants who master self-checking divided by all merchants counted here."),
    "streaks": gettext_lazy(
        "Days in a row with a punch-in, ending on the chosen day (or the day before, when the day is not done yet)."
    ),
    "self_found": gettext_lazy("Hazards merchants reported in their self-checks, found within the period."),
    "inspector_found": gettext_lazy("Hazards inspectors found during inspections within the period."),
    "self_fixed": gettext_lazy(
        "Hazards merchants reported and fixed at once themselves, closed after review within the period."
    ),
}
