"""Writes to the equipment register, and running the date rules.

Inspectors (any staff who may edit the venue) and the venue's merchants keep the register; every
change is kept (simple-history) and re-runs the venue's rules at once. The periodic command runs
every rule for every venue, so a date passing is noticed without anyone touching the register.
Each rule yields nothing, a warning (to the merchant, with what to do) or a hazard in the loop
(found by rule, with the rule and the dates as evidence); the same rule never raises a second
hazard for the same equipment while one is open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.hazards import services as hazard_services
from venuesafe.hazards.models import OPEN_STATES, Hazard, HazardSource, HazardState
from venuesafe.notices.models import NoticeKind
from venuesafe.notices.services import notify
from venuesafe.venues.models import BusinessStatus, Venue, VenueMerchant

from . import rules
from .models import (
    KIND_FIELDS,
    ChargingArrangement,
    DateRule,
    Equipment,
    EquipmentKind,
    ExtinguisherType,
    GaugeState,
    HoseMaterial,
    RuleHazardLink,
    RuleWarning,
)

COMMON_FIELDS = ("label", "quantity", "note")
DATE_FIELDS = ("production_date", "last_repair_date", "last_monthly_check", "purchase_date", "install_date")
CHOICES = {
    "extinguisher_type": ExtinguisherType.values,
    "gauge_state": GaugeState.values,
    "hose_material": HoseMaterial.values,
    "charging_arrangement": ChargingArrangement.values,
}


def may_keep_register(venue: Venue, user: User) -> bool:
    """Staff who may edit the venue, or one of its merchants."""
    scope = user_scope(user=user)
    if Venue.objects.filter(scope.venue_edit_filter(), pk=venue.pk).exists():
        return True
    return VenueMerchant.objects.filter(venue=venue, user=user).exists()


def _fail(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def _clean(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    allowed = set(COMMON_FIELDS) | set(KIND_FIELDS.get(kind, ()))
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise _fail(unknown[0], _("This field does not belong to this kind of equipment."))
    today = clock.local_today()
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name in DATE_FIELDS or name == "next_inspection_date":
            if value in ("", None):
                value = None
            elif isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise _fail(name, _("Give the date as YYYY-MM-DD.")) from None
            elif not isinstance(value, dt.date):
                raise _fail(name, _("Give the date as YYYY-MM-DD."))
            if value is not None and name in DATE_FIELDS and value > today:
                raise _fail(name, _("This date is in the future."))
        elif name in CHOICES:
            value = value or ""
            if value and value not in CHOICES[name]:
                raise _fail(name, _("Choose one of the listed values."))
        elif name == "length_m" and value not in ("", None):
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise _fail(name, _("Give the length in metres.")) from None
            if not (Decimal("0") < value < Decimal("100")):
                raise _fail(name, _("Give the length in metres."))
        elif name == "quantity":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise _fail(name, _("Give a whole number of at least 1.")) from None
            if not 1 <= value <= 999:
                raise _fail(name, _("Give a whole number of at least 1."))
        elif name in ("label", "note", "cylinder_code"):
            value = (value or "").strip()
            limit = {"label": 100, "note": 300, "cylinder_code": 40}[name]
            if len(value) > limit:
                raise _fail(name, _("Use at most %(n)d characters.") % {"n": limit})
        elif name == "length_m":
            value = None
        elif name in ("flame_failure_protection", "has_joints", "linked_shutoff_valve", "working"):
            if isinstance(value, str):
                value = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
                    value.strip().lower(), None if value.strip() == "" else "bad"
                )
            if value not in (True, False, None):
                raise _fail(name, _("Answer yes or no."))
        clean[name] = value
    return clean


def _save(eq: Equipment, actor: User, reason: str) -> Equipment:
    eq.updated_at = clock.now()
    eq._history_user = actor
    eq._change_reason = reason
    eq.save()
    return eq


@transaction.atomic
def equipment_add(*, venue: Venue, actor: User, kind: str, **fields: Any) -> Equipment:
    if not may_keep_register(venue, actor):
        raise NotAllowed(_("You cannot change this venue's equipment."), code="cannot_edit_equipment")
    if kind not in EquipmentKind.values:
        raise _fail("kind", _("Choose one of the listed values."))
    if venue.business_status == BusinessStatus.CLOSED:
        raise _fail("venue", _("This venue is deregistered."))
    eq = Equipment(venue=venue, kind=kind, org_path=venue.org_path, created_at=clock.now(), **_clean(kind, fields))
    _save(eq, actor, "create")
    evaluate_equipment(eq)
    return eq


@transaction.atomic
def equipment_update(*, equipment: Equipment, actor: User, **fields: Any) -> Equipment:
    eq = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if not may_keep_register(eq.venue, actor):
        raise NotAllowed(_("You cannot change this venue's equipment."), code="cannot_edit_equipment")
    if not eq.is_active:
        raise _fail("equipment", _("This equipment is retired."))
    for name, value in _clean(eq.kind, fields).items():
        setattr(eq, name, value)
    _save(eq, actor, "update")
    evaluate_equipment(eq)
    equipment.refresh_from_db()
    return eq


@transaction.atomic
def equipment_retire(*, equipment: Equipment, actor: User, reason: str = "") -> Equipment:
    """Taken out of use (replaced, removed): kept in the register's history, its warnings close."""
    eq = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if not may_keep_register(eq.venue, actor):
        raise NotAllowed(_("You cannot change this venue's equipment."), code="cannot_edit_equipment")
    if eq.is_active:
        eq.is_active = False
        eq.retired_at = clock.now()
        eq.note = (reason or eq.note or "").strip()[:300]  # the earlier note stays in the history
        _save(eq, actor, "retire")
        RuleWarning.objects.filter(equipment=eq, resolved_at__isnull=True).update(
            resolved_at=clock.now(), resolution="retired"
        )
    equipment.refresh_from_db()
    return eq


