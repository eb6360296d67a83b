"""Equipment register pages: a venue's register (grouped by kind, with its warnings, rule hazards and
each piece's history; add, edit, retire for those who keep it), the staff's list of open warnings,
and the date rules as they stand.

Thin: parse with the forms, call equipment.services / selectors, render. A venue (or a piece of
equipment) outside the user's scope answers 404; visible but not the user's to keep answers 403.
The read helpers at the end (equipment_get, equipment_history, next_dates) are shared with the API.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.hazards.models import OPEN_STATES
from venuesafe.hazards.views import may_use_board
from venuesafe.venues.models import BusinessStatus, Venue

from . import rules, selectors, services
from .forms import EquipmentAddForm, EquipmentEditForm, RetireForm, WarningFilterForm
from .models import KIND_FIELDS, DateRule, Equipment, EquipmentKind, RuleHazardLink, RuleWarning

PAGE_SIZE = 30

# What to enter after replacing a piece, shown above its edit form.
REPLACE_HINTS = {
    EquipmentKind.EXTINGUISHER: gettext_lazy(
        "Replaced the extinguisher? Enter the production date of the new one (and its type if it changed)."
    ),
    EquipmentKind.GAS_STOVE: gettext_lazy("Replaced the stove? Enter the purchase date of the new one."),
    EquipmentKind.GAS_HOSE: gettext_lazy("Fitted a new hose? Enter the day it was fitted and its material."),
    EquipmentKind.LPG_CYLINDER: gettext_lazy(
        "Swapped the cylinder? Enter the new cylinder's code and its next inspection date."
    ),
    EquipmentKind.REGULATOR: gettext_lazy("Replaced the regulator? Enter the day the new one was installed."),
}

# The key date a kind's rules need; without it the rules cannot check the piece.
KEY_DATES = {
    EquipmentKind.EXTINGUISHER: ("production_date", "extinguisher_type"),
    EquipmentKind.GAS_STOVE: ("purchase_date",),
    EquipmentKind.GAS_HOSE: ("install_date", "hose_material"),
    EquipmentKind.LPG_CYLINDER: ("next_inspection_date",),
    EquipmentKind.REGULATOR: ("install_date",),
}

# Rules whose period is unconfirmed take their default from a setting unless `params` sets it.
SETTING_DEFAULTS = {
    "R-HOSE": ("rubber_months", "DATE_RULE_RUBBER_HOSE_MONTHS"),
    "R-REG": ("years", "DATE_RULE_REGULATOR_YEARS"),
}


def _require_staff(user: User) -> None:
    if not may_use_board(user):
        raise PermissionDenied


# --- the register ---------------------------------------------------------------------------


@login_required
@require_GET
def venue_equipment(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.visible_venue(user=request.user, pk=pk)
    kind = request.GET.get("kind", "")
    add_form = EquipmentAddForm(initial={"kind": kind if kind in EquipmentKind.values else ""})
    return _render_register(request, venue, add_form=add_form)


def _render_register(request: HttpRequest, venue: Venue, *, add_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    today = clock.local_today()
    show_retired = request.GET.get("retired") == "1"
    can_edit = services.may_keep_register(venue, user) and venue.business_status != BusinessStatus.CLOSED
    pieces = list(selectors.venue_equipment(venue=venue, include_retired=show_retired))
    warnings = list(selectors.open_warnings(venues=[venue.pk]))
    rows = register_rows(venue=venue, pieces=pieces, warnings=warnings, today=today)
    groups: dict[str, dict] = {}
    for row in rows:
        eq = row["equipment"]
        groups.setdefault(eq.kind, {"kind": eq.kind, "label": eq.get_kind_display(), "rows": []})["rows"].append(row)
    context = {
        "venue": venue,
        "groups": list(groups.values()),
        "count": len(rows),
        "warnings": [warning_row(w, today) for w in warnings],
        "hazards": [link for row in rows for link in row["hazards"]],
        "can_edit": can_edit,
        "add_form": add_form if can_edit else None,
        "add_open": bool(add_form is not None and (add_form.is_bound or add_form.chosen_kind)),
        "show_retired": show_retired,
        "is_merchant_here": venue.merchant_links.filter(user=user).exists(),
        "today": today,
    }
    return render(request, "equipment/venue.html", context, status=status)


def register_rows(*, venue: Venue, pieces: list[Equipment], warnings: list[RuleWarning], today: dt.date) -> list:
    """Each piece with its facts, next due dates, open warnings, open rule hazards and history:
    a fixed number of queries whatever the number of pieces."""
    ids = [eq.pk for eq in pieces]
    by_piece: dict[int, list] = defaultdict(list)
    for w in warnings:
        by_piece[w.equipment_id].append(warning_row(w, today))
    hazards: dict[int, list] = defaultdict(list)
    links = (
        RuleHazardLink.objects.filter(equipment_id__in=ids, hazard__state__in=OPEN_STATES)
        .select_related("hazard__hazard_type", "rule")
        .order_by("hazard__found_at", "pk")
    )
    for link in links:
        hazards[link.equipment_id].append(link)
    history = equipment_history_many(ids)
    active_rules = list(DateRule.objects.filter(is_active=True).order_by("rule_id"))
    category = _category_code(venue)
    return [
        {
            "equipment": eq,
            "facts": facts(eq),
            "next": next_dates(eq, active_rules, today, category) if eq.is_active else [],
            "warnings": by_piece.get(eq.pk, []),
            "hazards": hazards.get(eq.pk, []),
            "history": history.get(eq.pk, []),
            "missing_key_date": eq.is_active and any(not getattr(eq, n) for n in KEY_DATES.get(eq.kind, ())),
            "retire_form": RetireForm(auto_id=f"id_retire_{eq.pk}_%s"),
        }
        for eq in pieces
    ]


def warning_row(warning: RuleWarning, today: dt.date) -> dict:
    return {"warning": warning, "days": (warning.due_date - today).days}


def facts(eq: Equipment) -> list[dict]:
    """The kind's fields as label and shown value (dates as YYYY-MM-DD, choices and yes/no translated)."""
    out = []
    for name in KIND_FIELDS.get(eq.kind, ()):
        model_field = Equipment._meta.get_field(name)
        out.append({"name": name, "label": model_field.verbose_name, "value": _shown(eq, name)})
    return out


