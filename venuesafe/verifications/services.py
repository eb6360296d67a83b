"""Every write of the instant response: report an anomaly, verify it on site, dismiss it, escalate it.

Each step takes the acting user, checks the right and the state, and writes the task, one event and
the archive change in one transaction; notices go out through notices.services.notify (deduplicated).

Assignment rule (documented in docs/instant-response.md): the task belongs to the grid (and
community) of the venue it is about; a reported new venue belongs to the grid of the nearest
archived venue within VERIFICATION_LOCATE_RADIUS_M of the reported position, else to the community or
grid the reporter chose, else to the reporter's own grid or community. It is assigned to the first
of: the venue's (or that nearest venue's) inspector, its grid worker, the grid's inspectors, the grid's
grid workers, the community's inspectors, the community's grid workers — who still holds an active
inspector or grid-worker role over the task's place. Nobody found: unassigned, and the community
staff are told.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from venuesafe.accounts.models import TERRITORIAL_STAFF_ROLES, Role, RoleAssignment, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed, OutOfScope, StateConflict
from venuesafe.core.positions import Position
from venuesafe.core.validators import normalize_code, validate_photo
from venuesafe.notices.models import NoticeKind
from venuesafe.notices.services import notify
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.venues import services as venue_services
from venuesafe.venues.models import BusinessStatus, LocationSource, Venue, VenueCategory

from . import selectors
from .matching import normalise_name
from .models import (
    AnomalyKind,
    EscalationLevel,
    EventKind,
    TaskState,
    VerificationEvent,
    VerificationTask,
)

ASSIGNEE_ROLES = (Role.INSPECTOR, Role.GRID_WORKER)
KIND_LABELS = {k.value: k.label for k in AnomalyKind}
STATE_LABELS = {s.value: s.label for s in TaskState}


class PossibleDuplicates(StateConflict):
    """A reported new venue looks like one already archived: the reporter must choose first."""

    code = "possible_duplicates"


# --- small helpers --------------------------------------------------------------------------


def _invalid(field: str, message: str, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


def _parse_client_id(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise _invalid("client_id", _("The client id must be a UUID.")) from None


def _text(value, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise _invalid(field, _("Use at most %(n)d characters.") % {"n": max_length})
    return value


def _check_photo(photo) -> None:
    if not photo:
        return
    try:
        validate_photo(photo)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"photo": list(exc.messages)}) from None


def roles_at(user: User, path: str) -> set[str]:
    scope = user_scope(user=user)
    if scope.is_superuser:
        return {r.value for r in Role}
    return {a.role for a in scope.assignments if path.startswith(a.org_unit.path)}


def _conflict(task: VerificationTask, message: str, code: str = "state_conflict") -> StateConflict:
    return StateConflict(message, code=code, extra={"current_state": task.state})


def task_url(task: VerificationTask) -> str:
    return reverse("verifications:detail", args=[task.pk])


def _local(ts: dt.datetime | None) -> str:
    return timezone.localtime(ts).strftime("%Y-%m-%d %H:%M") if ts else ""


def _event(task: VerificationTask, kind: str, actor: User | None, *, position=None, note="", data=None):
    return VerificationEvent.objects.create(
        task=task,
        kind=kind,
        actor=actor,
        at=clock.now(),
        lat=position.lat if position else None,
        lng=position.lng if position else None,
        accuracy_m=position.accuracy_m if position else None,
        note=note,
        data=data or {},
    )


# --- where a report belongs and who verifies it ---------------------------------------------


def _staff_at(unit: OrgUnit | None, roles: Iterable[str]) -> list[User]:
    if unit is None:
        return []
    out: list[User] = []
    for role in roles:
        ids = RoleAssignment.objects.filter(org_unit=unit, role=role, is_active=True).values("user_id")
        out += list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    return out


def _can_verify_at(user: User, org_path: str) -> bool:
    return RoleAssignment.objects.filter(
        user=user, role__in=ASSIGNEE_ROLES, is_active=True, org_unit__path__in=_prefixes(org_path)
    ).exists()


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def choose_assignee(
    *, grid: OrgUnit | None, community: OrgUnit, venue: Venue | None = None, org_path: str
) -> User | None:
    """The inspector or grid worker who verifies: see the module docstring for the order."""
    candidates: list[User | None] = []
    if venue is not None:
        candidates += [venue.inspector, venue.grid_worker]
    candidates += _staff_at(grid, ASSIGNEE_ROLES)
    candidates += _staff_at(community, ASSIGNEE_ROLES)
    for user in candidates:
        if user is not None and user.is_active and _can_verify_at(user, org_path):
            return user
    return None


def _own_unit(actor: User) -> OrgUnit | None:
    """The reporter's own grid or community, when it holds staff roles at exactly one such unit."""
    units = {
        a.org_unit
        for a in user_scope(user=actor).assignments
        if a.role in TERRITORIAL_STAFF_ROLES and a.org_unit.level in (OrgLevel.GRID, OrgLevel.COMMUNITY)
    }
    return units.pop() if len(units) == 1 else None


