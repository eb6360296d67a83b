"""Every write to a hazard work order (隐患工单).

Each transition is one function: it checks the actor's right, then the current state (and the
version the caller saw, when given), then writes the new state and exactly one HazardEvent, its
photos and its notices in one transaction. A refused call raises and changes nothing.

    found ──dispatch──▶ dispatched ──acknowledge──▶ rectifying ──submit proof──▶ awaiting review
      └── fixed on the spot ─────────────────────────────────────────────────────▶ awaiting review
    awaiting review ──pass──▶ closed ;  ──fail──▶ rectifying ;  closed ──reopen──▶ rectifying
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from venuesafe.accounts.models import TERRITORIAL_STAFF_ROLES, Role, RoleAssignment, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.core.positions import Position
from venuesafe.core.validators import validate_photo
from venuesafe.dashboard.rollup import hazard_changed, hazard_pairs
from venuesafe.notices.models import NoticeKind
from venuesafe.notices.services import notify
from venuesafe.org.models import Department, OrgLevel, OrgUnit
from venuesafe.venues.models import Venue, VenueMerchant

from .models import (
    OPEN_STATES,
    EscalationLevel,
    EventKind,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardSource,
    HazardState,
    HazardType,
    PhotoKind,
    Severity,
)

S = HazardState

# Who may do what, by the roles a user holds at or above the hazard's grid.
RECORDERS = TERRITORIAL_STAFF_ROLES
DISPATCHERS = frozenset({Role.DISTRICT_ADMIN, Role.STREET_OFFICE, Role.COMMUNITY_STAFF})
SUPERVISORS = frozenset({Role.DISTRICT_ADMIN, Role.STREET_OFFICE})
REVIEWERS = frozenset({Role.DISTRICT_ADMIN, Role.STREET_OFFICE, Role.COMMUNITY_STAFF, Role.INSPECTOR})
# Staff who may acknowledge and upload proof on behalf of a merchant without an account.
HELPERS = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER})

STATE_LABELS = {s.value: s.label for s in HazardState}


# --- deadlines -----------------------------------------------------------------------------


def default_deadline_hours(hazard_type: HazardType, severity: str) -> int:
    if hazard_type.default_deadline_hours:
        return hazard_type.default_deadline_hours
    return settings.HAZARD_DEADLINE_HOURS.get(severity, settings.HAZARD_DEADLINE_HOURS[Severity.GENERAL])


def default_deadline(hazard: Hazard, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(hours=default_deadline_hours(hazard.hazard_type, hazard.severity))


# --- rights --------------------------------------------------------------------------------


def roles_at(user: User, path: str) -> set[str]:
    """The roles the user holds at `path` or above it (superusers hold every role)."""
    scope = user_scope(user=user)
    if scope.is_superuser:
        return {r.value for r in Role}
    return {a.role for a in scope.assignments if path.startswith(a.org_unit.path)}


def is_venue_merchant(user: User, venue_id: int) -> bool:
    return VenueMerchant.objects.filter(user_id=user.pk, venue_id=venue_id).exists()


def is_responsible(hazard: Hazard, user: User) -> bool:
    """The user answers for this work order: its merchant, or staff of the responsible community or department."""
    if hazard.responsible_merchant and is_venue_merchant(user, hazard.venue_id):
        return True
    scope = user_scope(user=user)
    for a in scope.assignments:
        if (
            hazard.responsible_community_id
            and a.role == Role.COMMUNITY_STAFF
            and hazard.responsible_community.path.startswith(a.org_unit.path)
        ):
            return True
        if (
            hazard.responsible_department_id
            and a.role == Role.DEPARTMENT_VIEWER
            and a.department_id == hazard.responsible_department_id
            and hazard.org_path.startswith(a.org_unit.path)
        ):
            return True
    return False


def _latest_proof_actor_id(hazard: Hazard) -> int | None:
    """Who showed the latest fix: an uploaded proof, or an inspector's fix on the spot."""
    event = (
        hazard.events.filter(kind__in=(EventKind.PROOF_SUBMITTED, EventKind.FIXED_ON_SPOT))
        .order_by("-at", "-id")
        .first()
    )
    return event.actor_id if event else None


def _may_rectify(hazard: Hazard, user: User) -> bool:
    return is_responsible(hazard, user) or bool(roles_at(user, hazard.org_path) & HELPERS)