# --- running the rules ---------------------------------------------------------------------


@dataclass
class RuleRunReport:
    warnings_opened: int = 0
    warnings_closed: int = 0
    hazards: int = 0

    @property
    def changes(self) -> int:
        return self.warnings_opened + self.warnings_closed + self.hazards


def _category_code(venue: Venue) -> str:
    category = venue.category
    return (category.parent.code if category.parent_id else category.code) if category else ""


def evaluate_equipment(
    eq: Equipment, *, today: dt.date | None = None, report: RuleRunReport | None = None, closing: str = "fixed"
) -> RuleRunReport:
    """Apply every active rule of the equipment's kind. Idempotent."""
    report = report or RuleRunReport()
    today = today or clock.local_today()
    venue = eq.venue
    for rule in DateRule.objects.filter(kind=eq.kind).select_related("hazard_type"):
        finding = (
            rules.evaluate(rule, eq, today, _category_code(venue))
            if venue.business_status != BusinessStatus.CLOSED
            else None
        )
        _apply(rule, eq, finding, report, closing)
    return report


def _open_warning(rule: DateRule, eq: Equipment) -> RuleWarning | None:
    return RuleWarning.objects.filter(rule=rule, equipment=eq, resolved_at__isnull=True).first()


def _close_warning(warning: RuleWarning | None, resolution: str, report: RuleRunReport) -> None:
    if warning is not None:
        warning.resolved_at = clock.now()
        warning.resolution = resolution
        warning.save(update_fields=["resolved_at", "resolution"])
        report.warnings_closed += 1