def _split_unit(unit: OrgUnit) -> tuple[OrgUnit, OrgUnit | None]:
    if unit.level == OrgLevel.GRID:
        return unit.parent, unit
    return unit, None


@dataclass(frozen=True)
class _Place:
    community: OrgUnit
    grid: OrgUnit | None
    near_venue: Venue | None


def _place(*, actor: User, venue: Venue | None, org_unit: OrgUnit | None, position: Position | None) -> _Place:
    if venue is not None:
        return _Place(venue.community, venue.grid, venue)
    if org_unit is not None:
        if org_unit.level not in (OrgLevel.GRID, OrgLevel.COMMUNITY):
            raise _invalid("org_unit", _("Choose a community or a grid."))
        if not user_scope(user=actor).can_edit_under(org_unit):
            raise _invalid("org_unit", _("Choose a community or grid of your own area."))
        community, grid = _split_unit(org_unit)
        return _Place(community, grid, None)
    if position is not None:
        found = selectors.locate_point(
            lat=position.lat,
            lng=position.lng,
            roots=selectors.district_roots(actor),
            radius_m=settings.VERIFICATION_LOCATE_RADIUS_M,
        )
        if found is not None:
            return _Place(found.community, found.grid, found.nearest_venue)
    own = _own_unit(actor)
    if own is not None:
        community, grid = _split_unit(own)
        return _Place(community, grid, None)
    raise _invalid(
        "org_unit",
        _("No archived venue is near this place: choose the community or grid it belongs to."),
        code="place_unknown",
    )


# --- reporting ------------------------------------------------------------------------------


def may_report(user: User) -> bool:
    scope = user_scope(user=user)
    return scope.is_superuser or bool(scope.staff_paths)


def _venue_in_district(actor: User, venue: Venue) -> None:
    roots = selectors.district_roots(actor)
    if roots is not None and not any(venue.org_path.startswith(r) for r in roots):
        raise OutOfScope(_("Not found."))


