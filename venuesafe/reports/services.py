"""Every write to a resident report: submit (public), and triage (accept, merge, dismiss) by staff.

Submit validates everything before it writes anything, refuses senders over the rate limits and
returns the first report again when a retry carries the same client token. Triage is one step out
of `new`: each step checks the actor's right (staff of the report's community, or above), then the
state and version, and writes in one transaction; accepting and merging go through
hazards.services.hazard_record, so the hazard loop sees an ordinary finding with source
`resident_report`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import uuid
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core import clock
from venuesafe.core.errors import DomainError, InvalidInput, OutOfScope, StateConflict
from venuesafe.core.positions import Position
from venuesafe.core.validators import validate_photo, validate_wgs84_in_china
from venuesafe.hazards.models import OPEN_STATES, Hazard, HazardSource, HazardType, Severity
from venuesafe.hazards.selectors import hazard_queryset
from venuesafe.hazards.services import hazard_record, roles_at
from venuesafe.notices.models import NoticeKind
from venuesafe.notices.services import notify
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.venues.models import Venue
from venuesafe.venues.selectors import venue_queryset

from .models import (
    AttributeDatatype,
    Open311Client,
    ReportCategory,
    ReportPhoto,
    ReportSource,
    ReportState,
    ResidentReport,
)

# Who triages: the community's staff, and the street office and district above it.
TRIAGERS = frozenset({Role.DISTRICT_ADMIN, Role.STREET_OFFICE, Role.COMMUNITY_STAFF})
REPORT_PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
DESCRIPTION_MAX = 4000
VENUE_OUT_OF_SCOPE = gettext_lazy("Choose a venue in your area.")
HAZARD_OUT_OF_SCOPE = gettext_lazy("Choose a work order in your area.")
UNKNOWN_HAZARD_TYPE = gettext_lazy("Choose a hazard type from the catalogue.")
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,19}$")


class RateLimited(DomainError):
    """Too many reports from one address, device or client: answered 429."""

    code = "rate_limited"
    status = 429


def _invalid(field: str, message: str, code: str | None = None) -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


# --- locating ------------------------------------------------------------------------------


def locate(*, lat: float | None, lng: float | None) -> tuple[OrgUnit | None, OrgUnit | None]:
    """(community, triaging unit) for a WGS-84 point.

    The org tree has no boundaries, so the archive decides: the nearest archived venue within
    REPORTS_LOCATE_RADIUS_M gives its community; else the nearest within
    REPORTS_LOCATE_STREET_RADIUS_M gives its street (the street office triages); else, and for
    reports without coordinates, the district triages.
    """
    from .selectors import nearest_archived_venue

    if lat is not None and lng is not None:
        near = nearest_archived_venue(lat=lat, lng=lng, radius_m=settings.REPORTS_LOCATE_STREET_RADIUS_M)
        if near is not None:
            venue, distance = near
            community = venue.community
            if distance <= settings.REPORTS_LOCATE_RADIUS_M:
                return community, community
            return None, community.parent or community
    district = OrgUnit.objects.filter(level=OrgLevel.DISTRICT, is_active=True).order_by("path").first()
    return None, district


# --- submit --------------------------------------------------------------------------------


def ip_hash(ip: str) -> str:
    """A keyed hash of an address: the same sender is recognised, the address is not kept."""
    if not ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()[:40]


def _client_token(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise _invalid("client_token", _("The form token is not valid; reload the page.")) from None


def _category(category) -> ReportCategory:
    if isinstance(category, ReportCategory):
        found = category if category.is_public else None
    else:
        found = ReportCategory.objects.filter(code=str(category or ""), is_public=True).first()
    if found is None:
        raise _invalid("category", _("Choose what kind of problem you are reporting."), code="unknown_category")
    return found


def _coords(lat, lng) -> tuple[float | None, float | None]:
    if lat in (None, "") and lng in (None, ""):
        return None, None
    try:
        lat_f, lng_f = float(lat), float(lng)
    except (TypeError, ValueError):
        raise _invalid("lat", _("These are not valid coordinates.")) from None
    try:
        validate_wgs84_in_china(lat_f, lng_f)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"lat": list(exc.messages)}) from None
    return round(lat_f, 7), round(lng_f, 7)


def _photos(photos: Sequence) -> list:
    photos = [p for p in (photos or []) if p]
    limit = settings.REPORTS_MAX_PHOTOS
    if len(photos) > limit:
        raise _invalid("photos", _("Add at most %(n)d photos.") % {"n": limit}, code="too_many_photos")
    max_bytes = min(settings.REPORTS_PHOTO_MAX_BYTES, settings.PHOTO_MAX_BYTES)
    for photo in photos:
        size = getattr(photo, "size", None)
        if size is not None and size > max_bytes:
            msg = _("The photo is %(size).1f MB; the limit is %(limit).1f MB.") % {
                "size": size / 1_048_576,
                "limit": max_bytes / 1_048_576,
            }
            raise _invalid("photos", msg, code="photo_too_large")
        try:
            validate_photo(photo)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], code=exc.error_list[0].code, fields={"photos": exc.messages}) from None
        photo.seek(0)
        with Image.open(photo) as img:
            fmt = img.format
        photo.seek(0)
        if fmt not in REPORT_PHOTO_FORMATS:
            msg = _("Photos must be JPEG, PNG or WebP; this file is %(format)s.") % {"format": fmt}
            raise _invalid("photos", msg, code="photo_format")
    return photos


def _attributes(category: ReportCategory, given: dict | None) -> dict:
    """Check the answers against the category's Open311 attributes; keep only known codes."""
    given = dict(given or {})
    out: dict = {}
    for attr in category.attributes or []:
        code = attr.get("code")
        field = f"attribute[{code}]"
        value = given.get(code)
        empty = value in (None, "", [])
        if empty:
            if attr.get("required"):
                raise _invalid(field, _("This question needs an answer."), code="attribute_required")
            continue
        datatype = attr.get("datatype", AttributeDatatype.STRING)
        keys = {str(v.get("key")) for v in attr.get("values") or []}
        if datatype == AttributeDatatype.SINGLEVALUELIST:
            if isinstance(value, list):
                value = value[0] if len(value) == 1 else value
            if not isinstance(value, str | int) or str(value) not in keys:
                raise _invalid(field, _("Choose one of the offered answers."), code="attribute_invalid")
            value = str(value)
        elif datatype == AttributeDatatype.MULTIVALUELIST:
            values = [str(v) for v in (value if isinstance(value, list) else [value])]
            if any(v not in keys for v in values):
                raise _invalid(field, _("Choose among the offered answers."), code="attribute_invalid")
            value = values
        elif datatype == AttributeDatatype.NUMBER:
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise _invalid(field, _("Enter a number."), code="attribute_invalid") from None
            if not math.isfinite(number):
                raise _invalid(field, _("Enter a number."), code="attribute_invalid")
            value = number
        elif datatype == AttributeDatatype.DATETIME:
            try:
                parsed = dt.datetime.fromisoformat(str(value))
            except ValueError:
                raise _invalid(field, _("Enter a date and time."), code="attribute_invalid") from None
            value = parsed.isoformat()
        else:
            value = str(value).strip()[:DESCRIPTION_MAX]
        out[code] = value
    return out