def _may_review(hazard: Hazard, user: User) -> bool:
    roles = roles_at(user, hazard.org_path)
    if hazard.source == HazardSource.SELF_CHECK and Role.GRID_WORKER in roles:
        return True  # a merchant's own fix gets a light review, which the grid worker may give
    return bool(roles & REVIEWERS)


def _is_own_proof(hazard: Hazard, user: User) -> bool:
    return not user.is_superuser and _latest_proof_actor_id(hazard) == user.pk


def _may_review_proof(hazard: Hazard, user: User) -> bool:
    """Reviewers, except whoever submitted the proof under review (four eyes)."""
    return _may_review(hazard, user) and not _is_own_proof(hazard, user)


# Per action: the states it starts from and the right it needs.
ACTIONS: dict[str, tuple[tuple[str, ...], Callable[[Hazard, User], bool]]] = {
    "dispatch": ((S.FOUND,), lambda h, u: bool(roles_at(u, h.org_path) & DISPATCHERS)),
    "redispatch": ((S.DISPATCHED, S.RECTIFYING), lambda h, u: bool(roles_at(u, h.org_path) & SUPERVISORS)),
    "acknowledge": ((S.DISPATCHED,), _may_rectify),
    "submit_proof": ((S.DISPATCHED, S.RECTIFYING), _may_rectify),
    "review_pass": ((S.AWAITING_REVIEW,), _may_review_proof),
    "review_fail": ((S.AWAITING_REVIEW,), _may_review_proof),
    "reopen": ((S.CLOSED,), _may_review),
    "extend_deadline": (tuple(OPEN_STATES), lambda h, u: bool(roles_at(u, h.org_path) & SUPERVISORS)),
    "withdraw": ((S.FOUND, S.DISPATCHED, S.RECTIFYING), lambda h, u: bool(roles_at(u, h.org_path) & SUPERVISORS)),
}

ACTION_LABELS = {
    "dispatch": gettext_lazy("Dispatch"),
    "redispatch": gettext_lazy("Re-dispatch"),
    "acknowledge": gettext_lazy("Acknowledge"),
    "submit_proof": gettext_lazy("Submit proof of rectification"),
    "review_pass": gettext_lazy("Pass review"),
    "review_fail": gettext_lazy("Fail review"),
    "reopen": gettext_lazy("Reopen"),
    "extend_deadline": gettext_lazy("Extend deadline"),
    "withdraw": gettext_lazy("Withdraw"),
}


def allowed_actions(hazard: Hazard, user: User) -> list[str]:
    """The transitions this user may take on this hazard now, in display order."""
    return [name for name, (states, right) in ACTIONS.items() if hazard.state in states and right(hazard, user)]


# --- shared checks -------------------------------------------------------------------------


def _check_photos(photos: Sequence | None, *, required: bool, field_name: str = "photos") -> list:
    photos = [p for p in (photos or []) if p]
    if required and not photos:
        raise InvalidInput(_("Add at least one photo."), fields={field_name: [_("Add at least one photo.")]})
    limit = settings.MAX_PHOTOS_PER_STEP
    if len(photos) > limit:
        msg = _("Add at most %(n)d photos.") % {"n": limit}
        raise InvalidInput(msg, fields={field_name: [msg]})
    for photo in photos:
        try:
            validate_photo(photo)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], fields={field_name: list(exc.messages)}) from None
    return photos


def _require_text(value: str, field_name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, fields={field_name: [message]})
    if len(value) > 2000:
        msg = _("Use at most %(n)d characters.") % {"n": 2000}
        raise InvalidInput(msg, fields={field_name: [msg]})
    return value


def _optional_text(value: str, field_name: str = "note") -> str:
    value = (value or "").strip()
    if len(value) > 2000:
        msg = _("Use at most %(n)d characters.") % {"n": 2000}
        raise InvalidInput(msg, fields={field_name: [msg]})
    return value


def _conflict(hazard: Hazard, message: str, code: str = "state_conflict") -> StateConflict:
    return StateConflict(message, code=code, extra={"current_state": hazard.state, "version": hazard.version})


@dataclass
class _Step:
    """What one transition writes: field changes on the hazard and its one event."""

    kind: str
    to_state: str
    changes: dict = field(default_factory=dict)
    note: str = ""
    data: dict = field(default_factory=dict)
    photos: list = field(default_factory=list)
    photo_kind: str = PhotoKind.EVIDENCE
    position: Position | None = None