def task_report(
    *,
    actor: User,
    kind: str,
    venue: Venue | None = None,
    sign_name: str = "",
    category: VenueCategory | None = None,
    address: str = "",
    licence_no: str = "",
    position: Position | None = None,
    photo=None,
    note: str = "",
    org_unit: OrgUnit | None = None,
    client_id=None,
    confirm_new: bool = False,
    matched_venue: Venue | None = None,
) -> tuple[VerificationTask, bool]:
    """Report an information anomaly. Returns (task, created); a retry with the same `client_id`
    returns the first task with created=False. A new venue that looks like an archived one raises
    PossibleDuplicates (409, with `matches`) unless `confirm_new`, or `matched_venue` turns the
    report into one about that venue."""
    if not may_report(actor):
        raise NotAllowed(_("Only staff of an area can report venue information."), code="cannot_report")
    cid = _parse_client_id(client_id)
    if cid is not None:
        existing = VerificationTask.objects.filter(client_id=cid).first()
        if existing is not None:
            if existing.reported_by_id != actor.pk:
                raise StateConflict(
                    _("This client id belongs to another report. Generate a new one."), code="client_id_taken"
                )
            return existing, False
    if kind not in KIND_LABELS:
        raise _invalid("kind", _("Choose what is wrong."))
    sign_name = _text(sign_name, "sign_name", 100)
    address = _text(address, "address", 200)
    note = _text(note, "note", 2000)
    licence_no = normalize_code(licence_no or "")
    if len(licence_no) > 32:
        raise _invalid("licence_no", _("Use at most %(n)d characters.") % {"n": 32})
    _check_photo(photo)

    if matched_venue is not None:
        # "It is this venue": the report becomes one about the archived venue, with what was seen.
        _venue_in_district(actor, matched_venue)
        venue = matched_venue
        changed = sign_name and normalise_name(sign_name) != normalise_name(venue.sign_name)
        kind = AnomalyKind.CHANGED_SIGN if changed else AnomalyKind.OTHER
        note = note or _("Reported as a new venue; the reporter said it is this archived venue.")

    declined: list[int] = []
    if kind == AnomalyKind.NEW_VENUE:
        if venue is not None:
            raise _invalid("venue", _("A new venue is not in the archive yet; do not choose one."))
        if not sign_name:
            raise _invalid("sign_name", _("Give the shop sign name."))
        if not address and position is None:
            raise _invalid("address", _("Give the address or the position from your phone."))
        matches = selectors.duplicate_matches(
            user=actor,
            name=sign_name,
            lat=position.lat if position else None,
            lng=position.lng if position else None,
            licence_no=licence_no,
            radius_m=settings.VERIFICATION_DUPLICATE_RADIUS_M,
        )
        if matches and not confirm_new:
            raise PossibleDuplicates(
                _("This may be a venue already in the archive. Choose it, or confirm that it is new."),
                extra={"matches": [m.as_dict() for m in matches]},
            )
        declined = [m.venue.pk for m in matches]
    else:
        if venue is None:
            raise _invalid("venue", _("Choose the venue the report is about."))
        _venue_in_district(actor, venue)
        if kind == AnomalyKind.CHANGED_SIGN and not sign_name:
            raise _invalid("sign_name", _("Give the shop sign as it reads now."))
        if kind == AnomalyKind.WRONG_LOCATION and position is None and not address:
            raise _invalid("lat", _("Give the right position (or the right address)."))
        if kind == AnomalyKind.OTHER and not note:
            raise _invalid("note", _("Say what is wrong."))

    place = _place(actor=actor, venue=venue, org_unit=org_unit, position=position)
    org_path = (place.grid or place.community).path
    now = clock.now()
    with transaction.atomic():
        task = VerificationTask.objects.create(
            kind=kind,
            venue=venue,
            sign_name=sign_name,
            category=category,
            address=address,
            licence_no=licence_no,
            lat=position.lat if position else None,
            lng=position.lng if position else None,
            location_accuracy_m=position.accuracy_m if position else None,
            photo=photo or "",
            note=note,
            client_id=cid,
            declined_matches=declined,
            reported_by=actor,
            reported_at=now,
            community=place.community,
            grid=place.grid,
            org_path=org_path,
            assignee=choose_assignee(
                grid=place.grid, community=place.community, venue=place.near_venue, org_path=org_path
            ),
            due_at=now + dt.timedelta(minutes=settings.VERIFICATION_TARGET_MINUTES),
        )
        _event(task, EventKind.REPORTED, actor, position=position, note=note, data={"declined_matches": declined})
        _notify_reported(task)
    return task, True


def _title(task: VerificationTask) -> str:
    return f"{KIND_LABELS[task.kind]}: {task.display_name}"


def _notify_reported(task: VerificationTask) -> None:
    recipients = [task.assignee] if task.assignee else _staff_at(task.community, [Role.COMMUNITY_STAFF])
    notify(
        recipients=[u for u in recipients if u.pk != task.reported_by_id],
        kind=NoticeKind.VERIFY_VENUE,
        title=_("Verify on site by %(t)s: %(title)s") % {"t": _local(task.due_at), "title": _title(task)},
        body=task.note,
        url=task_url(task),
        dedupe_key=f"verif-reported:{task.pk}",
    )


# --- verifying on site, dismissing ----------------------------------------------------------


def may_close(task: VerificationTask, user: User) -> bool:
    """The assignee, or territorial staff over the task's place."""
    return task.assignee_id == user.pk or bool(roles_at(user, task.org_path) & TERRITORIAL_STAFF_ROLES)


def _replayed(task: VerificationTask, actor: User, cid: uuid.UUID | None, state: str) -> bool:
    return cid is not None and task.close_client_id == cid and task.closed_by_id == actor.pk and task.state == state


def _lock_open(task: VerificationTask, actor: User) -> VerificationTask:
    locked = (
        VerificationTask.objects.select_for_update(of=("self",))
        .select_related("venue", "community", "grid")
        .get(pk=task.pk)
    )
    if not may_close(locked, actor):
        raise NotAllowed(_("You cannot verify this report."), code="not_allowed_for_task")
    if locked.state != TaskState.OPEN:
        raise _conflict(
            locked,
            _("This report is already %(state)s.") % {"state": STATE_LABELS[locked.state]},
        )
    return locked


