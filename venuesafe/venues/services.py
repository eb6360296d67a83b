"""Every write to the venue archive. Each takes the acting user and checks their scope."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import geo
from venuesafe.core.errors import InvalidInput, NotAllowed, validation_error_fields
from venuesafe.core.validators import (
    normalize_code,
    normalize_mobile,
    validate_other_licence_number,
    validate_uscc,
    validate_wgs84_in_china,
)
from venuesafe.org.models import OrgLevel, OrgUnit

from .models import FIVE_ELEMENTS, BusinessStatus, LicenceKind, Venue, VenueMerchant

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
