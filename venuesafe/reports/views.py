"""Pages: the public report page and status page (no account), and triage for community staff.

Thin: forms parse, services write, selectors read. Refusals from a service are shown next to the
field they concern; nothing is saved on an error.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from venuesafe.core import geo
from venuesafe.core.errors import DomainError, InvalidInput
from venuesafe.core.positions import parse_position
from venuesafe.hazards.selectors import hazard_queryset
from venuesafe.venues.models import Venue
from venuesafe.venues.selectors import venue_queryset

from . import selectors, services
from .forms import AcceptForm, DismissForm, LookupForm, MergeForm, ReportForm
from .models import ReportState, ResidentReport

DEVICE_COOKIE = "vs_report_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
# Service error fields → the form field that shows them ("location" is the location block).
FIELD_MAP = {"photos": "photo", "lat": "location", "lng": "location", "coord_system": "location"}


def _map_config() -> dict:
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "coordSystem": settings.MAP_TILE_COORDINATE_SYSTEM or geo.CoordSystem.WGS84.value,
    }


def _to_tiles(lat: float, lng: float) -> list[float]:
    system = settings.MAP_TILE_COORDINATE_SYSTEM or geo.CoordSystem.WGS84
    tlat, tlng = geo.from_wgs84(lat, lng, system)
    return [round(tlat, 7), round(tlng, 7)]


def _venue_from_token(token: str | None) -> Venue | None:
    token = (token or "").strip()
    if not token:
        return None
    return Venue.objects.select_related("community").filter(qr_token=token).first()


def _device_id(request: HttpRequest) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return ""


def _with_device_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not _device_id(request):
        response.set_cookie(
            DEVICE_COOKIE,
            str(uuid.uuid4()),
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _show_errors(form, exc: DomainError, location_errors: list[str]) -> None:
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for field, msgs in exc.fields.items():
        target = FIELD_MAP.get(field, field)
        for msg in msgs if isinstance(msgs, list | tuple) else [msgs]:
            if target == "location":
                location_errors.append(str(msg))
            elif target in form.fields:
                form.add_error(target, str(msg))
            else:
                form.add_error(None, str(msg))


@never_cache
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """The public report page (扫码/链接举报). A retried submit with the same hidden token gives the same report."""
    categories = selectors.public_categories()
    venue = _venue_from_token(request.POST.get("venue") if request.method == "POST" else request.GET.get("venue"))
    location_errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, categories=categories)
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                form.add_error(None, _("Your report could not be sent. Please try again."))
            else:
                try:
                    position = parse_position(data["lat"], data["lng"], coord_system=data["coord_system"] or None)
                    photo = data.get("photo")
                    report = services.report_submit(
                        category=data["category"],
                        description=data["description"],
                        lat=position.lat if position else None,
                        lng=position.lng if position else None,
                        address_string=data["address_string"],
                        photos=[photo] if photo else [],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        contact_email=data["contact_email"],
                        device_id=_device_id(request),
                        ip=request.META.get("REMOTE_ADDR", ""),
                        client_token=data["client_token"],
                        venue=venue,
                    )
                except DomainError as exc:
                    _show_errors(form, exc, location_errors)
                    status = exc.status
                else:
                    url = reverse("reports:status", args=[report.reference]) + "?new=1"
                    return _with_device_cookie(request, redirect(url))
        if status == 200:
            status = 400
        if "lat" in form.errors or "lng" in form.errors:
            location_errors.append(_("These are not valid coordinates."))
    else:
        form = ReportForm(
            initial={"client_token": uuid.uuid4(), "venue": venue.qr_token if venue else ""}, categories=categories
        )
    context = {
        "form": form,
        "venue": venue,
        "location_errors": location_errors,
        "map_config": _map_config(),
        "map_center": _to_tiles(venue.lat, venue.lng) if venue and venue.lat is not None else None,
        "max_photo_mb": min(settings.REPORTS_PHOTO_MAX_BYTES, settings.PHOTO_MAX_BYTES) / 1_048_576,
    }
    response = render(request, "reports/new.html", context, status=status)
    return _with_device_cookie(request, response)


@never_cache
@require_GET
def report_status(request: HttpRequest, reference: str) -> HttpResponse:
    """Public: anyone holding the reference reads the progress; never contact data or other reports."""
    report = selectors.report_by_reference(reference=reference)
    context = {
        "status": selectors.public_report_status(report),
        "just_filed": request.GET.get("new") == "1",
        "lookup_form": LookupForm(),
    }
    return render(request, "reports/status.html", context)


@never_cache
@require_GET
def report_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_valid():
        ref = selectors.normalize_reference(form.cleaned_data["reference"])
        if ref and ResidentReport.objects.filter(reference=ref).exists():
            return redirect("reports:status", reference=ref)
        form.add_error("reference", _("No report has this reference number. Check it and try again."))
    return render(request, "reports/lookup.html", {"form": form}, status=404 if form.errors else 200)


# --- triage (staff) ------------------------------------------------------------------------


def _require_triager(request: HttpRequest) -> None:
    if not selectors.may_see_triage(user=request.user):
        raise Http404


@login_required
@require_GET
def triage_list(request: HttpRequest) -> HttpResponse:
    _require_triager(request)
    state = request.GET.get("state", ReportState.NEW)
    if state not in {*ReportState.values, "all"}:
        state = ReportState.NEW
    reports = selectors.report_triage_list(user=request.user, state=state)[:200]
    return render(
        request,
        "reports/triage_list.html",
        {"reports": reports, "state": state, "states": [("all", _("All")), *ReportState.choices]},
    )


def _triage_context(request: HttpRequest, report: ResidentReport, **forms) -> dict:
    try:
        radius = float(request.GET.get("radius") or settings.REPORTS_NEAR_VENUES_RADIUS_M)
    except ValueError:
        radius = settings.REPORTS_NEAR_VENUES_RADIUS_M
    radius = min(max(radius, 10.0), 1000.0)
    near = selectors.nearby_venues(user=request.user, report=report, radius_m=radius)
    venue_ids = [v.id for v in near]
    if report.venue_id and report.venue_id not in venue_ids:
        venue_ids.insert(0, report.venue_id)
    hazards = list(selectors.open_hazards_at(user=request.user, venue_ids=venue_ids)) if venue_ids else []
    default_type = report.category.hazard_type_id
    markers = [
        {"id": v.id, "name": v.sign_name, "lat": _to_tiles(v.lat, v.lng)[0], "lng": _to_tiles(v.lat, v.lng)[1]}
        for v in near
    ]
    context = {
        "report": report,
        "photos": list(report.photos.all()),
        "near": near,
        "radius": int(radius),
        "report_venue": report.venue,
        "hazards": hazards,
        "may_triage": report.state == ReportState.NEW and services.may_triage(request.user, report),
        "accept_form": forms.get("accept_form")
        or AcceptForm(
            initial={"hazard_type": default_type, "venue": report.venue_id or (near[0].id if near else None)}
        ),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "map_config": _map_config(),
        "map_point": _to_tiles(report.lat, report.lng) if report.lat is not None else None,
        "map_markers": markers,
        "public_status": selectors.public_report_status(report),
    }
    return context


@login_required
@require_GET
def triage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_staff(user=request.user, pk=pk)
    return render(request, "reports/triage_detail.html", _triage_context(request, report))


def _act(request: HttpRequest, report: ResidentReport, form_name: str, form, action) -> HttpResponse:
    if form.is_valid():
        try:
            message = action(form.cleaned_data)
        except DomainError as exc:
            if exc.fields:
                for field, msgs in exc.fields.items():
                    for msg in msgs:
                        form.add_error(field if field in form.fields else None, str(msg))
            else:
                form.add_error(None, str(exc.message))
            messages.error(request, str(exc.message))
            report.refresh_from_db()
            context = _triage_context(request, report, **{form_name: form})
            return render(request, "reports/triage_detail.html", context, status=exc.status)
        messages.success(request, message)
        return redirect("reports:triage_detail", pk=report.pk)
    context = _triage_context(request, report, **{form_name: form})
    return render(request, "reports/triage_detail.html", context, status=400)


@login_required
@require_POST
def triage_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_staff(user=request.user, pk=pk)

    def action(data) -> str:
        venue = venue_queryset(user=request.user).filter(pk=data["venue"]).first()
        if venue is None:
            msg = _("Choose a venue in your area.")
            raise InvalidInput(msg, code="venue_out_of_scope", fields={"venue": [msg]})
        hazard = services.report_accept(
            user=request.user,
            report=report,
            venue=venue,
            hazard_type=data["hazard_type"],
            severity=data["severity"] or None,
            expected_version=data["version"],
        )
        return _("Report %(ref)s accepted as work order #%(id)d.") % {"ref": report.reference, "id": hazard.pk}

    data = request.POST.copy()
    if (data.get("venue_number") or "").strip():
        data["venue"] = data["venue_number"].strip()  # typed from the venue's archive page: it wins
    return _act(request, report, "accept_form", AcceptForm(data), action)


@login_required
@require_POST
def triage_merge(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_staff(user=request.user, pk=pk)

    def action(data) -> str:
        hazard = hazard_queryset(user=request.user).filter(pk=data["hazard"]).first()
        if hazard is None:
            msg = _("Choose a work order in your area.")
            raise InvalidInput(msg, code="hazard_out_of_scope", fields={"hazard": [msg]})
        services.report_merge(user=request.user, report=report, hazard=hazard, expected_version=data["version"])
        return _("Report %(ref)s merged into work order #%(id)d.") % {"ref": report.reference, "id": hazard.pk}

    return _act(request, report, "merge_form", MergeForm(request.POST), action)


@login_required
@require_POST
def triage_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_staff(user=request.user, pk=pk)

    def action(data) -> str:
        services.report_dismiss(
            user=request.user, report=report, reason=data["reason"], expected_version=data["version"]
        )
        return _("Report %(ref)s dismissed.") % {"ref": report.reference}

    return _act(request, report, "dismiss_form", DismissForm(request.POST), action)