def _close(locked: VerificationTask, actor: User, state: str, *, position, cid, **changes) -> None:
    now = clock.now()
    values = {
        "state": state,
        "closed_at": now,
        "closed_by": actor,
        "on_site": position is not None,
        "close_lat": position.lat if position else None,
        "close_lng": position.lng if position else None,
        "close_accuracy_m": position.accuracy_m if position else None,
        "close_client_id": cid,
        **changes,
    }
    # Guarded by the state as well, so two verifiers at once cannot both win where row locks are weak.
    if VerificationTask.objects.filter(pk=locked.pk, state=TaskState.OPEN).update(**values) != 1:
        locked.refresh_from_db()
        raise _conflict(locked, _("This report was closed by someone else just now."))
    for name, value in values.items():
        setattr(locked, name, value)


def _task_photo_copy(task: VerificationTask):
    if not task.photo:
        return None
    task.photo.open("rb")
    return File(task.photo.file, name=os.path.basename(task.photo.name))


def task_verify(
    *,
    task: VerificationTask,
    actor: User,
    position: Position | None,
    client_id=None,
    note: str = "",
    sign_name: str | None = None,
    category: VenueCategory | None = None,
    address: str | None = None,
    licence_no: str | None = None,
    photo=None,
    use_position: bool | None = None,
) -> VerificationTask:
    """Verify on site: complete the archive (a new venue) or correct it, in one transaction.

    The position from the phone is required. A new venue is archived with the five elements given (the
    report's where not given) at the phone's position; a closed shop is deregistered; other reports
    change the fields that differ (the location too with `use_position`, the default for a wrong
    location), kept in the venue's history with the reason "verification". A retry with the same
    `client_id` returns the task as verified the first time."""
    cid = _parse_client_id(client_id)
    if _replayed(task, actor, cid, TaskState.VERIFIED):
        return task
    if position is None:
        raise _invalid("lat", _("Verification is on site: allow the phone to give its position."), "position_required")
    note = _text(note, "note", 2000)
    _check_photo(photo)
    with transaction.atomic():
        locked = _lock_open(task, actor)
        if locked.kind == AnomalyKind.NEW_VENUE:
            venue, changes = _archive_new_venue(
                locked, actor, position, sign_name, category, address, licence_no, photo, use_position
            )
        else:
            venue, changes = _correct_venue(
                locked, actor, position, sign_name, category, address, licence_no, photo, use_position
            )
        _close(locked, actor, TaskState.VERIFIED, position=position, cid=cid, venue=venue, changes=changes)
        _event(locked, EventKind.VERIFIED, actor, position=position, note=note, data={"changes": changes})
        _notify_closed(locked, _("Verified on site: %(title)s") % {"title": _title(locked)})
    task.refresh_from_db()
    return task


def _archive_new_venue(task, actor, position, sign_name, category, address, licence_no, photo, use_position):
    category = category or task.category
    if category is None:
        raise _invalid("category", _("Choose the category."))
    fields = {
        "sign_name": (sign_name if sign_name is not None else task.sign_name).strip(),
        "category": category,
        "address": (address if address is not None else task.address).strip(),
        "licence_no": licence_no if licence_no is not None else task.licence_no,
        "community": task.community,
        "grid": task.grid,
    }
    if use_position is False and task.lat is not None:
        fields.update(lat=task.lat, lng=task.lng, location_source=LocationSource.MAP)
    else:
        fields.update(
            lat=position.lat,
            lng=position.lng,
            location_source=LocationSource.GPS,
            location_accuracy_m=position.accuracy_m,
        )
    if photo or task.photo:
        fields["photo"] = photo or _task_photo_copy(task)
    venue = venue_services.venue_create(actor=actor, **fields)
    changes = {"created": [None, venue.pk]}
    return venue, changes


def _correct_venue(task, actor, position, sign_name, category, address, licence_no, photo, use_position):
    venue = Venue.objects.get(pk=task.venue_id)
    if task.kind == AnomalyKind.CLOSED:
        wanted: dict = {"business_status": BusinessStatus.CLOSED}
    else:
        wanted = {}
        for name, value in (("sign_name", sign_name), ("address", address)):
            if value is not None and value.strip() and value.strip() != getattr(venue, name):
                wanted[name] = value.strip()
        if category is not None and category.pk != venue.category_id:
            wanted["category"] = category
        if licence_no is not None and normalize_code(licence_no) != venue.licence_no:
            wanted["licence_no"] = normalize_code(licence_no)
            wanted["licence_kind"] = ""  # derived again from the new number
        if photo:
            wanted["photo"] = photo
        if use_position if use_position is not None else task.kind == AnomalyKind.WRONG_LOCATION:
            wanted.update(
                lat=position.lat,
                lng=position.lng,
                location_source=LocationSource.GPS,
                location_accuracy_m=position.accuracy_m,
            )
    changes = {}
    for name, value in wanted.items():
        old = getattr(venue, name)
        old_v = getattr(old, "pk", old)
        new_v = getattr(value, "pk", value)
        if name == "photo":
            old_v, new_v = (old.name if old else ""), "new"
        if old_v != new_v:
            changes[name] = [old_v, new_v]
    if not changes:
        raise InvalidInput(
            _("Nothing differs from the archive. If the report was wrong, dismiss it with a reason."),
            code="nothing_changed",
        )
    venue_services.venue_update(venue=venue, actor=actor, reason="verification", **wanted)
    return venue, changes


