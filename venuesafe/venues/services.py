"""Every write to the venue archive. Each takes the acting user and checks their scope."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock, geo
from venuesafe.core.errors import DomainError, InvalidInput, NotAllowed, validation_error_fields
from venuesafe.core.validators import (
    normalize_code,
    normalize_mobile,
    validate_mobile,
    validate_other_licence_number,
    validate_uscc,
    validate_wgs84_in_china,
)
from venuesafe.org.models import OrgLevel, OrgUnit

from .models import FIVE_ELEMENTS, BindingAttempt, BindingCode, BusinessStatus, LicenceKind, Venue, VenueMerchant

# Fields a caller may set through venue_create / venue_update.
EDITABLE_FIELDS = frozenset(
    {
        "sign_name",
        "category",
        "address",
        "photo",
        "licence_kind",
        "licence_no",
        "lat",
        "lng",
        "location_source",
        "location_accuracy_m",
        "operator_name",
        "operator_mobile",
        "business_status",
        "floor_area_m2",
        "community",
        "grid",
        "grid_worker",
        "inspector",
    }
)


def _raise_fields(fields: dict[str, list[str]]) -> None:
    raise InvalidInput(_("Some fields are not valid."), code="invalid", fields=fields)


def _convert_location(data: dict[str, Any], coord_system: str | None) -> None:
    """Validate raw input coordinates and turn them into WGS-84 in place."""
    lat, lng = data.get("lat"), data.get("lng")
    if lat is None and lng is None:
        return
    try:
        system = geo.CoordSystem(coord_system or geo.CoordSystem.WGS84)
    except ValueError:
        _raise_fields({"coord_system": [_("Unknown coordinate system; use wgs84, gcj02 or bd09.")]})
    try:
        lat_f = float(lat) if lat is not None else None
        lng_f = float(lng) if lng is not None else None
    except (TypeError, ValueError):
        _raise_fields({"lat": [_("These are not valid coordinates.")]})
    try:
        validate_wgs84_in_china(lat_f, lng_f)
    except ValidationError as exc:
        _raise_fields({"lat": list(exc.messages)})
    wlat, wlng = geo.to_wgs84(lat_f, lng_f, system)
    data["lat"], data["lng"] = round(wlat, 7), round(wlng, 7)


def _normalize_licence(venue: Venue) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    venue.licence_no = normalize_code(venue.licence_no)
    if not venue.licence_no:
        venue.licence_kind = ""
        return errors
    if not venue.licence_kind:
        venue.licence_kind = LicenceKind.USCC if len(venue.licence_no) == 18 else LicenceKind.OTHER
    try:
        if venue.licence_kind == LicenceKind.USCC:
            validate_uscc(venue.licence_no)
        else:
            validate_other_licence_number(venue.licence_no)
    except ValidationError as exc:
        errors["licence_no"] = list(exc.messages)
    return errors


def _check_org(venue: Venue, actor: User) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if venue.grid_id and not venue.community_id:
        venue.community_id = venue.grid.parent_id
    if not venue.community_id:
        return {"community": [_("Choose the community the venue belongs to.")]}
    community: OrgUnit = venue.community
    if community.level != OrgLevel.COMMUNITY:
        errors["community"] = [_("Choose a community or village.")]
    if venue.grid_id and (venue.grid.level != OrgLevel.GRID or venue.grid.parent_id != venue.community_id):
        errors["grid"] = [_("The grid must belong to the chosen community.")]
    if not errors and not user_scope(user=actor).can_edit_under(venue.grid or community):
        errors["community"] = [_("You can only register venues in your own area.")]
    if not errors:
        for name, role in (("grid_worker", Role.GRID_WORKER), ("inspector", Role.INSPECTOR)):
            person = getattr(venue, name)
            if person is not None and not _serves_community(person, role, community):
                errors[name] = [_("This person does not hold that role in the venue's community.")]
    return errors


def _serves_community(user: User, role: str, community: OrgUnit) -> bool:
    """The user holds `role` at the community, inside it, or above it."""
    return RoleAssignment.objects.filter(
        Q(org_unit__path__startswith=community.path) | Q(org_unit__path__in=_ancestor_paths(community.path)),
        user=user,
        role=role,
        is_active=True,
    ).exists()


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def _finish_and_save(venue: Venue, actor: User, *, reason: str, created: bool) -> Venue:
    errors = _normalize_licence(venue)
    if venue.operator_mobile:
        venue.operator_mobile = normalize_mobile(venue.operator_mobile)
    errors.update(_check_org(venue, actor))
    try:
        venue.full_clean(exclude=["org_path", "geo_cell"])
    except ValidationError as exc:
        for name, msgs in validation_error_fields(exc).items():
            errors.setdefault(name, []).extend(msgs)
    if errors:
        _raise_fields(errors)

    venue.org_path = (venue.grid or venue.community).path
    venue.geo_cell = geo.geo_cell(venue.lat, venue.lng) if venue.lat is not None else None
    venue.elements_present = len(FIVE_ELEMENTS) - len(venue.missing_elements)
    venue._history_user = actor
    venue._change_reason = reason
    if created:
        venue.created_by = actor
    venue.save()
    return venue


@transaction.atomic
def venue_create(*, actor: User, coord_system: str | None = None, **fields: Any) -> Venue:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    scope = user_scope(user=actor)
    if not scope.staff_paths and not scope.is_superuser:
        raise NotAllowed(_("Your role cannot register venues."), code="cannot_register_venue")
    _convert_location(fields, coord_system)
    venue = Venue(**fields)
    return _finish_and_save(venue, actor, reason="create", created=True)


@transaction.atomic
def venue_update(
    *, venue: Venue, actor: User, coord_system: str | None = None, reason: str = "update", **fields: Any
) -> Venue:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    scope = user_scope(user=actor)
    locked = Venue.objects.select_for_update().filter(scope.venue_edit_filter(), pk=venue.pk).first()
    if locked is None:
        raise NotAllowed(_("You cannot change this venue."), code="cannot_edit_venue")
    if "lat" in fields or "lng" in fields:
        stored_lat, stored_lng = locked.lat, locked.lng
        if ("lat" not in fields or "lng" not in fields) and stored_lat is not None and stored_lng is not None:
            # The half not sent is the stored one, expressed in the caller's coordinate system.
            with contextlib.suppress(ValueError):  # an unknown system is reported by _convert_location
                stored_lat, stored_lng = geo.from_wgs84(stored_lat, stored_lng, coord_system or geo.CoordSystem.WGS84)
        fields.setdefault("lat", stored_lat)
        fields.setdefault("lng", stored_lng)
        _convert_location(fields, coord_system)
    for name, value in fields.items():
        setattr(locked, name, value)
    saved = _finish_and_save(locked, actor, reason=reason, created=False)
    venue.refresh_from_db()
    return saved


def venue_close(*, venue: Venue, actor: User) -> Venue:
    """Deregister (注销): the archive is kept; nothing is ever hard-deleted."""
    return venue_update(venue=venue, actor=actor, business_status=BusinessStatus.CLOSED)


@transaction.atomic
def venue_merchant_add(*, venue: Venue, actor: User, merchant: User) -> VenueMerchant:
    scope = user_scope(user=actor)
    if not Venue.objects.filter(scope.venue_edit_filter(), pk=venue.pk).exists():
        raise NotAllowed(_("You cannot change this venue."), code="cannot_edit_venue")
    link, _created = VenueMerchant.objects.get_or_create(venue=venue, user=merchant)
    return link


# --- merchant binding (one-time codes) ------------------------------------------------------

BINDING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on phones
BINDING_CODE_LENGTH = 8


class BindingLockedOut(DomainError):
    code = "binding_locked_out"
    status = 429


def normalize_binding_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@transaction.atomic
def binding_code_issue(*, venue: Venue, actor: User) -> BindingCode:
    """A grid worker (or other staff of the area) issues a one-time code for the venue's merchant."""
    import secrets

    scope = user_scope(user=actor)
    if not Venue.objects.filter(scope.venue_edit_filter(), pk=venue.pk).exists():
        raise NotAllowed(_("You cannot issue binding codes for this venue."), code="cannot_issue_binding_code")
    if venue.business_status == BusinessStatus.CLOSED:
        raise InvalidInput(_("This venue is deregistered."), code="venue_closed")
    now = clock.now()
    while True:
        code = "".join(secrets.choice(BINDING_ALPHABET) for _i in range(BINDING_CODE_LENGTH))
        if not BindingCode.objects.filter(code=code).exists():
            break
    return BindingCode.objects.create(
        venue=venue,
        code=code,
        issued_by=actor,
        issued_at=now,
        expires_at=now + dt.timedelta(hours=settings.BINDING_CODE_TTL_HOURS),
    )


