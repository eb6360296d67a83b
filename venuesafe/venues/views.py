"""Venue archive pages. Thin: parse the request, call a selector or a service, render."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import editable_org_units
from venuesafe.core import geo
from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.core.idempotency import run_idempotent
from venuesafe.core.validators import validate_wgs84_in_china
from venuesafe.hazards import selectors as hazard_selectors
from venuesafe.hazards import services as hazard_services
from venuesafe.inspections import selectors as inspection_selectors
from venuesafe.org.models import OrgLevel, OrgUnit

from . import selectors, services
from .forms import NearForm, VenueFilterForm, VenueForm
from .models import FIVE_ELEMENTS, BusinessStatus, CategoryDepartment, LicenceKind, LocationSource, Venue, VenueCategory

PAGE_SIZE = 20
MAP_MARKER_CAP = 2000


def _map_config() -> dict:
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "coordSystem": settings.MAP_TILE_COORDINATE_SYSTEM,
    }


def _to_tiles(lat: float, lng: float) -> tuple[float, float]:
    """WGS-84 (stored) to the coordinate system the map tiles are drawn in."""
    system = settings.MAP_TILE_COORDINATE_SYSTEM or geo.CoordSystem.WGS84
    return geo.from_wgs84(lat, lng, system)


def _element_labels() -> dict[str, str]:
    return {
        "sign_name": _("Shop sign name"),
        "category": _("Category"),
        "address": _("Address"),
        "photo": _("Photo"),
        "licence": _("Licence"),
    }


# --- list ---------------------------------------------------------------------------------


@login_required
@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    form = VenueFilterForm(request.GET or None, user=request.user)
    venues = selectors.venue_list(user=request.user, **form.selector_kwargs()).order_by("-id")
    page = Paginator(venues, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": _can_register(request.user),
        "element_count": len(FIVE_ELEMENTS),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "venue-results":
        return render(request, "venues/_list_results.html", context)
    return render(request, "venues/list.html", context)


def _can_register(user: User) -> bool:
    return editable_org_units(user=user, levels=(OrgLevel.COMMUNITY, OrgLevel.GRID)).exists()


# --- detail -------------------------------------------------------------------------------


@login_required
@require_GET
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(user=request.user, pk=pk)
    category = venue.category
    departments = (
        CategoryDepartment.objects.filter(category_id__in=[c for c in (category.pk, category.parent_id) if c])
        .select_related("department", "category")
        .order_by("department__code")
    )
    labels = _element_labels()
    map_point = None
    if venue.lat is not None and venue.lng is not None:
        tlat, tlng = _to_tiles(venue.lat, venue.lng)
        map_point = {"lat": tlat, "lng": tlng, "name": venue.sign_name}
    context = {
        "venue": venue,
        "departments": departments,
        "missing": set(venue.missing_elements),
        "missing_labels": [labels[m] for m in venue.missing_elements],
        "element_count": len(FIVE_ELEMENTS),
        "history": _readable_history(selectors.venue_history(venue=venue)),
        "can_edit": selectors.venue_can_edit(user=request.user, venue=venue),
        "map_config": _map_config(),
        "map_point": map_point,
        **_loop_context(request.user, venue),
    }
    return render(request, "venues/detail.html", context)


def _loop_context(user: User, venue: Venue) -> dict:
    """The hazard loop on the venue page: may this user inspect, open hazards, last inspections."""
    return {
        "can_inspect": bool(hazard_services.roles_at(user, venue.org_path) & hazard_services.RECORDERS),
        "open_hazards": list(hazard_selectors.hazard_list(user=user, venue_id=venue.pk, state="open")[:20]),
        "last_inspections": list(inspection_selectors.inspection_list(user=user, venue_id=venue.pk)[:5]),
    }


_FK_MODELS = {
    "category": VenueCategory,
    "community": OrgUnit,
    "grid": OrgUnit,
    "grid_worker": User,
    "inspector": User,
    "created_by": User,
}
_CHOICES = {
    "business_status": BusinessStatus,
    "licence_kind": LicenceKind,
    "location_source": LocationSource,
}


def _readable_history(entries: list[selectors.HistoryEntry]) -> list[selectors.HistoryEntry]:
    """Show names instead of ids for related objects and labels instead of choice values."""
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        for change in entry.changes:
            model = _FK_MODELS.get(change.field)
            if model is not None:
                ids = wanted.setdefault(model, set())
                ids.update(int(v) for v in (change.old, change.new) if v and v.isdigit())
    found = {model: model.objects.in_bulk(ids) for model, ids in wanted.items()}

    def show(field: str, value: str) -> str:
        if not value:
            return value
        model = _FK_MODELS.get(field)
        if model is not None and value.isdigit():
            obj = found[model].get(int(value))
            return str(obj) if obj is not None else value
        if field in _CHOICES:
            try:
                return str(_CHOICES[field](value).label)
            except ValueError:
                return value
        return value

    return [
        dataclasses.replace(
            entry,
            changes=[dataclasses.replace(c, old=show(c.field, c.old), new=show(c.field, c.new)) for c in entry.changes],
        )
        for entry in entries
    ]


# --- create, edit, close ------------------------------------------------------------------


@login_required
def venue_create(request: HttpRequest) -> HttpResponse:
    if not _can_register(request.user):
        raise PermissionDenied
    if request.method != "POST":
        form = VenueForm(user=request.user)
        return render(request, "venues/form.html", {"form": form, "venue": None})

    form = VenueForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        fields, coord_system = form.service_fields()
        try:
            # The form's submission id is an idempotency key: a form sent twice (double tap,
            # retry after a lost response) leads to the venue the first one created.
            result = run_idempotent(
                user=request.user,
                key=str(form.cleaned_data["submission_id"]),
                endpoint="venue_create",
                action=lambda: services.venue_create(actor=request.user, coord_system=coord_system, **fields),
            )
        except (InvalidInput, NotAllowed) as exc:
            _form_errors_from(form, exc)
        else:
            if result.replayed:
                messages.info(request, _("This venue was already registered; here it is."))
            else:
                messages.success(request, _("Venue “%(name)s” registered.") % {"name": result.obj.sign_name})
            return redirect("venues:detail", pk=int(result.object_id))
    return render(request, "venues/form.html", {"form": form, "venue": None}, status=400)


def _form_errors_from(form: VenueForm, exc: InvalidInput | NotAllowed) -> None:
    if exc.fields:
        form.add_service_errors(exc.fields)
    else:
        form.add_error(None, str(exc.message))


def _venue_for_edit(request: HttpRequest, pk: int) -> Venue:
    try:
        return selectors.venue_get_for_edit(user=request.user, pk=pk)
    except NotAllowed as exc:
        raise PermissionDenied from exc


@login_required
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue_for_edit(request, pk)
    if request.method != "POST":
        form = VenueForm(user=request.user, instance=venue)
        return render(request, "venues/form.html", {"form": form, "venue": venue})
    form = VenueForm(request.POST, request.FILES, user=request.user, instance=venue)
    if form.is_valid():
        fields, coord_system = form.service_fields()
        try:
            services.venue_update(venue=venue, actor=request.user, coord_system=coord_system, **fields)
        except (InvalidInput, NotAllowed) as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("Changes to “%(name)s” saved.") % {"name": venue.sign_name})
            return redirect("venues:detail", pk=venue.pk)
    return render(request, "venues/form.html", {"form": form, "venue": venue}, status=400)


@login_required
@require_POST
def venue_close(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue_for_edit(request, pk)
    try:
        services.venue_close(venue=venue, actor=request.user)
    except (InvalidInput, NotAllowed) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("“%(name)s” is deregistered. Its archive is kept.") % {"name": venue.sign_name})
    return redirect("venues:detail", pk=venue.pk)


# --- map ----------------------------------------------------------------------------------


@login_required
@require_GET
def venue_map(request: HttpRequest) -> HttpResponse:
    return render(request, "venues/map.html", {"map_config": _map_config()})


def _parse_bbox(raw: str) -> tuple[float, float, float, float] | None:
    """ "west,south,east,north" in the tiles' coordinate system -> WGS-84 (south, north, west, east)."""
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        return None
    if not (west < east and south < north):
        return None
    system = settings.MAP_TILE_COORDINATE_SYSTEM or geo.CoordSystem.WGS84
    s, w = geo.to_wgs84(south, west, system)
    n, e = geo.to_wgs84(north, east, system)
    pad = 0.002  # the GCJ-02 shift is not uniform: keep markers at the edges
    return s - pad, n + pad, w - pad, e + pad


