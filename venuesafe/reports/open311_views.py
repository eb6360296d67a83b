"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): resident reports through the civic-issue API.

Thin views: parse the spec's parameters, call reports.services / open311_selectors, render with
open311_render. The format comes from the extension (`services.xml`, `services.json`). Errors are
the spec's list of {code, description}: 400 bad input, 403 missing/wrong/withdrawn api_key,
404 unknown service, request or jurisdiction. No contact detail is ever written out.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from venuesafe.core import clock
from venuesafe.core.errors import DomainError, InvalidInput, OutOfScope
from venuesafe.reports import selectors, services
from venuesafe.reports.models import ReportCategory, ReportSource, ReportState, ResidentReport
from venuesafe.reports.open311_render import FORMATS, render, render_errors
from venuesafe.reports.open311_selectors import (
    MAX_WINDOW,
    open311_request_get,
    open311_request_list,
    open311_service_get,
    open311_service_list,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Bump when the API's behaviour or the discovery document changes (sortable, as the spec asks).
CHANGESET = "2026-11-29 00:00"
STATUSES = ("open", "closed")


class Open311Error(Exception):
    def __init__(self, status: int, *errors: tuple[int | str, str]):
        super().__init__(errors)
        self.status = status
        self.errors = list(errors)


def _bad(description: str) -> Open311Error:
    return Open311Error(400, (400, description))


def open311_view(*methods: str) -> Callable:
    """Method and format check, jurisdiction check, and every failure as the spec's error list."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            fmt = fmt.lower()
            try:
                if fmt not in FORMATS:
                    raise _bad(_("Format %(format)s is not supported: use xml or json.") % {"format": fmt})
                if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
                    raise Open311Error(
                        405, (405, _("Method %(method)s is not allowed here.") % {"method": request.method})
                    )
                _check_no_nul(request, kwargs)
                _check_jurisdiction(request)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                response = render_errors(exc.errors, fmt, status=exc.status)
            except InvalidInput as exc:
                response = render_errors(_field_errors(exc), fmt, status=400)
            except OutOfScope as exc:
                response = render_errors([(404, exc.message)], fmt, status=404)
            except DomainError as exc:
                # Any other refusal is a general 400 in the spec ("basically 400 for any other error");
                # the body's code may be more specific, e.g. 429 for too many reports from one client.
                response = render_errors([(exc.status, exc.message)], fmt, status=400)
            if response.status_code == 405:
                response["Allow"] = ", ".join(methods)
            return response

        return wrapper

    return decorate


def _field_errors(exc: InvalidInput) -> list[tuple[int, str]]:
    if not exc.fields:
        return [(400, str(exc.message))]
    # Our field names back to the spec's parameter names, so a client knows what to fix.
    names = {
        "category": "service_code",
        "lng": "long",
        "location": "lat/long or address_string",
        "contact_name": "first_name/last_name",
        "contact_email": "email",
        "contact_phone": "phone",
    }
    return [
        (400, f"{names.get(field, field)}: {message}")
        for field, messages in exc.fields.items()
        for message in (messages if isinstance(messages, list | tuple) else [messages])
    ]


def _check_no_nul(request: HttpRequest, path_args: dict) -> None:
    """PostgreSQL text cannot hold NUL, not even in a query: refuse it as Django's forms do."""
    given = [*request.GET.lists(), *request.POST.lists(), *((k, [v]) for k, v in path_args.items())]
    if names := sorted({key for key, values in given if any("\x00" in v for v in values)}):
        raise _bad(_("%(names)s contains a null character.") % {"names": ", ".join(names)})


def _check_jurisdiction(request: HttpRequest) -> None:
    """One jurisdiction: jurisdiction_id is optional; when the setting names ours, another value is a 404."""
    given = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
    ours = settings.OPEN311_JURISDICTION_ID
    if given and ours and given != ours:
        raise Open311Error(404, (404, _("jurisdiction_id %(id)s was not found.") % {"id": given}))


def _localized(obj: dict, key: str) -> str:
    lang = translation.get_language() or ""
    if lang.startswith("en") and obj.get(f"{key}_en"):
        return str(obj[f"{key}_en"])
    return str(obj.get(key) or "")


# --- Discovery and services ---------------------------------------------------------------------


@open311_view("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    root = reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    base = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    data = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT
        or _("Contact the district safety office for questions about this service."),
        "key_service": _("API keys are issued per client by the district administrator."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base}{root}",
                "changeset": CHANGESET,
                "type": "production" if settings.PRODUCTION else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render("discovery", data, fmt)


def _service(category: ReportCategory) -> dict:
    keywords = [n for n in dict.fromkeys([category.name, category.name_en]) if n]
    return {
        "service_code": category.code,
        "service_name": category.label,
        "description": category.description_label,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": None,
    }


@open311_view("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    return render("services", [_service(c) for c in open311_service_list()], fmt)


def _attribute(attribute: dict, position: int) -> dict:
    datatype = attribute.get("datatype") or "string"
    return {
        "variable": attribute.get("variable", True),
        "code": attribute["code"],
        "datatype": datatype,
        "required": bool(attribute.get("required")),
        "datatype_description": _localized(attribute, "datatype_description") or None,
        "order": attribute.get("order") or position,
        "description": _localized(attribute, "description"),
        "values": [{"key": value["key"], "name": _localized(value, "name")} for value in attribute.get("values") or []],
    }


@open311_view("GET")
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    category = open311_service_get(service_code=service_code)
    if category is None:
        raise Open311Error(404, (404, _("service_code %(code)s was not found.") % {"code": service_code}))
    attributes = sorted(category.attributes or [], key=lambda a: a.get("order") or 0)
    data = {
        "service_code": category.code,
        "attributes": [_attribute(a, i) for i, a in enumerate(attributes, start=1)],
    }
    return render("service_definition", data, fmt)


# --- Requests -----------------------------------------------------------------------------------


def _service_notice() -> str:
    return _(
        "The community checks every report; an accepted report becomes a hazard work order with a deadline "
        "for rectification."
    )


def _request(report: ResidentReport) -> dict:
    """One report as the spec's <request>. Contact details are left out on purpose."""
    status = selectors.public_status(report)
    hazard = report.hazard
    notes = report.dismiss_reason if report.state == ReportState.DISMISSED else None
    return {
        "service_request_id": report.reference,
        "status": status,
        "status_notes": notes or None,
        "service_name": report.category.label,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.community.name if report.community_id else None,
        "service_notice": _service_notice(),
        "requested_datetime": report.submitted_at,
        "updated_datetime": max(filter(None, [report.updated_at, getattr(hazard, "updated_at", None)])),
        "expected_datetime": hazard.deadline if hazard is not None else None,
        "address": report.address_string or None,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lng,
        "media_url": report.media_url or None,
    }


def _parse_when(name: str, value: str) -> dt.datetime:
    """A W3C datetime; one without a zone is read in the server's zone, a bare date as its midnight."""
    parsed: dt.datetime | None = None
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)) is not None:
            parsed = dt.datetime.combine(day, dt.time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise _bad(_("%(name)s must be a W3C datetime such as 2026-05-01T00:00:00+08:00.") % {"name": name})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _window(params) -> tuple[dt.datetime, dt.datetime]:
    """start_date/end_date: the last 90 days by default, never more than 90 days (the spec)."""
    start_raw, end_raw = (params.get("start_date") or "").strip(), (params.get("end_date") or "").strip()
    start = _parse_when("start_date", start_raw) if start_raw else None
    end = _parse_when("end_date", end_raw) if end_raw else None
    if start is None and end is None:
        end = clock.now()
    if start is None:
        start = end - MAX_WINDOW
    if end is None:
        end = start + MAX_WINDOW
    if end < start:
        raise _bad(_("end_date is before start_date."))
    if end - start > MAX_WINDOW:
        raise _bad(_("start_date and end_date may not span more than 90 days."))
    return start, end


def _csv(params, name: str) -> list[str]:
    return [part.strip() for value in params.getlist(name) for part in value.split(",") if part.strip()]


def _references(params) -> list[str]:
    # "r7k3 9qxm" is R7K3-9QXM; what cannot be a reference matches nothing.
    return [selectors.normalize_reference(ref) or ref for ref in _csv(params, "service_request_id")]


def _request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    references = _references(params)
    if references:
        # "This overrides all other arguments."
        return render("service_requests", [_request(r) for r in open311_request_list(references=references)], fmt)
    statuses = [s.lower() for s in _csv(params, "status")]
    if unknown := [s for s in statuses if s not in STATUSES]:
        raise _bad(_("status must be open or closed, not %(value)s.") % {"value": ", ".join(unknown)})
    start, end = _window(params)
    reports = open311_request_list(
        service_codes=_csv(params, "service_code"), start=start, end=end, statuses=statuses or None
    )
    return render("service_requests", [_request(r) for r in reports], fmt)


def _attributes(post) -> dict:
    """attribute[code]=value, and attribute[code][]=v1&attribute[code][]=v2 for a multivaluelist."""
    out: dict[str, str | list[str]] = {}
    for key in post:
        if not (key.startswith("attribute[") and "]" in key):
            continue
        code = key[len("attribute[") : key.index("]")]
        if not code:
            continue
        if key.endswith("[]"):
            out[code] = [v for v in post.getlist(key) if v != ""]
        else:
            out[code] = post.get(key, "")
    return out


def _float(name: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise _bad(_("%(name)s must be a number.") % {"name": name}) from None


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    post = request.POST
    client = services.open311_client_for_key((post.get("api_key") or request.GET.get("api_key") or "").strip())
    if client is None:
        raise Open311Error(403, (403, _("Missing, invalid or withdrawn api_key: request one from the district.")))
    service_code = (post.get("service_code") or "").strip()
    if not service_code:
        raise _bad(_("service_code was not provided."))
    category = open311_service_get(service_code=service_code)
    if category is None:
        raise Open311Error(404, (404, _("service_code %(code)s was not found.") % {"code": service_code}))

    lat_raw, lng_raw = (post.get("lat") or "").strip(), (post.get("long") or "").strip()
    address = (post.get("address_string") or "").strip()
    if bool(lat_raw) != bool(lng_raw):
        raise _bad(_("lat and long must be sent together."))
    if not lat_raw and not address:
        raise _bad(_("A location is required: lat and long, or address_string."))
    lat = _float("lat", lat_raw) if lat_raw else None
    lng = _float("long", lng_raw) if lng_raw else None

    name = " ".join(p for p in ((post.get("first_name") or "").strip(), (post.get("last_name") or "").strip()) if p)
    token, earlier = _retry_tokens(client, post)
    existing = ResidentReport.objects.filter(client_token__in=[token, *earlier]).first()
    if existing is not None:  # the client retried after a lost answer: the same report again
        data = [{"service_request_id": existing.reference, "service_notice": _service_notice(), "account_id": None}]
        return render("service_requests", data, fmt)
    report = services.report_submit(
        category=category,
        description=(post.get("description") or "").strip(),
        lat=lat,
        lng=lng,
        address_string=address,
        contact_name=name,
        contact_phone=(post.get("phone") or "").strip(),
        contact_email=(post.get("email") or "").strip(),
        source=ReportSource.OPEN311,
        open311_client=client,
        media_url=(post.get("media_url") or "").strip(),
        attributes=_attributes(post),
        device_id=(post.get("device_id") or "").strip(),
        ip=request.META.get("REMOTE_ADDR", ""),
        client_token=token,
    )
    # No account_id: reports are filed without accounts. No token: the type is realtime.
    data = [{"service_request_id": report.reference, "service_notice": _service_notice(), "account_id": None}]
    return render("service_requests", data, fmt)


RETRY_WINDOW_SECONDS = 600
RETRY_NAMESPACE = uuid.UUID("0c5f3a52-9d1e-4b7e-8a36-2f41d7e6b9c8")


def _retry_tokens(client, post) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """GeoReport v2 has no idempotency key, so a client retrying a POST after a lost answer would
    file the report twice. The same client posting the same fields within the same or the previous
    ten-minute window gets the report it filed; the same report posted later is a new one."""
    fields = "&".join(f"{k}={v}" for k, v in sorted(post.lists()) if k != "api_key")
    bucket = int(clock.now().timestamp() // RETRY_WINDOW_SECONDS)

    def token(b: int) -> uuid.UUID:
        return uuid.uuid5(RETRY_NAMESPACE, f"{client.pk}|{b}|{fields}")

    return token(bucket), [token(bucket - 1)]


@csrf_exempt  # an API for other programs, authenticated by api_key, never by a browser session
@open311_view("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    return _request_list(request, fmt)


@open311_view("GET")
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    report = open311_request_get(reference=selectors.normalize_reference(service_request_id))
    if report is None:
        raise Open311Error(404, (404, _("service_request_id %(id)s was not found.") % {"id": service_request_id}))
    return render("service_requests", [_request(report)], fmt)
