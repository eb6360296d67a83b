"""Instant response pages: report an anomaly (with duplicate matches), my tasks, one task with the
on-site verify and dismiss forms, and the figures. Thin: parse, call services / selectors, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from venuesafe.core import clock
from venuesafe.core.errors import DomainError
from venuesafe.core.positions import parse_position
from venuesafe.venues.selectors import venue_get

from . import selectors, services
from .forms import SHOW_CHOICES, DismissForm, FiguresForm, ReportForm, VerifyForm
from .models import AnomalyKind, TaskState, VerificationTask

PAGE_SIZE = 20


def _add_domain_errors(form, exc: DomainError) -> None:
    placed = False
    for name, msgs in (exc.fields or {}).items():
        target = name if name in form.fields else None
        for msg in msgs:
            form.add_error(target, msg)
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


# --- report ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    if not services.may_report(request.user):
        raise PermissionDenied
    venue = None
    venue_id = request.POST.get("venue") or request.GET.get("venue")
    if venue_id:
        try:
            venue = venue_get(user=request.user, pk=int(venue_id))
        except ValueError:
            raise Http404 from None
    matches = []
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                task, _created = services.task_report(
                    actor=request.user,
                    kind=d["kind"],
                    venue=venue if d["kind"] != AnomalyKind.NEW_VENUE else None,
                    sign_name=d["sign_name"],
                    category=d["category"],
                    address=d["address"],
                    licence_no=d["licence_no"],
                    position=form.position(),
                    photo=d.get("photo"),
                    note=d["note"],
                    org_unit=d.get("org_unit"),
                    client_id=d["client_id"],
                    confirm_new=d["confirm_new"],
                    matched_venue=selectors.venue_in_district(user=request.user, pk=d.get("matched_venue")),
                )
            except services.PossibleDuplicates as exc:
                matches = exc.extra["matches"]
                form.add_error(None, str(exc.message))
                if d.get("photo"):
                    form.add_error("photo", _("Attach the photo again, please."))
            except DomainError as exc:
                _add_domain_errors(form, exc)
            else:
                messages.success(request, _("Reported. The grid's inspector or grid worker will verify it on site."))
                return redirect("verifications:detail", pk=task.pk)
    else:
        initial = {"kind": request.GET.get("kind") or (AnomalyKind.CHANGED_SIGN if venue else AnomalyKind.NEW_VENUE)}
        if venue is not None:
            initial.update(venue=venue.pk)
        form = ReportForm(initial=initial, user=request.user)
    return render(request, "verifications/report.html", {"form": form, "venue": venue, "matches": matches})


@login_required
@require_GET
def report_matches(request: HttpRequest) -> HttpResponse:
    """The htmx panel on the report form: archived venues that may be the one being reported."""
    if not services.may_report(request.user):
        raise PermissionDenied
    matches = []
    if request.GET.get("kind", AnomalyKind.NEW_VENUE) == AnomalyKind.NEW_VENUE:
        try:
            position = parse_position(
                request.GET.get("lat"), request.GET.get("lng"), None, request.GET.get("coord_system") or None
            )
        except DomainError:
            position = None
        matches = [
            m.as_dict()
            for m in selectors.duplicate_matches(
                user=request.user,
                name=request.GET.get("sign_name", ""),
                lat=position.lat if position else None,
                lng=position.lng if position else None,
                licence_no=request.GET.get("licence_no", ""),
                radius_m=settings.VERIFICATION_DUPLICATE_RADIUS_M,
            )
        ]
    return render(request, "verifications/_matches.html", {"matches": matches})


# --- tasks ----------------------------------------------------------------------------------


def _default_show(user) -> str:
    from venuesafe.accounts.models import Role
    from venuesafe.accounts.selectors import user_scope

    return "mine" if user_scope(user=user).has_role(Role.INSPECTOR, Role.GRID_WORKER) else "open"


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show") or _default_show(request.user)
    if show not in dict(SHOW_CHOICES):
        show = "open"
    kwargs = {
        "mine": {"mine": True, "state": TaskState.OPEN},
        "open": {"state": TaskState.OPEN},
        "overdue": {"overdue": True},
        "reported": {"reported": True},
        "all": {},
    }[show]
    tasks = selectors.task_list(user=request.user, **kwargs)
    tasks = tasks.order_by("due_at", "id") if show in ("mine", "open", "overdue") else tasks.order_by("-reported_at")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "verifications/list.html",
        {
            "page": page,
            "show": show,
            "tabs": SHOW_CHOICES,
            "now": clock.now(),
            "may_report": services.may_report(request.user),
            "may_see_figures": selectors.may_see_figures(request.user),
        },
    )


def _verify_initial(task: VerificationTask) -> dict:
    venue = task.venue
    if task.kind == AnomalyKind.NEW_VENUE or venue is None:
        return {
            "sign_name": task.sign_name,
            "category": task.category_id or "",
            "address": task.address,
            "licence_no": task.licence_no,
            "use_position": True,
        }
    return {
        "sign_name": task.sign_name or venue.sign_name,
        "category": task.category_id or venue.category_id,
        "address": task.address or venue.address,
        "licence_no": task.licence_no or venue.licence_no,
        "use_position": task.kind == AnomalyKind.WRONG_LOCATION,
    }


def _detail(request, task: VerificationTask, *, verify_form=None, dismiss_form=None, status=200) -> HttpResponse:
    can_close = task.state == TaskState.OPEN and services.may_close(task, request.user)
    context = {
        "task": task,
        "events": task.events.select_related("actor"),
        "can_close": can_close,
        "verify_form": verify_form or (VerifyForm(initial=_verify_initial(task)) if can_close else None),
        "dismiss_form": dismiss_form or (DismissForm() if can_close else None),
        "now": clock.now(),
        "overdue": task.is_overdue(),
    }
    return render(request, "verifications/detail.html", context, status=status)


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.task_get(user=request.user, pk=pk))


@login_required
@require_POST
def task_verify(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    form = VerifyForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.task_verify(
                task=task,
                actor=request.user,
                position=form.position(),
                client_id=d["client_id"],
                note=d["note"],
                sign_name=d["sign_name"],
                category=d["category"],
                address=d["address"],
                licence_no=d["licence_no"],
                photo=d.get("photo"),
                use_position=d["use_position"],
            )
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            _add_domain_errors(form, exc)
        else:
            messages.success(request, _("Verified: the archive is up to date."))
            return redirect("verifications:detail", pk=task.pk)
    task.refresh_from_db()
    return _detail(request, task, verify_form=form, status=400)


@login_required
@require_POST
def task_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    form = DismissForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.task_dismiss(
                task=task, actor=request.user, reason=d["reason"], position=form.position(), client_id=d["client_id"]
            )
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            _add_domain_errors(form, exc)
        else:
            messages.success(request, _("The report was dismissed."))
            return redirect("verifications:detail", pk=task.pk)
    task.refresh_from_db()
    return _detail(request, task, dismiss_form=form, status=400)


# --- figures --------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_figures(request.user):
        raise PermissionDenied
    form = FiguresForm(request.GET or None, user=request.user)
    report = selectors.verification_figures(user=request.user, **form.selector_kwargs())
    return render(request, "verifications/figures.html", {"form": form, "report": report})