@login_required
@require_GET
def venue_map_data(request: HttpRequest) -> JsonResponse:
    venues = selectors.venue_list(user=request.user).filter(lat__isnull=False, lng__isnull=False)
    bbox = _parse_bbox(request.GET.get("bbox", "")) if request.GET.get("bbox") else None
    if bbox is not None:
        south, north, west, east = bbox
        venues = venues.filter(lat__range=(south, north), lng__range=(west, east))
    rows = list(
        venues.order_by("-id").values(
            "id", "sign_name", "category__name", "category__name_en", "business_status", "lat", "lng"
        )[: MAP_MARKER_CAP + 1]
    )
    truncated = len(rows) > MAP_MARKER_CAP
    english = (translation.get_language() or "").startswith("en")
    statuses = dict(BusinessStatus.choices)
    items = []
    for row in rows[:MAP_MARKER_CAP]:
        lat, lng = _to_tiles(row["lat"], row["lng"])
        items.append(
            {
                "id": row["id"],
                "name": row["sign_name"],
                "category": (row["category__name_en"] if english else "") or row["category__name"],
                "status": row["business_status"],
                "status_label": str(statuses.get(row["business_status"], row["business_status"])),
                "lat": round(lat, 7),
                "lng": round(lng, 7),
                "url": reverse("venues:detail", args=[row["id"]]),
            }
        )
    return JsonResponse(
        {
            "coord_system": settings.MAP_TILE_COORDINATE_SYSTEM or "wgs84",
            "count": len(items),
            "truncated": truncated,
            "venues": items,
        }
    )