def _apply(hazard: Hazard, actor: User | None, step: _Step, *, expected_version: int | None = None) -> HazardEvent:
    """Write `step` on a hazard locked by the caller, guarded by its version."""
    now = clock.now()
    old_version = hazard.version
    if expected_version is not None and expected_version != old_version:
        raise _conflict(
            hazard, _("This work order changed since you opened it. Reload it and try again."), code="stale_version"
        )
    from_state = hazard.state
    touched = hazard_pairs(hazard)  # the screen's daily rollup: the days before and after the change
    changes = {**step.changes, "state": step.to_state, "version": old_version + 1, "updated_at": now}
    updated = Hazard.objects.filter(pk=hazard.pk, version=old_version).update(**changes)
    if updated != 1:
        hazard.refresh_from_db()
        raise _conflict(
            hazard, _("This work order changed since you opened it. Reload it and try again."), code="stale_version"
        )
    for name, value in changes.items():
        setattr(hazard, name, value)
    hazard_changed(touched | hazard_pairs(hazard))
    event = HazardEvent.objects.create(
        hazard=hazard,
        kind=step.kind,
        from_state=from_state,
        to_state=step.to_state,
        actor=actor,
        at=now,
        lat=step.position.lat if step.position else None,
        lng=step.position.lng if step.position else None,
        accuracy_m=step.position.accuracy_m if step.position else None,
        note=step.note,
        data=step.data,
    )
    _save_photos(hazard, event, step.photos, step.photo_kind, actor)
    return event


def _save_photos(hazard: Hazard, event: HazardEvent, photos: Iterable, kind: str, actor: User | None) -> None:
    for photo in photos:
        if hasattr(photo, "seek"):
            photo.seek(0)
        HazardPhoto.objects.create(
            hazard=hazard, event=event, kind=kind, image=photo, uploaded_by=actor, uploaded_at=event.at
        )


def _transition(
    action: str,
    hazard: Hazard,
    actor: User,
    build: Callable[[Hazard], _Step],
    *,
    expected_version: int | None,
    after: Callable[[Hazard, HazardEvent], None] | None = None,
) -> Hazard:
    states, right = ACTIONS[action]
    with transaction.atomic():
        locked = Hazard.objects.select_for_update().select_related("venue", "hazard_type").get(pk=hazard.pk)
        if action in ("review_pass", "review_fail") and _may_review(locked, actor) and _is_own_proof(locked, actor):
            raise NotAllowed(
                _("You submitted the proof of this rectification; someone else must review it."), code="own_proof"
            )
        if not right(locked, actor):
            raise NotAllowed(
                _("You are not allowed to do this on this work order: %(action)s.") % {"action": ACTION_LABELS[action]},
                code="not_allowed_for_hazard",
            )
        if locked.state not in states:
            raise _conflict(
                locked,
                _("This work order is %(state)s; it cannot be changed that way now.")
                % {"state": STATE_LABELS[locked.state]},
            )
        step = build(locked)
        event = _apply(locked, actor, step, expected_version=expected_version)
        if after is not None:
            after(locked, event)
    hazard.refresh_from_db()
    return hazard


# --- recipients of notices -----------------------------------------------------------------


def _staff_at(unit: OrgUnit | None, role: str) -> list[User]:
    if unit is None:
        return []
    ids = RoleAssignment.objects.filter(org_unit=unit, role=role, is_active=True).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def responsible_users(hazard: Hazard) -> list[User]:
    users: list[User] = []
    if hazard.responsible_merchant:
        users += list(User.objects.filter(venue_links__venue_id=hazard.venue_id, is_active=True))
    if hazard.responsible_community_id:
        users += _staff_at(hazard.responsible_community, Role.COMMUNITY_STAFF)
    if hazard.responsible_department_id:
        ids = RoleAssignment.objects.filter(
            role=Role.DEPARTMENT_VIEWER, department_id=hazard.responsible_department_id, is_active=True
        ).select_related("org_unit")
        users += [a.user for a in ids if hazard.org_path.startswith(a.org_unit.path)]
    return users


def _venue_staff(hazard: Hazard) -> list[User]:
    venue = hazard.venue
    return [u for u in (venue.grid_worker, venue.inspector) if u is not None]