def task_dismiss(
    *, task: VerificationTask, actor: User, reason: str, position: Position | None = None, client_id=None
) -> VerificationTask:
    """Dismiss the report with a reason (the reporter is told). With a position it counts as an
    on-site response in the figures."""
    cid = _parse_client_id(client_id)
    if _replayed(task, actor, cid, TaskState.DISMISSED):
        return task
    reason = _text(reason, "reason", 2000)
    if not reason:
        raise _invalid("reason", _("Give the reason for dismissing the report."))
    with transaction.atomic():
        locked = _lock_open(task, actor)
        _close(locked, actor, TaskState.DISMISSED, position=position, cid=cid, dismiss_reason=reason)
        _event(locked, EventKind.DISMISSED, actor, position=position, note=reason)
        _notify_closed(locked, _("Dismissed: %(title)s") % {"title": _title(locked)}, body=reason)
    task.refresh_from_db()
    return task


def _notify_closed(task: VerificationTask, title: str, body: str = "") -> None:
    notify(
        recipients=[task.reported_by] if task.reported_by_id != task.closed_by_id else [],
        kind=NoticeKind.VERIFIED if task.state == TaskState.VERIFIED else NoticeKind.NOT_VERIFIED,
        title=title,
        body=body,
        url=task_url(task),
        dedupe_key=f"verif-closed:{task.pk}",
    )


# --- escalation -----------------------------------------------------------------------------


def escalation_target(task: VerificationTask, now: dt.datetime) -> int:
    if now <= task.due_at:
        return EscalationLevel.GRID
    if now - task.due_at >= dt.timedelta(minutes=settings.VERIFICATION_ESCALATION_STEP_MINUTES):
        return EscalationLevel.STREET
    return EscalationLevel.COMMUNITY


def _escalation_recipients(task: VerificationTask, level: int) -> list[User]:
    if level == EscalationLevel.COMMUNITY:
        return _staff_at(task.community, [Role.COMMUNITY_STAFF])
    return _staff_at(task.community.parent, [Role.STREET_OFFICE])


def task_escalate(*, task: VerificationTask, now: dt.datetime | None = None) -> int:
    """Escalate an open task past its due time one level at a time up to where its lateness says
    (community at once, street office VERIFICATION_ESCALATION_STEP_MINUTES later). Each level once."""
    now = now or clock.now()
    steps = 0
    with transaction.atomic():
        locked = (
            VerificationTask.objects.select_for_update(of=("self",))
            .select_related("community", "venue")
            .get(pk=task.pk)
        )
        if locked.state != TaskState.OPEN:
            return 0
        target = escalation_target(locked, now)
        while locked.escalation_level < target:
            level = locked.escalation_level + 1
            updated = VerificationTask.objects.filter(pk=locked.pk, escalation_level=level - 1).update(
                escalation_level=level
            )
            if updated != 1:
                break  # a concurrent run took this step
            locked.escalation_level = level
            _event(locked, EventKind.ESCALATED, None, data={"level": level, "due_at": locked.due_at.isoformat()})
            steps += 1
            recipients = _escalation_recipients(locked, level)
            if level == EscalationLevel.COMMUNITY and locked.assignee:
                recipients.append(locked.assignee)
            notify(
                recipients=recipients,
                kind=NoticeKind.ESCALATED,
                title=_("Not verified by %(t)s, escalated to %(level)s: %(title)s")
                % {"t": _local(locked.due_at), "level": EscalationLevel(level).label, "title": _title(locked)},
                url=task_url(locked),
                dedupe_key=f"verif-escalated:{locked.pk}:{level}",
            )
    return steps


def run_verification_timers(*, now: dt.datetime | None = None) -> int:
    """Escalate the open tasks past their due time. Idempotent: returns the escalation steps taken."""
    now = now or clock.now()
    steps = 0
    late = VerificationTask.objects.filter(state=TaskState.OPEN, due_at__lt=now, escalation_level__lt=2)
    for task in late.iterator(chunk_size=500):
        if task.escalation_level < escalation_target(task, now):
            steps += task_escalate(task=task, now=now)
    return steps
