"""Scoped reads of the venue archive. Nothing outside the user's scope is ever returned."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import geo
from venuesafe.core.errors import NotAllowed
from venuesafe.core.validators import normalize_code
from venuesafe.org.models import OrgUnit

from .models import FIVE_ELEMENTS, Venue, VenueCategory


def venue_queryset(*, user: User) -> QuerySet[Venue]:
    return Venue.objects.filter(user_scope(user=user).venue_filter())


def venue_list(
    *,
    user: User,
    search: str = "",
    category: VenueCategory | None = None,
    business_status: str = "",
    org_unit: OrgUnit | None = None,
    complete: bool | None = None,
) -> QuerySet[Venue]:
    qs = venue_queryset(user=user).select_related("category", "community", "grid")
    search = (search or "").strip()
    if search:
        code = normalize_code(search)
        qs = qs.filter(Q(sign_name__icontains=search) | Q(address__icontains=search) | Q(licence_no__startswith=code))
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if business_status:
        qs = qs.filter(business_status=business_status)
    if org_unit is not None:
        qs = qs.filter(org_path__startswith=org_unit.path)
    if complete is True:
        qs = qs.filter(elements_present=len(FIVE_ELEMENTS))
    elif complete is False:
        qs = qs.filter(elements_present__lt=len(FIVE_ELEMENTS))
    return qs


def venue_get(*, user: User, pk: int) -> Venue:
    venue = venue_list(user=user).filter(pk=pk).first()
    if venue is None:
        raise Http404
    return venue


def venue_get_for_edit(*, user: User, pk: int) -> Venue:
    """A venue the user may change; 404 when out of sight, 403 when visible but read-only."""
    venue = venue_get(user=user, pk=pk)
    if not Venue.objects.filter(user_scope(user=user).venue_edit_filter(), pk=pk).exists():
        raise NotAllowed(_("You cannot change this venue."), code="cannot_edit_venue")
    return venue


def venue_can_edit(*, user: User, venue: Venue) -> bool:
    return Venue.objects.filter(user_scope(user=user).venue_edit_filter(), pk=venue.pk).exists()


@dataclass(frozen=True)
class NearVenue:
    id: int
    sign_name: str
    address: str
    category_id: int
    business_status: str
    lat: float
    lng: float
    distance_m: float


def venue_list_near(*, user: User, lat: float, lng: float, radius_m: float, limit: int = 200) -> list[NearVenue]:
    """Venues within radius_m of a WGS-84 point, nearest first.

    Narrowed by the (geo_cell, lat) index to a few short range scans, then cut to the exact
    circle here. Only plain values are read: this runs on every phone's "near me" refresh.
    """
    box = geo.bounding_box(lat, lng, radius_m)
    cells = geo.cells_covering(box)
    where = Q(
        user_scope(user=user).venue_filter(),
        lat__range=(box.min_lat, box.max_lat),
        lng__range=(box.min_lng, box.max_lng),
    )
    if cells is not None:
        where &= Q(geo_cell__in=cells)
    # One filter() and no ORDER BY: building the query costs as much as running it, and the
    # rows are put in distance order below anyway.
    rows = (
        Venue.objects.filter(where)
        .order_by()
        .values_list("id", "sign_name", "address", "category_id", "business_status", "lat", "lng")
    )
    distance_m = geo.distance_m
    found = []
    for vid, name, address, category_id, status, vlat, vlng in rows:
        d = distance_m(lat, lng, vlat, vlng)
        if d <= radius_m:
            found.append(NearVenue(vid, name, address, category_id, status, vlat, vlng, d))
    # Equal distances: newest first, as the default ordering (-id) gave before.
    found.sort(key=lambda v: (v.distance_m, -v.id))
    return found[:limit]


@dataclass(frozen=True)
class Completeness:
    org_unit_id: int | None
    name: str
    venues: int
    complete: int
    elements_present: int

    @property
    def complete_rate(self) -> float:
        return self.complete / self.venues if self.venues else 0.0

    @property
    def element_rate(self) -> float:
        return self.elements_present / (self.venues * len(FIVE_ELEMENTS)) if self.venues else 0.0


def venue_completeness_by_community(*, user: User, within: OrgUnit | None = None) -> list[Completeness]:
    """Five-element completeness per community, over venues not deregistered."""
    qs = venue_queryset(user=user).exclude(business_status="closed")
    if within is not None:
        qs = qs.filter(org_path__startswith=within.path)
    rows = (
        qs.values("community_id", "community__name")
        .annotate(
            venues=Count("id"),
            complete=Count("id", filter=Q(elements_present=len(FIVE_ELEMENTS))),
            present=Sum("elements_present"),
        )
        .order_by("community__name")
    )
    return [
        Completeness(r["community_id"], r["community__name"], r["venues"], r["complete"], r["present"] or 0)
        for r in rows
    ]


def venue_completeness_total(*, user: User, within: OrgUnit | None = None) -> Completeness:
    parts = venue_completeness_by_community(user=user, within=within)
    return Completeness(
        within.pk if within else None,
        within.name if within else "",
        sum(p.venues for p in parts),
        sum(p.complete for p in parts),
        sum(p.elements_present for p in parts),
    )


@dataclass(frozen=True)
class HistoryChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: object
    actor: str
    kind: str
    changes: list[HistoryChange]


def venue_history(*, venue: Venue) -> list[HistoryEntry]:
    """Who changed what and when, newest first. The caller has already scoped `venue`."""
    records = list(venue.history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    for i, record in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if prev is not None:
            delta = record.diff_against(prev)
            for change in delta.changes:
                field = Venue._meta.get_field(change.field)
                changes.append(
                    HistoryChange(change.field, str(field.verbose_name), _display(change.old), _display(change.new))
                )
        entries.append(
            HistoryEntry(
                at=record.history_date,
                actor=str(record.history_user) if record.history_user else "",
                kind=record.history_type,
                changes=changes,
            )
        )
    return entries


def _display(value) -> str:
    return "" if value in (None, "") else str(value)


def category_choices() -> QuerySet[VenueCategory]:
    return VenueCategory.objects.filter(is_active=True).select_related("parent").order_by("sort_order", "code")