def _hazard_url(hazard: Hazard) -> str:
    return reverse("hazards:detail", args=[hazard.pk])


def _notify(hazard: Hazard, recipients: Iterable[User], kind: str, title: str, key: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        url=_hazard_url(hazard),
        hazard=hazard,
        dedupe_key=f"{kind}:{hazard.pk}:{key}",
    )


def _title(hazard: Hazard) -> str:
    return f"{hazard.venue.sign_name} · {hazard.hazard_type.name}"


def _local(ts: dt.datetime | None) -> str:
    return timezone.localtime(ts).strftime("%Y-%m-%d %H:%M") if ts else ""


# --- recording a hazard --------------------------------------------------------------------


def hazard_type_applies(hazard_type: HazardType, venue: Venue) -> bool:
    if hazard_type.applies_to_all:
        return True
    ids = set(hazard_type.categories.values_list("pk", flat=True))
    return venue.category_id in ids or (venue.category.parent_id in ids)


def hazard_record(
    *,
    venue: Venue,
    hazard_type: HazardType,
    actor: User | None,
    source: str = HazardSource.INSPECTION,
    description: str = "",
    severity: str | None = None,
    photos: Sequence | None = None,
    proof_photos: Sequence | None = None,
    fixed_on_spot: bool = False,
    position: Position | None = None,
    inspection=None,
    found_at: dt.datetime | None = None,
    rule_evidence: dict | None = None,
) -> Hazard:
    """Record a hazard found at a venue (by a person, or by a date rule: actor None, `rule_evidence` kept).

    An open hazard of the same type at the venue is not duplicated: the finding is added to it
    (and, when fixed on the spot, it goes to review). Otherwise a new work order starts as
    found, or as awaiting review when fixed on the spot (立即整改).
    """
    if source == HazardSource.DATE_RULE:
        if actor is not None:
            raise NotAllowed(_("Only the date rules record rule hazards."), code="cannot_record_hazard")
    elif actor is None:
        raise NotAllowed(_("You may not record hazards at this venue."), code="cannot_record_hazard")
    elif source == HazardSource.SELF_CHECK:
        if not is_venue_merchant(actor, venue.pk):
            raise NotAllowed(_("You are not a merchant of this venue."), code="not_venue_merchant")
    elif not roles_at(actor, venue.org_path) & RECORDERS:
        raise NotAllowed(_("You may not record hazards at this venue."), code="cannot_record_hazard")
    if not hazard_type.is_active or not hazard_type_applies(hazard_type, venue):
        msg = _("This hazard does not apply to a venue of this category.")
        raise InvalidInput(msg, fields={"hazard_type": [msg]})
    if severity is not None and severity not in Severity.values:
        msg = _("Choose a valid severity.")
        raise InvalidInput(msg, fields={"severity": [msg]})
    description = _optional_text(description, "description")
    # An inspector documents every finding; a merchant's self-check asks for photos item by item.
    evidence = _check_photos(photos, required=not fixed_on_spot and source == HazardSource.INSPECTION)
    proof = _check_photos(proof_photos, required=fixed_on_spot, field_name="proof_photos")
    now = found_at or clock.now()

    with transaction.atomic():
        existing = (
            Hazard.objects.select_for_update()
            .filter(venue=venue, hazard_type=hazard_type, state__in=OPEN_STATES)
            .order_by("found_at")
            .first()
        )
        if existing is not None:
            return _record_again(existing, actor, description, evidence, proof, fixed_on_spot, position, inspection)
        hazard = Hazard(
            venue=venue,
            hazard_type=hazard_type,
            description=description,
            severity=severity or hazard_type.default_severity,
            source=source,
            inspection=inspection,
            found_by=actor,
            found_at=now,
            found_lat=position.lat if position else None,
            found_lng=position.lng if position else None,
            found_accuracy_m=position.accuracy_m if position else None,
            fixed_on_spot=fixed_on_spot,
            state=S.AWAITING_REVIEW if fixed_on_spot else S.FOUND,
            proof_submitted_at=now if fixed_on_spot else None,
            org_path=venue.org_path,
            community_id=venue.community_id,
            category_id=venue.category_id,
            created_at=now,
            updated_at=now,
        )
        hazard.deadline = default_deadline(hazard, now)
        hazard.save()
        hazard_changed(hazard_pairs(hazard))
        event = HazardEvent.objects.create(
            hazard=hazard,
            kind=EventKind.FIXED_ON_SPOT if fixed_on_spot else EventKind.FOUND,
            from_state="",
            to_state=hazard.state,
            actor=actor,
            at=now,
            lat=hazard.found_lat,
            lng=hazard.found_lng,
            accuracy_m=hazard.found_accuracy_m,
            note=description,
            data={
                "source": source,
                "severity": hazard.severity,
                "deadline": hazard.deadline.isoformat(),
                **({"evidence": rule_evidence} if rule_evidence else {}),
            },
        )
        _save_photos(hazard, event, evidence, PhotoKind.EVIDENCE, actor)
        _save_photos(hazard, event, proof, PhotoKind.PROOF, actor)
        if fixed_on_spot:
            _notify_review_due(hazard, actor)
    return hazard


