"""Scoped reads of inspections and checklists."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.venues.models import Venue, VenueCategory

from .models import ChecklistItem, Inspection


def checklist_for_category(category: VenueCategory) -> QuerySet[ChecklistItem]:
    """The active questions for a category: the common ones plus those of the category or its parent."""
    ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    return (
        ChecklistItem.objects.filter(Q(applies_to_all=True) | Q(categories__in=ids), is_active=True)
        .distinct()
        .select_related("default_hazard_type")
        .prefetch_related("hazard_types")
        .order_by("sort_order", "code")
    )


def inspection_filter(user: User) -> Q:
    """Inspections a user may see: those at venues in their scope (merchants: their own venues)."""
    return user_scope(user=user).area_filter()


def inspection_list(
    *, user: User, venue_id: int | None = None, inspector_id: int | None = None, location_status: str = ""
) -> QuerySet[Inspection]:
    qs = Inspection.objects.filter(inspection_filter(user)).select_related("venue", "inspector", "community")
    if venue_id is not None:
        qs = qs.filter(venue_id=venue_id)
    if inspector_id is not None:
        qs = qs.filter(inspector_id=inspector_id)
    if location_status:
        qs = qs.filter(location_status=location_status)
    return qs.order_by("-ended_at", "-id")


def inspection_get(*, user: User, pk: int) -> Inspection:
    inspection = inspection_list(user=user).filter(pk=pk).first()
    if inspection is None:
        raise Http404
    return inspection


def venues_due_for_inspection(*, user: User, stale_days: int | None = None) -> QuerySet[Venue]:
    """Open venues in the grids the user patrols that nobody inspected in the last `stale_days` days,
    never-inspected first, then the longest ago."""
    stale_days = settings.INSPECTION_STALE_DAYS if stale_days is None else stale_days
    scope = user_scope(user=user)
    q = Q(pk__in=[])
    for a in scope.assignments:
        if a.role in (Role.INSPECTOR, Role.GRID_WORKER):
            q |= Q(org_path__startswith=a.org_unit.path)
    q |= Q(inspector_id=user.pk)
    since = clock.now() - dt.timedelta(days=stale_days)
    last = Inspection.objects.filter(venue_id=OuterRef("pk")).values("venue_id").annotate(m=Max("ended_at")).values("m")
    return (
        Venue.objects.filter(q, business_status="open")
        .annotate(last_inspected_at=Subquery(last))
        .filter(Q(last_inspected_at__isnull=True) | Q(last_inspected_at__lt=since))
        .select_related("category", "community", "grid")
        .order_by(F("last_inspected_at").asc(nulls_first=True), "id")
    )


def last_inspection(*, venue: Venue) -> Inspection | None:
    return venue.inspections.order_by("-ended_at", "-id").first()