def _shown(eq: Equipment, name: str) -> str:
    value = getattr(eq, name)
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dt.date):
        return value.isoformat()
    display = getattr(eq, f"get_{name}_display", None)
    return str(display()) if display else str(value)


def _category_code(venue: Venue) -> str:
    category = venue.category
    return (category.parent.code if category.parent_id else category.code) if category else ""


def next_dates(eq: Equipment, active_rules: list[DateRule], today: dt.date, category_code: str) -> list[dict]:
    """When each active rule of the piece's kind falls due, however far ahead (the rules only speak
    within their warning window; a copy with an unlimited window tells the date)."""
    out = []
    for rule in active_rules:
        if rule.kind != eq.kind:
            continue
        unlimited = copy.copy(rule)
        unlimited.warn_days = 10**6
        finding = rules.evaluate(unlimited, eq, today, category_code)
        if finding is not None:
            out.append({"rule": rule, "due_date": finding.due_date, "days": (finding.due_date - today).days})
    return out


# --- add, edit, retire ----------------------------------------------------------------------


def _keeper_venue(request: HttpRequest, venue_pk: int) -> Venue:
    venue = selectors.visible_venue(user=request.user, pk=venue_pk)
    if not services.may_keep_register(venue, request.user):
        raise PermissionDenied
    return venue


@login_required
@require_POST
def equipment_add(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _keeper_venue(request, pk)
    form = EquipmentAddForm(request.POST)
    if "choose" in request.POST:  # without script: show the chosen kind's fields, save nothing
        return redirect(f"{reverse('equipment:venue', args=[venue.pk])}?kind={form.chosen_kind}#equipment-add")
    if form.is_valid():
        try:
            eq = services.equipment_add(venue=venue, actor=request.user, **form.service_kwargs())
        except InvalidInput as exc:
            form.add_service_errors(exc)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("%(equipment)s added to the register.") % {"equipment": eq})
            return redirect(f"{reverse('equipment:venue', args=[venue.pk])}#equipment-{eq.pk}")
    return _render_register(request, venue, add_form=form, status=400)