def _check_rate(*, ip_key: str, device_id: str, client: Open311Client | None, now: dt.datetime) -> None:
    """Counted from the reports themselves, so every app server agrees and nothing else is kept."""
    checks: list[tuple[dict, int, int]] = []
    if client is not None:
        checks.append(
            (
                {"open311_client": client},
                settings.REPORTS_OPEN311_CLIENT_PER_HOUR,
                settings.REPORTS_OPEN311_CLIENT_PER_DAY,
            )
        )
    elif ip_key:
        checks.append(({"ip_hash": ip_key}, settings.REPORTS_RATE_PER_HOUR, settings.REPORTS_RATE_PER_DAY))
    if device_id:
        checks.append(({"device_id": device_id}, settings.REPORTS_RATE_PER_HOUR, settings.REPORTS_RATE_PER_DAY))
    for where, per_hour, per_day in checks:
        recent = ResidentReport.objects.filter(**where, submitted_at__gt=now - dt.timedelta(days=1))
        if recent.count() >= per_day or recent.filter(submitted_at__gt=now - dt.timedelta(hours=1)).count() >= per_hour:
            raise RateLimited(
                _("Too many reports have been sent from here. Please try again later, or call the community office.")
            )


def report_submit(
    *,
    category,
    description: str = "",
    lat=None,
    lng=None,
    address_string: str = "",
    photos: Sequence = (),
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    source: str = ReportSource.WEB,
    open311_client: Open311Client | None = None,
    media_url: str = "",
    attributes: dict | None = None,
    device_id: str = "",
    ip: str = "",
    client_token=None,
    venue: Venue | None = None,
) -> ResidentReport:
    """File a resident report. Coordinates are WGS-84 (convert GCJ-02/BD-09 before).

    Raises InvalidInput (with fields) or RateLimited and saves nothing then. The same
    `client_token` returns the report it created the first time.
    """
    token = _client_token(client_token)
    if token is not None:
        existing = ResidentReport.objects.filter(client_token=token).first()
        if existing is not None:
            return existing
    if source not in ReportSource.values:
        raise _invalid("source", _("Unknown source."))
    cat = _category(category)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise _invalid("description", _("Use at most %(n)d characters.") % {"n": DESCRIPTION_MAX})
    if source == ReportSource.WEB and not description:
        raise _invalid("description", _("Describe the problem in a few words."), code="description_required")
    lat_f, lng_f = _coords(lat, lng)
    if lat_f is None and venue is not None and venue.lat is not None:
        lat_f, lng_f = venue.lat, venue.lng
    address_string = (address_string or "").strip()
    if len(address_string) > 255:
        raise _invalid("address_string", _("Use at most %(n)d characters.") % {"n": 255})
    if lat_f is None and not address_string:
        raise _invalid(
            "location",
            _("Tell us where: use your location, put a pin on the map, or describe the place."),
            code="location_required",
        )
    photos = _photos(photos)
    contact_name = (contact_name or "").strip()[:50]
    contact_phone = re.sub(r"\s+", "", contact_phone or "")
    if contact_phone and not PHONE_RE.match(contact_phone):
        raise _invalid("contact_phone", _("Enter a phone number of digits only, or leave it empty."))
    contact_email = (contact_email or "").strip()
    if contact_email:
        try:
            EmailValidator()(contact_email)
        except ValidationError:
            raise _invalid("contact_email", _("Enter a valid e-mail address, or leave it empty.")) from None
    media_url = (media_url or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise _invalid("media_url", _("Enter a valid web address for the photo.")) from None
        if len(media_url) > 500:
            raise _invalid("media_url", _("Use at most %(n)d characters.") % {"n": 500})
    answers = _attributes(cat, attributes)
    device_id = (device_id or "")[:64]
    ip_key = ip_hash(ip)
    now = clock.now()
    _check_rate(ip_key=ip_key, device_id=device_id, client=open311_client, now=now)

    if venue is not None:
        community, unit = venue.community, venue.community
    else:
        community, unit = locate(lat=lat_f, lng=lng_f)
    try:
        with transaction.atomic():
            report = ResidentReport.objects.create(
                category=cat,
                description=description,
                lat=lat_f,
                lng=lng_f,
                address_string=address_string,
                community=community,
                org_path=unit.path if unit else "",
                venue=venue,
                contact_name=contact_name,
                contact_phone=contact_phone,
                contact_email=contact_email,
                submitted_at=now,
                updated_at=now,
                source=source,
                open311_client=open311_client,
                media_url=media_url,
                attributes=answers,
                device_id=device_id,
                ip_hash=ip_key,
                client_token=token,
            )
            for photo in photos:
                photo.seek(0)
                ReportPhoto.objects.create(report=report, image=photo, uploaded_at=now)
            _notify_new(report, unit)
            if venue is not None:
                from venuesafe.risk.signals import schedule_rescore

                schedule_rescore(venue.pk)
    except IntegrityError:
        if token is not None:
            existing = ResidentReport.objects.filter(client_token=token).first()
            if existing is not None:
                return existing  # a concurrent retry with the same token won
        raise
    return report


def _notify_new(report: ResidentReport, unit: OrgUnit | None) -> None:
    if unit is None:
        return
    role = {
        OrgLevel.COMMUNITY: Role.COMMUNITY_STAFF,
        OrgLevel.STREET: Role.STREET_OFFICE,
        OrgLevel.DISTRICT: Role.DISTRICT_ADMIN,
    }.get(unit.level, Role.COMMUNITY_STAFF)
    ids = RoleAssignment.objects.filter(org_unit=unit, role=role, is_active=True).values("user_id")
    notify(
        recipients=User.objects.filter(pk__in=ids, is_active=True),
        kind=NoticeKind.RESIDENT_REPORT,
        title=_("New resident report %(ref)s: %(category)s") % {"ref": report.reference, "category": report.category},
        body=report.description[:200],
        url=reverse("reports:triage_detail", args=[report.pk]),
        dedupe_key=f"resident_report:{report.pk}",
    )


# --- triage --------------------------------------------------------------------------------


def may_triage(user: User, report: ResidentReport) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool(report.org_path) and bool(roles_at(user, report.org_path) & TRIAGERS)


def _lock(report: ResidentReport, user: User, expected_version: int | None) -> ResidentReport:
    locked = ResidentReport.objects.select_for_update(of=("self",)).select_related("category").get(pk=report.pk)
    if not may_triage(user, locked):
        raise OutOfScope(_("Not found."))
    if locked.state != ReportState.NEW:
        raise StateConflict(
            _("This report has already been triaged (%(state)s).") % {"state": locked.get_state_display()},
            extra={"current_state": locked.state, "version": locked.version},
        )
    if expected_version is not None and expected_version != locked.version:
        raise StateConflict(
            _("This report changed since you opened it. Reload it and try again."),
            code="stale_version",
            extra={"current_state": locked.state, "version": locked.version},
        )
    return locked


def _report_photo_files(report: ResidentReport) -> list[File]:
    files = []
    for photo in report.photos.all():
        handle = photo.image.open("rb")
        files.append(File(handle, name=PurePath(photo.image.name).name))
    return files


def _hazard_note(report: ResidentReport) -> str:
    text = _("Resident report %(ref)s") % {"ref": report.reference}
    if report.description:
        text = f"{text}: {report.description}"
    if report.address_string:
        text = f"{text} ({report.address_string})"
    return text[:1990]


def _finish(report: ResidentReport, user: User, **changes) -> None:
    now = clock.now()
    changes.update(triaged_by=user, triaged_at=now, updated_at=now, version=report.version + 1)
    for name, value in changes.items():
        setattr(report, name, value)
    report.save(update_fields=list(changes))


def report_accept(
    *,
    user: User,
    report: ResidentReport,
    venue: Venue | None = None,
    hazard_type: HazardType | None = None,
    severity: str | None = None,
    expected_version: int | None = None,
) -> Hazard:
    """Accept into the loop: a hazard (source resident_report) at the chosen venue, with the report's photos.

    A hazard belongs to a venue: when no venue fits, staff pick one or dismiss the report.
    """
    with transaction.atomic():
        locked = _lock(report, user, expected_version)
        venue = venue or locked.venue
        if venue is None:
            raise _invalid(
                "venue", _("Choose the venue the problem is at, or dismiss the report."), code="venue_required"
            )
        if not venue_queryset(user=user).filter(pk=venue.pk).exists():
            raise _invalid("venue", str(VENUE_OUT_OF_SCOPE), code="venue_out_of_scope")
        hazard_type = hazard_type or locked.category.hazard_type
        if hazard_type is None:
            raise _invalid("hazard_type", _("Choose the type of hazard."), code="hazard_type_required")
        if severity is not None and severity not in Severity.values:
            raise _invalid("severity", _("Choose a valid severity."))
        position = Position(locked.lat, locked.lng) if locked.lat is not None else None
        files = _report_photo_files(locked)
        try:
            hazard = hazard_record(
                venue=venue,
                hazard_type=hazard_type,
                actor=user,
                source=HazardSource.RESIDENT_REPORT,
                description=_hazard_note(locked),
                severity=severity,
                photos=files,
                position=position,
            )
        finally:
            for f in files:
                f.close()
        _finish(locked, user, state=ReportState.ACCEPTED, hazard=hazard, venue=venue)
    report.refresh_from_db()
    return hazard


def report_merge(*, user: User, report: ResidentReport, hazard: Hazard, expected_version: int | None = None) -> Hazard:
    """Link the report to an open hazard it describes; the hazard's timeline gets a "found again" entry."""
    with transaction.atomic():
        locked = _lock(report, user, expected_version)
        target = hazard_queryset(user=user).filter(pk=hazard.pk).select_related("venue", "hazard_type").first()
        if target is None:
            raise _invalid("hazard", str(HAZARD_OUT_OF_SCOPE), code="hazard_out_of_scope")
        if target.state not in OPEN_STATES:
            raise _invalid("hazard", _("Only an open work order can take a report."), code="hazard_not_open")
        files = _report_photo_files(locked)
        try:
            hazard_record(
                venue=target.venue,
                hazard_type=target.hazard_type,
                actor=user,
                source=HazardSource.RESIDENT_REPORT,
                description=_hazard_note(locked),
                photos=files,
                position=Position(locked.lat, locked.lng) if locked.lat is not None else None,
            )
        finally:
            for f in files:
                f.close()
        _finish(locked, user, state=ReportState.MERGED, hazard=target, venue=target.venue)
    report.refresh_from_db()
    target.refresh_from_db()
    return target


def report_dismiss(
    *, user: User, report: ResidentReport, reason: str, expected_version: int | None = None
) -> ResidentReport:
    """Dismiss with a reason the reporter reads on the status page."""
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Give the reason the reporter will read."), code="reason_required")
    if len(reason) > 500:
        raise _invalid("reason", _("Use at most %(n)d characters.") % {"n": 500})
    with transaction.atomic():
        locked = _lock(report, user, expected_version)
        _finish(locked, user, state=ReportState.DISMISSED, dismiss_reason=reason)
        if locked.venue_id:
            from venuesafe.risk.signals import schedule_rescore

            schedule_rescore(locked.venue_id)  # a dismissed report no longer counts towards the risk
    report.refresh_from_db()
    return report


def open311_client_for_key(api_key: str) -> Open311Client | None:
    """The active client holding this key, or None."""
    if not api_key:
        return None
    return Open311Client.objects.filter(api_key=api_key, is_active=True).first()