def _record_again(hazard, actor, description, evidence, proof, fixed_on_spot, position, inspection) -> Hazard:
    if fixed_on_spot and hazard.state in (S.FOUND, S.DISPATCHED, S.RECTIFYING):
        step = _Step(
            kind=EventKind.FIXED_ON_SPOT,
            to_state=S.AWAITING_REVIEW,
            changes={"proof_submitted_at": clock.now()},
            note=description,
            position=position,
            data={"inspection": inspection.pk if inspection else None},
        )
        event = _apply(hazard, actor, step)
        _save_photos(hazard, event, evidence, PhotoKind.EVIDENCE, actor)
        _save_photos(hazard, event, proof, PhotoKind.PROOF, actor)
        _notify_review_due(hazard, actor)
        return hazard
    step = _Step(
        kind=EventKind.RECORDED_AGAIN,
        to_state=hazard.state,
        note=description,
        position=position,
        data={"inspection": inspection.pk if inspection else None},
    )
    event = _apply(hazard, actor, step)
    _save_photos(hazard, event, evidence, PhotoKind.EVIDENCE, actor)
    _save_photos(hazard, event, proof, PhotoKind.PROOF, actor)
    return hazard


def _notify_review_due(hazard: Hazard, actor: User | None) -> None:
    def others(users: list[User]) -> list[User]:
        # Whoever showed the fix may not review it, so they are not the one to tell.
        return [u for u in users if u is not None and (actor is None or u.pk != actor.pk)]

    reviewers = others([hazard.venue.inspector]) or others(_staff_at(hazard.community, Role.COMMUNITY_STAFF))
    _notify(
        hazard, reviewers, NoticeKind.REVIEW_DUE, _("Review due: %(t)s") % {"t": _title(hazard)}, f"v{hazard.version}"
    )


# --- dispatch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponsibleParty:
    merchant: bool = False
    community: OrgUnit | None = None
    department: Department | None = None


def _check_party(hazard: Hazard, party: ResponsibleParty) -> None:
    if not (party.merchant or party.community or party.department):
        msg = _("Choose who is responsible: the merchant, a community or a department.")
        raise InvalidInput(msg, fields={"responsible": [msg]})
    if party.community is not None:
        street_path = hazard.community.parent.path if hazard.community.parent_id else hazard.community.path
        if party.community.level != OrgLevel.COMMUNITY or not party.community.path.startswith(street_path):
            msg = _("Choose a community of the venue's street.")
            raise InvalidInput(msg, fields={"responsible_community": [msg]})


def _check_deadline(deadline: dt.datetime | None, *, after: dt.datetime | None = None) -> None:
    if deadline is None:
        return
    if timezone.is_naive(deadline):
        msg = _("Give the deadline with its time zone.")
        raise InvalidInput(msg, fields={"deadline": [msg]})
    floor = max(clock.now(), after) if after else clock.now()
    if deadline <= floor:
        msg = _("The deadline must be later than %(t)s.") % {"t": _local(floor)}
        raise InvalidInput(msg, fields={"deadline": [msg]})


def _party_changes(party: ResponsibleParty) -> dict:
    return {
        "responsible_merchant": party.merchant,
        "responsible_community": party.community,
        "responsible_department": party.department,
    }


def _party_data(party: ResponsibleParty) -> dict:
    return {
        "merchant": party.merchant,
        "community": party.community.pk if party.community else None,
        "department": party.department.pk if party.department else None,
    }