def _apply(rule: DateRule, eq: Equipment, finding, report: RuleRunReport, closing: str) -> None:
    warning = _open_warning(rule, eq)
    if finding is None:
        _close_warning(warning, closing, report)
        return
    if finding.level == rules.WARNING:
        if warning is not None and warning.due_date == finding.due_date:
            return
        _close_warning(warning, "rule_changed" if closing == "rule_changed" else "updated", report)
        warning = RuleWarning.objects.create(
            equipment=eq, rule=rule, venue=eq.venue, due_date=finding.due_date, evidence=finding.evidence
        )
        report.warnings_opened += 1
        merchants = User.objects.filter(venue_links__venue_id=eq.venue_id, is_active=True)
        days = (finding.due_date - clock.local_today()).days
        notify(
            recipients=list(merchants) + [u for u in (eq.venue.grid_worker,) if u],
            kind=NoticeKind.RULE_WARNING,
            title=ngettext(
                "%(equipment)s: %(rule)s in %(days)d day (%(date)s)",
                "%(equipment)s: %(rule)s in %(days)d days (%(date)s)",
                days,
            )
            % {"equipment": str(eq), "rule": rule.label, "days": days, "date": finding.due_date.isoformat()},
            body=rule.advice,
            url=reverse("equipment:venue", args=[eq.venue_id]),
            dedupe_key=f"rule_warning:{eq.pk}:{rule.rule_id}:{finding.due_date.isoformat()}",
        )
        return
    # The date has come: a hazard in the loop, once.
    _close_warning(warning, "became_hazard", report)
    linked = RuleHazardLink.objects.filter(rule=rule, equipment=eq, hazard__state__in=OPEN_STATES).exists()
    same_type_open = Hazard.objects.filter(
        venue_id=eq.venue_id, hazard_type=rule.hazard_type, state__in=OPEN_STATES
    ).exists()
    if linked or same_type_open:
        return
    hazard = hazard_services.hazard_record(
        venue=eq.venue,
        hazard_type=rule.hazard_type,
        actor=None,
        source=HazardSource.DATE_RULE,
        description=f"{rule.name}：{eq}（{_('due')} {finding.due_date.isoformat()}）",
        rule_evidence={**finding.evidence, "equipment": eq.pk},
    )
    RuleHazardLink.objects.create(rule=rule, equipment=eq, hazard=hazard)
    report.hazards += 1
    if hazard.state == HazardState.FOUND and VenueMerchant.objects.filter(venue_id=eq.venue_id).exists():
        hazard_services.hazard_dispatch(
            hazard=hazard,
            actor=None,
            party=hazard_services.ResponsibleParty(merchant=True),
            note=_("Found by the date rule %(rule)s.") % {"rule": rule.rule_id},
            _system=True,
        )


def run_date_rules(*, today: dt.date | None = None, venue: Venue | None = None) -> RuleRunReport:
    """Every rule for every piece of equipment in use (or one venue's) not yet checked on `today`.

    Dates only move once a day, and every change to the register or to a rule is evaluated at
    once, so the periodic command goes over the register once a day however often it runs.
    Each piece is locked while it is evaluated, so two runners never raise the same hazard twice.
    """
    report = RuleRunReport()
    today = today or clock.local_today()
    qs = Equipment.objects.filter(is_active=True).filter(
        models.Q(rules_checked_on__isnull=True) | models.Q(rules_checked_on__lt=today)
    )
    if venue is not None:
        qs = qs.filter(venue=venue)
    for pk in list(qs.values_list("pk", flat=True)):
        with transaction.atomic():
            eq = (
                # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
                Equipment.objects.select_for_update(of=("self",))
                .select_related("venue__category__parent", "venue__grid_worker")
                .filter(pk=pk)
                .first()
            )
            if eq is None or (eq.rules_checked_on and eq.rules_checked_on >= today):
                continue  # another runner got there first
            evaluate_equipment(eq, today=today, report=report)
            Equipment.objects.filter(pk=pk).update(rules_checked_on=today)
    return report


@transaction.atomic
def date_rule_update(*, rule: DateRule, actor: User, **changes: Any) -> RuleRunReport:
    """An admin adjusts or switches a rule: the change is recorded, and open warnings are re-evaluated."""
    if not user_scope(user=actor).is_district_admin:
        raise NotAllowed(_("Only district administrators change the date rules."), code="cannot_change_rules")
    allowed = {"params", "warn_days", "is_active", "advice", "advice_en", "basis"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise _fail(unknown[0], _("This field cannot be changed here."))
    if "warn_days" in changes and not (0 <= int(changes["warn_days"]) <= 365):
        raise _fail("warn_days", _("Give a number of days from 0 to 365."))
    if "params" in changes and not isinstance(changes["params"], dict):
        raise _fail("params", _("Give the parameters as a JSON object."))
    for name, value in changes.items():
        setattr(rule, name, value)
    rule._history_user = actor
    rule._change_reason = "update"
    rule.save()
    return rerun_rule(rule)


def rerun_rule(rule: DateRule) -> RuleRunReport:
    report = RuleRunReport()
    for eq in Equipment.objects.filter(kind=rule.kind, is_active=True).select_related("venue__category__parent"):
        closed = eq.venue.business_status == BusinessStatus.CLOSED
        finding = None if closed else rules.evaluate(rule, eq, clock.local_today(), _category_code(eq.venue))
        _apply(rule, eq, finding, report, "rule_changed")
    return report
