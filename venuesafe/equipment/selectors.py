"""Scoped reads of the equipment register and its warnings."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import user_scope
from venuesafe.venues.models import Venue

from .models import Equipment, RuleWarning


def visible_venue(*, user: User, pk: int) -> Venue:
    venue = Venue.objects.filter(user_scope(user=user).venue_filter(), pk=pk).select_related("category").first()
    if venue is None:
        raise Http404
    return venue


def venue_equipment(*, venue: Venue, include_retired: bool = False) -> QuerySet[Equipment]:
    qs = Equipment.objects.filter(venue=venue)
    if not include_retired:
        qs = qs.filter(is_active=True)
    return qs.order_by("kind", "id")


def open_warnings(*, venues) -> QuerySet[RuleWarning]:
    return (
        RuleWarning.objects.filter(venue__in=venues, resolved_at__isnull=True)
        .select_related("equipment", "rule", "venue")
        .order_by("due_date", "id")
    )


def warnings_for_user(*, user: User) -> QuerySet[RuleWarning]:
    venues = Venue.objects.filter(user_scope(user=user).venue_filter()).values("pk")
    return open_warnings(venues=venues)