def _notify_dispatched(hazard: Hazard, event: HazardEvent) -> None:
    body = _("Deadline: %(t)s") % {"t": _local(hazard.deadline)}
    _notify(
        hazard,
        responsible_users(hazard) + _venue_staff(hazard),
        NoticeKind.DISPATCHED,
        _("New work order: %(t)s") % {"t": _title(hazard)},
        f"e{event.pk}",
        body,
    )


def hazard_dispatch(
    *,
    hazard: Hazard,
    actor: User,
    party: ResponsibleParty,
    deadline: dt.datetime | None = None,
    note: str = "",
    expected_version: int | None = None,
    _system: bool = False,
) -> Hazard:
    """派单: name the responsible party; the deadline defaults by the catalogue or the severity."""
    note = _optional_text(note)
    _check_deadline(deadline)

    def build(h: Hazard) -> _Step:
        _check_party(h, party)
        due = deadline or default_deadline(h, clock.now())
        return _Step(
            kind=EventKind.DISPATCHED,
            to_state=S.DISPATCHED,
            changes={**_party_changes(party), "deadline": due, "dispatched_at": clock.now()},
            note=note,
            data={**_party_data(party), "deadline": due.isoformat(), "automatic": _system},
        )

    if _system:
        # Dispatch by the inspection itself (to the venue's merchant): the service decides, not a role.
        with transaction.atomic():
            locked = Hazard.objects.select_for_update().select_related("venue", "hazard_type").get(pk=hazard.pk)
            if locked.state != S.FOUND:
                return locked
            event = _apply(locked, actor, build(locked))
            _notify_dispatched(locked, event)
        hazard.refresh_from_db()
        return hazard
    return _transition("dispatch", hazard, actor, build, expected_version=expected_version, after=_notify_dispatched)