# --- near me ------------------------------------------------------------------------------


@login_required
@require_GET
def venue_near(request: HttpRequest) -> HttpResponse:
    form = NearForm(request.GET or None)
    results = None
    error = ""
    radius = form.default_radius
    if form.is_bound and form.is_valid():
        radius = form.cleaned_data.get("radius") or form.default_radius
        lat, lng = form.cleaned_data.get("lat"), form.cleaned_data.get("lng")
        if lat is not None or lng is not None:
            try:
                validate_wgs84_in_china(lat, lng)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                near = selectors.venue_list_near(user=request.user, lat=lat, lng=lng, radius_m=radius)
                categories = VenueCategory.objects.in_bulk({v.category_id for v in near})
                results = [
                    {
                        "venue": v,
                        "category": categories[v.category_id].label if v.category_id in categories else "",
                        "status_label": BusinessStatus(v.business_status).label,
                        "distance": round(v.distance_m),
                        "url": reverse("venues:detail", args=[v.id]),
                    }
                    for v in near
                ]
    elif form.is_bound:
        error = _("These are not valid coordinates.")
    context = {
        "form": form,
        "results": results,
        "error": error,
        "radius": radius,
        "lat": request.GET.get("lat", ""),
        "lng": request.GET.get("lng", ""),
    }
    return render(request, "venues/near.html", context)


# --- completeness -------------------------------------------------------------------------


@login_required
@require_GET
def venue_completeness(request: HttpRequest) -> HttpResponse:
    rows = selectors.venue_completeness_by_community(user=request.user)
    total = selectors.venue_completeness_total(user=request.user)
    return render(request, "venues/completeness.html", {"rows": rows, "total": total})
