"""Inspection pages for the inspector's phone: today's tasks, the checklist, one inspection.

Thin: parse with the forms, call inspections.services / selectors, render.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from venuesafe.accounts.models import User
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.core.positions import parse_position
from venuesafe.hazards import selectors as hazard_selectors
from venuesafe.hazards import services as hazard_services
from venuesafe.risk import selectors as risk_selectors
from venuesafe.venues import selectors as venue_selectors
from venuesafe.venues.models import Venue

from . import selectors, services
from .forms import AdhocFindingForm, InspectionForm, VenueCorrectionForm
from .models import AnswerResult, Inspection, LocationStatus

TASK_LIST_CAP = 50


def may_inspect(user: User, venue: Venue) -> bool:
    """Territorial staff at or above the venue may inspect it (the service checks the same)."""
    return bool(hazard_services.roles_at(user, venue.org_path) & hazard_services.RECORDERS)


# --- today's tasks --------------------------------------------------------------------------


@login_required
@require_GET
def tasks_today(request: HttpRequest) -> HttpResponse:
    user = request.user
    today_start = dt.datetime.combine(clock.local_today(), dt.time.min, tzinfo=timezone.get_current_timezone())
    due = selectors.venues_due_for_inspection(user=user)
    context = {
        # Today's patrol list (risk-ranked, walking order) is its own page; here only how long it is.
        "patrol_count": len(risk_selectors.patrol_plan(user=user)),
        "reviews": list(hazard_selectors.reviews_due(user=user)[:TASK_LIST_CAP]),
        "due_venues": list(due[:TASK_LIST_CAP]),
        "due_count": due.count(),
        "stale_days": settings.INSPECTION_STALE_DAYS,
        "inspections_today": list(
            selectors.inspection_list(user=user, inspector_id=user.pk).filter(ended_at__gte=today_start)
        ),
    }
    return render(request, "inspections/today.html", context)


# --- the inspection flow ------------------------------------------------------------------


def _forms(request: HttpRequest, venue: Venue, items: list, data=None):
    files = request.FILES if data is not None else None
    return (
        InspectionForm(data, files, items=items, initial=_initial() if data is None else None),
        AdhocFindingForm(data, files, venue=venue),
        VenueCorrectionForm(data, files, venue=venue),
    )


def _initial() -> dict:
    # A fresh client id per opened page: a POST sent twice (retry, double tap) saves one inspection.
    return {
        "client_id": uuid.uuid4(),
        "started_at": timezone.localtime(clock.now()).isoformat(),
        "coord_system": "wgs84",
    }


@login_required
def inspection_start(request: HttpRequest, pk: int) -> HttpResponse:
    venue = venue_selectors.venue_get(user=request.user, pk=pk)
    if not may_inspect(request.user, venue):
        raise PermissionDenied
    items = list(selectors.checklist_for_category(venue.category))
    if request.method != "POST":
        form, adhoc, venue_form = _forms(request, venue, items)
        return _render_flow(request, venue, form, adhoc, venue_form)

    replayed = _already_saved(request)
    if replayed is not None:
        messages.info(request, _("This inspection was already saved; here it is."))
        return redirect("inspections:detail", pk=replayed.pk)

    data = request.POST.copy()
    form, adhoc, venue_form = _forms(request, venue, items, data)
    valid = [f.is_valid() for f in (form, adhoc, venue_form)]
    if all(valid):
        changes = venue_form.changes()
        if not venue_form.errors:
            try:
                result = _submit(request, venue, form, adhoc, changes)
            except InvalidInput as exc:
                _show_service_errors(exc, form, adhoc, venue_form)
            except StateConflict as exc:
                # The client id belongs to someone else's inspection: a new one lets this page save.
                data["client_id"] = str(uuid.uuid4())
                form.add_error(None, str(exc.message))
            except NotAllowed as exc:
                raise PermissionDenied from exc
            else:
                return _after_submit(request, result)
    return _render_flow(request, venue, form, adhoc, venue_form, status=400)


def _already_saved(request: HttpRequest) -> Inspection | None:
    try:
        client_id = uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None
    return (
        selectors.inspection_list(user=request.user, inspector_id=request.user.pk).filter(client_id=client_id).first()
    )


def _submit(request, venue, form: InspectionForm, adhoc: AdhocFindingForm, changes: dict):
    data = form.cleaned_data
    position = parse_position(data.get("lat"), data.get("lng"), data.get("accuracy_m"), data.get("coord_system"))
    answers = form.answers()
    extra = adhoc.answer()
    if extra is not None:
        answers.append(extra)
    return services.inspection_submit(
        actor=request.user,
        venue=venue,
        client_id=data["client_id"],
        started_at=data["started_at"],
        position=position,
        answers=answers,
        note=data.get("note") or "",
        venue_changes=changes,
        relocate_venue=bool(data.get("relocate_venue")),
    )


def _after_submit(request: HttpRequest, result: services.SubmitResult) -> HttpResponse:
    inspection = result.inspection
    if not result.created:
        messages.info(request, _("This inspection was already saved; here it is."))
    else:
        failed = inspection.answers.filter(result=AnswerResult.FAIL).count()
        if failed:
            text = ngettext(
                "Inspection saved. %(n)d hazard recorded and sent on its way.",
                "Inspection saved. %(n)d hazards recorded and sent on their way.",
                failed,
            )
            messages.success(request, text % {"n": failed})
        else:
            messages.success(request, _("Inspection saved. No hazards found."))
        if inspection.location_status == LocationStatus.OFF_SITE:
            messages.warning(request, _("The inspection is marked off-site: you were far from the venue."))
    return redirect("inspections:detail", pk=inspection.pk)


_ANSWER_KEY = re.compile(r"^answers\[(\d+)\](?:\.(\w+))?$")
_ADHOC_PARTS = {"photos": "photos", "proof_photos": "proof_photos", "description": "note", "note": "note"}


def _show_service_errors(exc: InvalidInput, form: InspectionForm, adhoc: AdhocFindingForm, venue_form) -> None:
    """Put the service's field errors ("answers[3].photos", "venue.sign_name", …) next to their fields."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for key, msgs in exc.fields.items():
        msgs = [str(m) for m in msgs]
        match = _ANSWER_KEY.match(key)
        if match:
            index, part = int(match[1]), match[2] or "result"
            name = form.field_for_answer(index, part)
            if name is not None:
                form.add_error(name, msgs)
            else:
                adhoc.add_error(_ADHOC_PARTS.get(part, "hazard_type"), msgs)
        elif key.startswith("venue."):
            venue_form.add_service_errors({key.removeprefix("venue."): msgs})
        elif key == "relocate_venue":
            form.add_error("relocate_venue", msgs)
        elif key == "answers":
            form.add_error(None, " ".join(msgs))
        else:
            form.add_error(None, msgs)