def _keeper_equipment(request: HttpRequest, pk: int) -> Equipment:
    eq = equipment_get(user=request.user, pk=pk)
    if not services.may_keep_register(eq.venue, request.user):
        raise PermissionDenied
    return eq


@login_required
def equipment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    eq = _keeper_equipment(request, pk)
    if not eq.is_active:
        messages.info(request, _("This equipment is retired; it can no longer be changed."))
        return redirect(f"{reverse('equipment:venue', args=[eq.venue_id])}?retired=1#equipment-{eq.pk}")
    if request.method != "POST":
        return _render_edit(request, eq, EquipmentEditForm(equipment=eq))
    form = EquipmentEditForm(request.POST, equipment=eq)
    if form.is_valid():
        changes = form.service_kwargs()
        if not changes:
            messages.info(request, _("Nothing changed."))
            return redirect(f"{reverse('equipment:venue', args=[eq.venue_id])}#equipment-{eq.pk}")
        before = set(RuleWarning.objects.filter(equipment=eq, resolved_at__isnull=True).values_list("pk", flat=True))
        try:
            services.equipment_update(equipment=eq, actor=request.user, **changes)
        except InvalidInput as exc:
            form.add_service_errors(exc)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        else:
            still = RuleWarning.objects.filter(pk__in=before, resolved_at__isnull=True).count()
            text = _("Saved.")
            if before and still < len(before):
                text += " " + _("The warning is cleared.")
            messages.success(request, text)
            return redirect(f"{reverse('equipment:venue', args=[eq.venue_id])}#equipment-{eq.pk}")
    return _render_edit(request, eq, form, status=400)


def _render_edit(request: HttpRequest, eq: Equipment, form: EquipmentEditForm, status: int = 200) -> HttpResponse:
    today = clock.local_today()
    warnings = [warning_row(w, today) for w in selectors.open_warnings(venues=[eq.venue_id]).filter(equipment=eq)]
    context = {
        "equipment": eq,
        "venue": eq.venue,
        "form": form,
        "warnings": warnings,
        "hint": REPLACE_HINTS.get(eq.kind, ""),
    }
    return render(request, "equipment/edit.html", context, status=status)


