"""Hazard work order pages: the dispatch board, one order with its timeline and action forms,
the merchant's own orders, and the loop's figures.

Thin: parse with the forms, call hazards.services / selectors, render. Out of scope answers 404
(the selectors), visible but not allowed answers 403.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.org.models import Department, OrgUnit

from . import selectors, services
from .forms import ACTION_FORMS, FiguresForm, HazardFilterForm, action_form
from .models import OPEN_STATES, EscalationLevel, EventKind, Hazard, HazardEvent, HazardState, PhotoKind

PAGE_SIZE = 20

SERVICES = {
    "dispatch": services.hazard_dispatch,
    "redispatch": services.hazard_redispatch,
    "acknowledge": services.hazard_acknowledge,
    "submit_proof": services.hazard_submit_proof,
    "review_pass": services.hazard_review_pass,
    "review_fail": services.hazard_review_fail,
    "reopen": services.hazard_reopen,
    "extend_deadline": services.hazard_extend_deadline,
    "withdraw": services.hazard_withdraw,
}

DONE_MESSAGES = {
    "dispatch": gettext_lazy("Work order dispatched."),
    "redispatch": gettext_lazy("Work order re-dispatched."),
    "acknowledge": gettext_lazy("Acknowledged: rectification has started."),
    "submit_proof": gettext_lazy("Proof sent: the work order waits for review."),
    "review_pass": gettext_lazy("Review passed: the work order is closed."),
    "review_fail": gettext_lazy("Review failed: the work order is back with the responsible party."),
    "reopen": gettext_lazy("Work order reopened."),
    "extend_deadline": gettext_lazy("Deadline extended."),
    "withdraw": gettext_lazy("Work order withdrawn."),
}

# What the responsible party should do next, by state (the merchant's list).
NEXT_STEP = {
    HazardState.FOUND: gettext_lazy("Waiting to be dispatched. You may already start fixing it."),
    HazardState.DISPATCHED: gettext_lazy("Acknowledge the work order, fix the hazard, then upload photos as proof."),
    HazardState.RECTIFYING: gettext_lazy("Fix the hazard, then upload photos of the fixed state as proof."),
    HazardState.AWAITING_REVIEW: gettext_lazy("Done on your side: an inspector will check it (复核)."),
}

REVIEW_ACTIONS = ("review_pass", "review_fail")
# Less frequent supervisor actions, folded away so the page stays short on a phone.
SECONDARY_ACTIONS = ("redispatch", "extend_deadline", "withdraw")


def may_use_board(user: User) -> bool:
    """Staff pages (board, figures): any role but merchant. Merchants use their own list."""
    scope = user_scope(user=user)
    return scope.is_superuser or bool(scope.roles - {Role.MERCHANT})


def _require_board(user: User) -> None:
    if not may_use_board(user):
        raise PermissionDenied


# --- the dispatch board -------------------------------------------------------------------


@login_required
@require_GET
def hazard_board(request: HttpRequest) -> HttpResponse:
    _require_board(request.user)
    form = HazardFilterForm(request.GET or None, user=request.user)
    hazards = selectors.hazard_list(user=request.user, **form.selector_kwargs()).order_by("-found_at", "-id")
    page = Paginator(hazards, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = _state_counts(selectors.hazard_list(user=request.user, **form.selector_kwargs(with_state=False)))
    base_query = query.copy()
    for name in ("state", "overdue"):
        base_query.pop(name, None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "base_query": base_query.urlencode(),
        "counts": counts,
        "current_state": request.GET.get("state", ""),
        "current_overdue": request.GET.get("overdue", ""),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "hazard-results":
        return render(request, "hazards/_board_results.html", context)
    return render(request, "hazards/board.html", context)


def _state_counts(hazards) -> list[dict]:
    """One aggregate query: how many orders per state, open and overdue, under the other filters."""
    now = clock.now()
    aggregates = {s.value: Count("id", filter=Q(state=s.value)) for s in HazardState}
    aggregates["open"] = Count("id", filter=Q(state__in=OPEN_STATES))
    aggregates["overdue"] = Count("id", filter=Q(state__in=OPEN_STATES, deadline__lt=now))
    totals = hazards.order_by().aggregate(**aggregates)
    rows = [
        {"key": "open", "state": "open", "overdue": "", "label": pgettext("work order", "Open"), "n": totals["open"]}
    ]
    rows.append({"key": "overdue", "state": "", "overdue": "yes", "label": _("Overdue"), "n": totals["overdue"]})
    rows += [
        {"key": s.value, "state": s.value, "overdue": "", "label": s.label, "n": totals[s.value]} for s in HazardState
    ]
    return rows


# --- the merchant's own orders ------------------------------------------------------------


@login_required
@require_GET
def hazard_mine(request: HttpRequest) -> HttpResponse:
    failures = HazardEvent.objects.filter(kind=EventKind.REVIEW_FAILED).order_by("-at", "-id")
    hazards = list(
        selectors.merchant_open_hazards(user=request.user).prefetch_related(
            Prefetch("events", queryset=failures, to_attr="failures")
        )
    )
    rows = [
        {
            "hazard": h,
            "next_step": NEXT_STEP.get(h.state, ""),
            "last_failure": h.failures[0] if h.failures and h.state == HazardState.RECTIFYING else None,
        }
        for h in hazards
    ]
    return render(request, "hazards/mine.html", {"rows": rows})


# --- one work order -----------------------------------------------------------------------


@login_required
@require_GET
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    return render(request, "hazards/detail.html", _detail_context(request, hazard))


def _detail_context(request: HttpRequest, hazard: Hazard, bound=None) -> dict:
    user = request.user
    events = list(selectors.hazard_events(hazard=hazard))
    proofs = [e for e in events if e.kind == EventKind.PROOF_SUBMITTED]
    own_proof = bool(proofs) and proofs[-1].actor_id == user.pk and not user.is_superuser
    actions = services.allowed_actions(hazard, user)
    if own_proof:
        actions = [a for a in actions if a not in REVIEW_ACTIONS]
    forms = []
    for action in actions:
        form = bound if bound is not None and bound.prefix == action else action_form(action, hazard=hazard, user=user)
        forms.append(
            {
                "action": action,
                "label": services.ACTION_LABELS[action],
                "form": form,
                "secondary": action in SECONDARY_ACTIONS,
            }
        )
    return {
        "hazard": hazard,
        "venue": hazard.venue,
        "timeline": _timeline(events),
        "photos": _photo_groups(events),
        "forms": forms,
        "own_proof": own_proof and hazard.state == HazardState.AWAITING_REVIEW,
        "escalation_label": EscalationLevel(hazard.escalation_level).label,
        "venue_has_merchant": hazard.venue.merchant_links.exists()
        if "dispatch" in actions or "redispatch" in actions
        else True,
    }


def _photo_groups(events: list[HazardEvent]) -> dict:
    """Before (evidence) next to after (the latest proof), so a reviewer compares them at a glance."""
    evidence, review = [], []
    latest_proof: list = []
    latest_proof_event = None
    for event in events:
        proof = [p for p in event.photos.all() if p.kind == PhotoKind.PROOF]
        if proof:
            latest_proof, latest_proof_event = proof, event
        evidence += [p for p in event.photos.all() if p.kind == PhotoKind.EVIDENCE]
        review += [p for p in event.photos.all() if p.kind == PhotoKind.REVIEW]
    return {"evidence": evidence, "proof": latest_proof, "proof_event": latest_proof_event, "review": review}


def _parse_time(value) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _timeline(events: list[HazardEvent]) -> list[dict]:
    """Each event with what it changed in words: responsible party, deadline, escalation level."""
    community_ids = {e.data.get("community") for e in events if e.data.get("community")}
    department_ids = {e.data.get("department") for e in events if e.data.get("department")}
    communities = OrgUnit.objects.in_bulk(community_ids) if community_ids else {}
    departments = Department.objects.in_bulk(department_ids) if department_ids else {}
    rows = []
    for event in events:
        data = event.data or {}
        party = []
        if event.kind in (EventKind.DISPATCHED, EventKind.REDISPATCHED):
            if data.get("merchant"):
                party.append(_("the merchant"))
            if data.get("community") in communities:
                party.append(communities[data["community"]].name)
            if data.get("department") in departments:
                party.append(str(departments[data["department"]]))
        level = data.get("level") if event.kind == EventKind.ESCALATED else None
        rows.append(
            {
                "event": event,
                "photos": list(event.photos.all()),
                "party": party,
                "automatic": bool(data.get("automatic")),
                "deadline": _parse_time(data.get("deadline"))
                if event.kind
                in (EventKind.DISPATCHED, EventKind.REDISPATCHED, EventKind.DEADLINE_EXTENDED, EventKind.REOPENED)
                else None,
                "old_deadline": _parse_time(data.get("old_deadline")),
                "level_label": EscalationLevel(level).label if level in EscalationLevel.values else "",
            }
        )
    return rows


@login_required
@require_POST
def hazard_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTION_FORMS:
        raise Http404
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    states, right = services.ACTIONS[action]
    if not right(hazard, request.user):
        raise PermissionDenied
    if hazard.state not in states:
        return _conflict(request, hazard)
    form = action_form(action, request.POST, request.FILES, hazard=hazard, user=request.user)
    if form.is_valid():
        try:
            SERVICES[action](
                hazard=hazard,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_kwargs(),
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except StateConflict:
            return _conflict(request, hazard)
        except InvalidInput as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, str(DONE_MESSAGES[action]))
            return redirect("hazards:detail", pk=hazard.pk)
    return render(request, "hazards/detail.html", _detail_context(request, hazard, bound=form), status=400)


def _conflict(request: HttpRequest, hazard: Hazard) -> HttpResponse:
    """Someone acted first (or the page was old): say so and show the order as it is now."""
    messages.warning(
        request, _("This work order changed since you opened it. Here it is as it is now; check it and act again.")
    )
    fresh = selectors.hazard_get(user=request.user, pk=hazard.pk)
    return render(request, "hazards/detail.html", _detail_context(request, fresh), status=409)


# --- figures ------------------------------------------------------------------------------


@login_required
@require_GET
def hazard_figures(request: HttpRequest) -> HttpResponse:
    _require_board(request.user)
    form = FiguresForm(request.GET or None, user=request.user)
    report = selectors.loop_figures(user=request.user, **form.selector_kwargs())
    tables = [
        {"key": "community", "title": _("By community"), "column": _("Community"), "rows": report.by_community},
        {"key": "category", "title": _("By category"), "column": _("Category"), "rows": report.by_category},
        {"key": "hazard-type", "title": _("By hazard type"), "column": _("Hazard type"), "rows": report.by_hazard_type},
    ]
    context = {"form": form, "report": report, "tables": tables, "help": FIGURE_HELP}
    return render(request, "hazards/figures.html", context)


# How each figure is computed, shown as its title (hover, long press).
FIGURE_HELP = {
    "found": gettext_lazy("Work orders whose hazard was found within the period."),
    "closed": gettext_lazy("Work orders closed (review passed) within the period."),
    "mean": gettext_lazy(
        "Average of closed time minus found time over the work orders closed within the period, in hours."
    ),
    "median": gettext_lazy(
        "Middle value of closed time minus found time over the work orders closed within the period, in hours."
    ),
    "on_time_rate": gettext_lazy(
        "Work orders closed by their deadline divided by all work orders closed within the period."
    ),
    "open": gettext_lazy("Work orders not yet closed or withdrawn, counted now, whatever the period."),
    "overdue": gettext_lazy("Open work orders whose deadline has passed, counted now, whatever the period."),
    "inspections": gettext_lazy("Inspections the inspector ended within the period."),
    "venues": gettext_lazy("Different venues among those inspections."),
    "off_site": gettext_lazy("Inspections saved farther from the venue than the off-site distance."),
    "hazards_found": gettext_lazy("Work orders the inspector found during inspections within the period."),
}