def _error_summary(form: InspectionForm, adhoc: AdhocFindingForm, venue_form: VenueCorrectionForm) -> list[dict]:
    """One line per place with an error, linking to it, for the top of the page."""
    lines = [
        {"anchor": f"item-{row.item.pk}", "label": f"{row.item.code} {row.item.label}", "errors": row.errors}
        for section in form.sections()
        for row in section.rows
        if row.errors
    ]
    if adhoc.errors:
        errors = [str(e) for errs in adhoc.errors.values() for e in errs]
        lines.append({"anchor": "adhoc-finding", "label": _("Other hazard"), "errors": errors})
    if venue_form.errors:
        errors = [str(e) for errs in venue_form.errors.values() for e in errs]
        lines.append({"anchor": "venue-corrections", "label": _("Correct the archive"), "errors": errors})
    if form.errors.get("relocate_venue"):
        lines.append(
            {"anchor": "venue-corrections", "label": _("Move the venue"), "errors": form.errors["relocate_venue"]}
        )
    return lines


def _render_flow(request, venue, form, adhoc, venue_form, status: int = 200) -> HttpResponse:
    has_errors = bool(form.errors or adhoc.errors or venue_form.errors)
    context = {
        "venue": venue,
        "form": form,
        "adhoc": adhoc,
        "venue_form": venue_form,
        "sections": form.sections(),
        "answer_choices": AnswerResult.choices,
        "has_errors": has_errors,
        "error_summary": _error_summary(form, adhoc, venue_form) if has_errors else [],
        "offsite_m": settings.INSPECTION_OFFSITE_DISTANCE_M,
        "max_photos": settings.MAX_PHOTOS_PER_STEP,
        "corrections_open": bool(venue_form.errors or form.errors.get("relocate_venue")),
    }
    return render(request, "inspections/inspect.html", context, status=status)


# --- one inspection -----------------------------------------------------------------------


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    answers = list(inspection.answers.select_related("checklist_item", "hazard", "hazard__hazard_type").order_by("id"))
    hazards = list(
        hazard_selectors.hazard_list(user=request.user).filter(inspection_answers__inspection=inspection).distinct()
    )
    context = {
        "inspection": inspection,
        "venue": inspection.venue,
        "answers": answers,
        "failed": [a for a in answers if a.result == AnswerResult.FAIL],
        "hazards": hazards,
        "offsite_m": settings.INSPECTION_OFFSITE_DISTANCE_M,
        "corrected_labels": _corrected_labels(inspection.corrected_fields),
    }
    return render(request, "inspections/detail.html", context)


def _corrected_labels(fields: list[str]) -> list[str]:
    labels = {
        "sign_name": _("Shop sign name"),
        "category": _("Category"),
        "address": _("Address"),
        "photo": _("Photo"),
        "licence_no": _("Licence"),
        "licence_kind": _("Licence type"),
        "lat": _("Location"),
    }
    out = []
    for name in fields:
        label = labels.get(name)
        if label and label not in out:
            out.append(label)
    return out