@transaction.atomic
def binding_code_revoke(*, binding_code: BindingCode, actor: User) -> BindingCode:
    scope = user_scope(user=actor)
    if not Venue.objects.filter(scope.venue_edit_filter(), pk=binding_code.venue_id).exists():
        raise NotAllowed(_("You cannot revoke this binding code."), code="cannot_issue_binding_code")
    if binding_code.used_at is None and binding_code.revoked_at is None:
        binding_code.revoked_at = clock.now()
        binding_code.save(update_fields=["revoked_at"])
    return binding_code


def _lockout_keys(user: User | None, address: str | None) -> list[str]:
    keys = []
    if address:
        keys.append(f"ip:{address}")
    if user is not None and user.pk:
        keys.append(f"user:{user.pk}")
    return keys


def _check_not_locked_out(keys: list[str]) -> None:
    since = clock.now() - dt.timedelta(minutes=settings.BINDING_LOCKOUT_MINUTES)
    for key in keys:
        if BindingAttempt.objects.filter(key=key, at__gte=since).count() >= settings.BINDING_MAX_FAILURES:
            raise BindingLockedOut(
                ngettext(
                    "Too many wrong binding codes. Try again in %(n)d minute.",
                    "Too many wrong binding codes. Try again in %(n)d minutes.",
                    settings.BINDING_LOCKOUT_MINUTES,
                )
                % {"n": settings.BINDING_LOCKOUT_MINUTES}
            )