def hazard_redispatch(
    *,
    hazard: Hazard,
    actor: User,
    party: ResponsibleParty,
    reason: str,
    deadline: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Hazard:
    reason = _require_text(reason, "reason", _("Say why the work order is re-dispatched."))
    _check_deadline(deadline)

    def build(h: Hazard) -> _Step:
        _check_party(h, party)
        changes = {**_party_changes(party), "dispatched_at": clock.now()}
        if deadline:
            changes["deadline"] = deadline
        return _Step(
            kind=EventKind.REDISPATCHED,
            to_state=S.DISPATCHED,
            changes=changes,
            note=reason,
            data={**_party_data(party), "deadline": (deadline or h.deadline).isoformat()},
        )

    return _transition("redispatch", hazard, actor, build, expected_version=expected_version, after=_notify_dispatched)


# --- rectification and review -------------------------------------------------------------


def hazard_acknowledge(*, hazard: Hazard, actor: User, note: str = "", expected_version: int | None = None) -> Hazard:
    """签收: the responsible party starts rectifying."""
    note = _optional_text(note)
    return _transition(
        "acknowledge",
        hazard,
        actor,
        lambda h: _Step(kind=EventKind.ACKNOWLEDGED, to_state=S.RECTIFYING, note=note),
        expected_version=expected_version,
    )


def hazard_submit_proof(
    *,
    hazard: Hazard,
    actor: User,
    photos: Sequence,
    note: str = "",
    position: Position | None = None,
    expected_version: int | None = None,
) -> Hazard:
    """The responsible party shows the hazard is fixed; the order waits for review (复核)."""
    note = _optional_text(note)
    proof = _check_photos(photos, required=True)

    def build(h: Hazard) -> _Step:
        return _Step(
            kind=EventKind.PROOF_SUBMITTED,
            to_state=S.AWAITING_REVIEW,
            changes={"proof_submitted_at": clock.now()},
            note=note,
            photos=proof,
            photo_kind=PhotoKind.PROOF,
            position=position,
        )

    return _transition(
        "submit_proof",
        hazard,
        actor,
        build,
        expected_version=expected_version,
        after=lambda h, e: _notify_review_due(h, actor),
    )


def _notify_review_result(h: Hazard, event: HazardEvent, kind: str, title: str) -> None:
    proof_actor = User.objects.filter(pk=_latest_proof_actor_id(h)).first()
    _notify(h, [*responsible_users(h), proof_actor], kind, title, f"e{event.pk}", event.note)


def hazard_review_pass(
    *,
    hazard: Hazard,
    actor: User,
    note: str = "",
    photos: Sequence | None = None,
    position: Position | None = None,
    expected_version: int | None = None,
) -> Hazard:
    """复核通过: the work order is closed (已闭环)."""
    note = _optional_text(note)
    review_photos = _check_photos(photos, required=False)

    def build(h: Hazard) -> _Step:
        return _Step(
            kind=EventKind.REVIEW_PASSED,
            to_state=S.CLOSED,
            changes={"closed_at": clock.now()},
            note=note,
            photos=review_photos,
            photo_kind=PhotoKind.REVIEW,
            position=position,
        )

    return _transition(
        "review_pass",
        hazard,
        actor,
        build,
        expected_version=expected_version,
        after=lambda h, e: _notify_review_result(
            h, e, NoticeKind.REVIEW_PASSED, _("Review passed, closed: %(t)s") % {"t": _title(h)}
        ),
    )


def hazard_review_fail(
    *,
    hazard: Hazard,
    actor: User,
    reason: str,
    photos: Sequence | None = None,
    position: Position | None = None,
    expected_version: int | None = None,
) -> Hazard:
    """复核不通过: back to rectifying, with the reason the responsible party will read."""
    reason = _require_text(reason, "reason", _("Say what is still wrong."))
    review_photos = _check_photos(photos, required=False)

    def build(h: Hazard) -> _Step:
        return _Step(
            kind=EventKind.REVIEW_FAILED,
            to_state=S.RECTIFYING,
            changes={"review_failures": h.review_failures + 1},
            note=reason,
            photos=review_photos,
            photo_kind=PhotoKind.REVIEW,
            position=position,
        )

    return _transition(
        "review_fail",
        hazard,
        actor,
        build,
        expected_version=expected_version,
        after=lambda h, e: _notify_review_result(
            h, e, NoticeKind.REVIEW_FAILED, _("Review failed, rectify again: %(t)s") % {"t": _title(h)}
        ),
    )


def hazard_reopen(*, hazard: Hazard, actor: User, reason: str, expected_version: int | None = None) -> Hazard:
    """A closed hazard turns out not to be fixed: rectify again, from a fresh deadline."""
    reason = _require_text(reason, "reason", _("Say why the work order is reopened."))

    def build(h: Hazard) -> _Step:
        has_party = h.responsible_merchant or h.responsible_community_id or h.responsible_department_id
        due = default_deadline(h, clock.now())
        return _Step(
            kind=EventKind.REOPENED,
            to_state=S.RECTIFYING if has_party else S.FOUND,
            changes={"closed_at": None, "deadline": due, "reopen_count": h.reopen_count + 1},
            note=reason,
            data={"deadline": due.isoformat()},
        )

    return _transition(
        "reopen",
        hazard,
        actor,
        build,
        expected_version=expected_version,
        after=lambda h, e: _notify(
            h,
            responsible_users(h) + _venue_staff(h),
            NoticeKind.REOPENED,
            _("Reopened: %(t)s") % {"t": _title(h)},
            f"e{e.pk}",
            e.note,
        ),
    )


def hazard_extend_deadline(
    *, hazard: Hazard, actor: User, deadline: dt.datetime, reason: str, expected_version: int | None = None
) -> Hazard:
    reason = _require_text(reason, "reason", _("Say why the deadline is extended."))
    if deadline is None:
        msg = _("Give the new deadline.")
        raise InvalidInput(msg, fields={"deadline": [msg]})
    _check_deadline(deadline)

    def build(h: Hazard) -> _Step:
        if h.deadline and deadline <= h.deadline:
            msg = _("The new deadline must be later than the current one (%(t)s).") % {"t": _local(h.deadline)}
            raise InvalidInput(msg, fields={"deadline": [msg]})
        return _Step(
            kind=EventKind.DEADLINE_EXTENDED,
            to_state=h.state,
            changes={"deadline": deadline},
            note=reason,
            data={"old_deadline": h.deadline.isoformat() if h.deadline else None, "deadline": deadline.isoformat()},
        )

    return _transition("extend_deadline", hazard, actor, build, expected_version=expected_version)


def hazard_withdraw(*, hazard: Hazard, actor: User, reason: str, expected_version: int | None = None) -> Hazard:
    """Recorded by mistake: marked withdrawn, never deleted."""
    reason = _require_text(reason, "reason", _("Say why the work order is withdrawn."))
    return _transition(
        "withdraw",
        hazard,
        actor,
        lambda h: _Step(kind=EventKind.WITHDRAWN, to_state=S.WITHDRAWN, note=reason),
        expected_version=expected_version,
    )


# --- timers: escalation and reminders -------------------------------------------------------


def escalation_target(hazard: Hazard, now: dt.datetime) -> int:
    if hazard.deadline is None or now <= hazard.deadline:
        return EscalationLevel.GRID
    if now - hazard.deadline >= dt.timedelta(hours=settings.HAZARD_ESCALATION_STEP_HOURS):
        return EscalationLevel.STREET
    return EscalationLevel.COMMUNITY


def _escalation_recipients(hazard: Hazard, level: int) -> list[User]:
    if level == EscalationLevel.COMMUNITY:
        return _staff_at(hazard.community, Role.COMMUNITY_STAFF)
    street = hazard.community.parent
    return _staff_at(street, Role.STREET_OFFICE)


def hazard_escalate(*, hazard: Hazard, now: dt.datetime | None = None) -> int:
    """Escalate an overdue order one level at a time up to where its lateness says. Returns steps taken."""
    now = now or clock.now()
    steps = 0
    with transaction.atomic():
        locked = (
            Hazard.objects.select_for_update().select_related("venue", "hazard_type", "community").get(pk=hazard.pk)
        )
        if locked.state not in OPEN_STATES:
            return 0
        target = escalation_target(locked, now)
        while locked.escalation_level < target:
            level = locked.escalation_level + 1
            step = _Step(
                kind=EventKind.ESCALATED,
                to_state=locked.state,
                changes={"escalation_level": level},
                data={"level": level, "deadline": locked.deadline.isoformat()},
            )
            event = _apply(locked, None, step)
            steps += 1
            label = EscalationLevel(level).label
            _notify(
                locked,
                _escalation_recipients(locked, level),
                NoticeKind.ESCALATED,
                _("Escalated to %(level)s, overdue since %(t)s: %(title)s")
                % {"level": label, "t": _local(locked.deadline), "title": _title(locked)},
                f"e{event.pk}",
            )
    return steps


@dataclass
class TimerReport:
    escalations: int = 0
    overdue_notices: int = 0
    due_soon_notices: int = 0

    @property
    def changes(self) -> int:
        return self.escalations + self.overdue_notices + self.due_soon_notices


def _remind(hazard: Hazard, kind: str, title: str) -> int:
    """One reminder per (kind, order, deadline): an extended deadline earns a fresh one."""
    with transaction.atomic():
        sent = notify(
            recipients=responsible_users(hazard) + _venue_staff(hazard),
            kind=kind,
            title=title,
            url=_hazard_url(hazard),
            hazard=hazard,
            dedupe_key=f"{kind}:{hazard.pk}:{hazard.deadline.timestamp():.0f}",
        )
    return len(sent)


def run_hazard_timers(*, now: dt.datetime | None = None) -> TimerReport:
    """Escalations and reminders. Idempotent: a second run at the same time changes nothing."""
    now = now or clock.now()
    report = TimerReport()
    open_q = Q(state__in=OPEN_STATES, deadline__isnull=False)
    overdue = Hazard.objects.filter(open_q, deadline__lt=now).select_related("venue", "hazard_type", "community")
    for hazard in overdue.iterator(chunk_size=500):
        if hazard.escalation_level < escalation_target(hazard, now):
            report.escalations += hazard_escalate(hazard=hazard, now=now)
            hazard.refresh_from_db()
        title = _("Overdue since %(t)s: %(title)s") % {"t": _local(hazard.deadline), "title": _title(hazard)}
        report.overdue_notices += _remind(hazard, NoticeKind.OVERDUE, title)
    soon = (
        Hazard.objects.filter(
            open_q, deadline__gte=now, deadline__lte=now + dt.timedelta(hours=settings.HAZARD_DUE_SOON_HOURS)
        )
        .exclude(state=S.AWAITING_REVIEW)
        .select_related("venue", "hazard_type")
    )
    for hazard in soon.iterator(chunk_size=500):
        title = _("Due %(t)s: %(title)s") % {"t": _local(hazard.deadline), "title": _title(hazard)}
        report.due_soon_notices += _remind(hazard, NoticeKind.DUE_SOON, title)
    return report