@login_required
@require_POST
def equipment_checked_today(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap for the most frequent change: an extinguisher's monthly check done today."""
    eq = _keeper_equipment(request, pk)
    if eq.kind != EquipmentKind.EXTINGUISHER:
        raise Http404
    try:
        services.equipment_update(equipment=eq, actor=request.user, last_monthly_check=clock.local_today())
    except InvalidInput as exc:
        messages.error(request, str(exc.message))
    except NotAllowed as exc:
        raise PermissionDenied from exc
    else:
        messages.success(request, _("Monthly check recorded for today."))
    return redirect(f"{reverse('equipment:venue', args=[eq.venue_id])}#equipment-{eq.pk}")


@login_required
@require_POST
def equipment_retire(request: HttpRequest, pk: int) -> HttpResponse:
    eq = _keeper_equipment(request, pk)
    form = RetireForm(request.POST, auto_id=f"id_retire_{eq.pk}_%s")
    if form.is_valid():
        try:
            services.equipment_retire(equipment=eq, actor=request.user, reason=form.cleaned_data["reason"])
        except NotAllowed as exc:
            raise PermissionDenied from exc
        messages.success(request, _("%(equipment)s is retired; its history is kept.") % {"equipment": eq})
        return redirect("equipment:venue", pk=eq.venue_id)
    messages.error(request, _("Say why it is taken out of use."))
    return redirect(f"{reverse('equipment:venue', args=[eq.venue_id])}#equipment-{eq.pk}")


# --- for staff: open warnings and the rules -------------------------------------------------


@login_required
@require_GET
def warning_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    form = WarningFilterForm(request.GET or None, user=request.user)
    warnings = form.filter(selectors.warnings_for_user(user=request.user).select_related("venue__community"))
    page = Paginator(warnings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = clock.local_today()
    context = {
        "form": form,
        "page": page,
        "rows": [warning_row(w, today) for w in page.object_list],
        "query": query.urlencode(),
    }
    return render(request, "equipment/warnings.html", context)


@dataclass
class RuleRow:
    rule: DateRule
    params: list[tuple[str, object]]
    setting: str = ""
    setting_value: object = None
    param_overrides: bool = False
    effective: list[tuple[str, object]] = field(default_factory=list)


def rule_rows() -> list[RuleRow]:
    rows = []
    for rule in DateRule.objects.select_related("hazard_type").order_by("rule_id"):
        params = sorted((rule.params or {}).items())
        row = RuleRow(rule=rule, params=params)
        if rule.rule_id in SETTING_DEFAULTS:
            param, setting = SETTING_DEFAULTS[rule.rule_id]
            row.setting = setting
            row.setting_value = getattr(settings, setting)
            row.param_overrides = (rule.params or {}).get(param) not in (None, "")
            row.effective = [(param, (rule.params or {})[param] if row.param_overrides else row.setting_value)]
        rows.append(row)
    return rows


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    return render(
        request,
        "equipment/rules.html",
        {"rows": rule_rows(), "may_change": user_scope(user=request.user).is_district_admin and request.user.is_staff},
    )


# --- reads shared with the API --------------------------------------------------------------


def equipment_get(*, user: User, pk: int) -> Equipment:
    """One piece of equipment whose venue the user may see; anything else reads as not existing."""
    eq = Equipment.objects.select_related("venue__category__parent").filter(pk=pk).first()
    if eq is None:
        raise Http404
    selectors.visible_venue(user=user, pk=eq.venue_id)
    return eq


HIDDEN_HISTORY_FIELDS = {"updated_at", "created_at", "org_path"}
HISTORY_ACTIONS = {"create": "created", "update": "changed", "retire": "retired"}
HISTORY_ACTION_LABELS = {
    "created": gettext_lazy("added"),
    "changed": gettext_lazy("changed"),
    "retired": gettext_lazy("retired"),
}


@dataclass(frozen=True)
class HistoryChange:
    field: str
    label: str
    old: object
    new: object
    old_shown: str
    new_shown: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: User | None
    action: str  # created / changed / retired
    changes: list[HistoryChange]

    @property
    def action_label(self) -> str:
        return str(HISTORY_ACTION_LABELS.get(self.action, self.action))


def _raw(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _shown_value(name: str, value) -> str:
    if value in (None, ""):
        return ""
    probe = Equipment(**{name: value})
    return _shown(probe, name) if name != "is_active" else str(_("Yes") if value else _("No"))


def equipment_history_many(ids: list[int]) -> dict[int, list[HistoryEntry]]:
    """Who changed what and when, newest first, for several pieces in one query."""
    records = list(
        Equipment.history.filter(id__in=ids).select_related("history_user").order_by("id", "history_date", "history_id")
    )
    by_piece: dict[int, list] = defaultdict(list)
    for record in records:
        by_piece[record.id].append(record)
    out: dict[int, list[HistoryEntry]] = {}
    for pk, piece_records in by_piece.items():
        entries = []
        prev = None
        for record in piece_records:
            changes = []
            if prev is not None:
                for change in record.diff_against(prev).changes:
                    if change.field in HIDDEN_HISTORY_FIELDS:
                        continue
                    label = str(Equipment._meta.get_field(change.field).verbose_name)
                    changes.append(
                        HistoryChange(
                            change.field,
                            label,
                            _raw(change.old),
                            _raw(change.new),
                            _shown_value(change.field, change.old),
                            _shown_value(change.field, change.new),
                        )
                    )
            reason = record.history_change_reason or ""
            action = HISTORY_ACTIONS.get(reason) or ("created" if record.history_type == "+" else "changed")
            entries.append(HistoryEntry(record.history_date, record.history_user, action, changes))
            prev = record
        out[pk] = entries[::-1]
    return out


def equipment_history(equipment: Equipment) -> list[HistoryEntry]:
    return equipment_history_many([equipment.pk]).get(equipment.pk, [])