def _record_failure(keys: list[str]) -> None:
    # Committed by the caller before it refuses: the binding services must not run inside an
    # outer transaction (no ATOMIC_REQUESTS), or a refusal would roll the count back.
    now = clock.now()
    BindingAttempt.objects.bulk_create([BindingAttempt(key=key, at=now) for key in keys])


def _usable_code(code: str, keys: list[str]) -> BindingCode:
    _check_not_locked_out(keys)
    normalized = normalize_binding_code(code)
    found = BindingCode.objects.select_related("venue").filter(code=normalized).first() if normalized else None
    problem = None
    if found is None:
        problem = _("This binding code is not right. Check it with your grid worker.")
    elif found.used_at is not None:
        problem = _("This binding code has already been used.")
    elif found.revoked_at is not None:
        problem = _("This binding code was withdrawn. Ask your grid worker for a new one.")
    elif found.expires_at <= clock.now():
        problem = _("This binding code has expired. Ask your grid worker for a new one.")
    elif found.venue.business_status == BusinessStatus.CLOSED:
        problem = _("This venue is deregistered.")
    if problem:
        with transaction.atomic():
            _record_failure(keys)
        raise InvalidInput(problem, code="binding_code_invalid", fields={"code": [problem]})
    return found


def _bind(user: User, found: BindingCode) -> VenueMerchant:
    locked = BindingCode.objects.select_for_update().get(pk=found.pk)
    if locked.used_at is not None:
        msg = _("This binding code has already been used.")
        raise InvalidInput(msg, code="binding_code_invalid", fields={"code": [msg]})
    locked.used_at = clock.now()
    locked.used_by = user
    locked.save(update_fields=["used_at", "used_by"])
    RoleAssignment.objects.get_or_create(user=user, role=Role.MERCHANT, org_unit=found.venue.community)
    link, _created = VenueMerchant.objects.get_or_create(venue=found.venue, user=user)
    return link


def merchant_bind(*, user: User, code: str, address: str | None = None) -> VenueMerchant:
    """A logged-in account binds one more venue with a code (a merchant may hold several venues)."""
    keys = _lockout_keys(user, address)
    found = _usable_code(code, keys)
    if VenueMerchant.objects.filter(venue=found.venue, user=user).exists():
        msg = _("You already hold this venue.")
        raise InvalidInput(msg, code="already_bound", fields={"code": [msg]})
    with transaction.atomic():
        return _bind(user, found)


def merchant_signup(
    *, code: str, mobile: str, full_name: str, password: str, address: str | None = None
) -> VenueMerchant:
    """A merchant without an account creates one with the code the grid worker handed over."""
    from django.contrib.auth.password_validation import validate_password

    mobile = normalize_mobile(mobile or "")
    # Counted by address and by the mobile number signing up, so guessing is limited even
    # when no address is known.
    keys = [*_lockout_keys(None, address), f"mobile:{mobile}"]
    errors: dict[str, list[str]] = {}
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        errors["mobile"] = list(exc.messages)
    if not errors.get("mobile") and User.objects.filter(Q(mobile=mobile) | Q(username=mobile)).exists():
        errors["mobile"] = [_("An account with this mobile number exists. Log in and bind the venue there.")]
    full_name = (full_name or "").strip()
    if not full_name or len(full_name) > 50:
        errors["full_name"] = [_("Give your name (at most 50 characters).")]
    try:
        validate_password(password or "", User(username=mobile, full_name=full_name, mobile=mobile))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        _raise_fields(errors)
    found = _usable_code(code, keys)
    with transaction.atomic():
        user = User(username=mobile, mobile=mobile, full_name=full_name)
        user.set_password(password)
        user.save()
        return _bind(user, found)
