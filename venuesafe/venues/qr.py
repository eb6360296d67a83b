"""One code per venue (一店一码): what the QR link on the door leads to, and which door plates a user may print.

Reads only. The link is /q/<qr_token>/ — a random token, so nobody reaches a venue by counting ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import user_scope
from venuesafe.core import clock
from venuesafe.hazards.services import RECORDERS, roles_at
from venuesafe.inspections.selectors import last_inspection
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.selfchecks.models import SelfCheck

from .models import BusinessStatus, Venue, VenueMerchant
from .selectors import venue_queryset

# One bulk PDF holds at most this many plates (a page each); a community rarely has a tenth of it.
DOOR_PLATE_BULK_CAP = 2000


def qr_path(venue: Venue) -> str:
    return reverse("qr:open", args=[venue.qr_token])


def qr_link(venue: Venue, request: HttpRequest | None = None) -> str:
    """The absolute link printed in the venue's QR code: PUBLIC_BASE_URL if set, else the request's host."""
    path = qr_path(venue)
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is None:
        raise ValueError("PUBLIC_BASE_URL is empty and there is no request to take the host from.")
    return request.build_absolute_uri(path)


def venue_by_token(*, token: str) -> Venue:
    """The venue a QR token names (404 when none does). Public: the token is the only key."""
    venue = Venue.objects.select_related("category__parent", "community", "grid_worker").filter(qr_token=token).first()
    if venue is None:
        raise Http404
    return venue


def qr_destination(*, user: User, venue: Venue) -> str | None:
    """Where the QR link sends this user, or None for the public card.

    The venue's merchant → today's self-check; staff who may inspect it → the inspection; for a
    deregistered venue staff get its archive page instead (nothing to inspect or punch in).
    """
    if not getattr(user, "is_authenticated", False):
        return None
    closed = venue.business_status == BusinessStatus.CLOSED
    if not closed and VenueMerchant.objects.filter(user_id=user.pk, venue_id=venue.pk).exists():
        return reverse("selfchecks:today", args=[venue.pk])
    if roles_at(user, venue.org_path) & RECORDERS:
        return reverse("venues:detail", args=[venue.pk]) if closed else reverse("inspections:start", args=[venue.pk])
    return None


@dataclass(frozen=True)
class PublicCard:
    """What anyone scanning the door may read: nothing the plate or the shop front does not already show."""

    sign_name: str
    category: str
    community: str
    address: str
    business_status: str
    business_status_label: str
    last_inspected_on: dt.date | None
    self_check_expected: bool
    self_checked_today: bool
    grid_worker_name: str
    grid_worker_mobile: str
    report_url: str

    @property
    def is_closed(self) -> bool:
        return self.business_status == BusinessStatus.CLOSED


def public_card(*, venue: Venue) -> PublicCard:
    category = venue.category
    label = f"{category.parent.label} · {category.label}" if category.parent_id else category.label
    last = last_inspection(venue=venue)
    worker = venue.grid_worker
    return PublicCard(
        sign_name=venue.sign_name,
        category=label,
        community=venue.community.name,
        address=venue.address,
        business_status=venue.business_status,
        business_status_label=str(venue.get_business_status_display()),
        last_inspected_on=timezone.localdate(last.ended_at) if last is not None else None,
        self_check_expected=VenueMerchant.objects.filter(venue=venue).exists(),
        self_checked_today=SelfCheck.objects.filter(venue=venue, day=clock.local_today()).exists(),
        grid_worker_name=worker.display_name if worker else "",
        grid_worker_mobile=(worker.mobile or "") if worker else "",
        report_url=_report_url(venue),
    )


def optional_url(name: str) -> str:
    """The URL of a page that a later part of the system adds (e.g. resident reports); empty until it exists."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _report_url(venue: Venue) -> str:
    return f"{reverse('reports:new')}?venue={venue.qr_token}"


def may_see_archive(*, user: User, venue: Venue) -> bool:
    """A signed-in user with the venue in scope (e.g. a department viewer) gets a link to its archive page."""
    if not getattr(user, "is_authenticated", False):
        return False
    return venue_queryset(user=user).filter(pk=venue.pk).exists()


# --- door plates ----------------------------------------------------------------------------


def door_plate_venue(*, user: User, pk: int) -> Venue:
    """One venue for its plate: staff who see it, or its merchant (404 otherwise)."""
    venue = (
        venue_queryset(user=user).select_related("category__parent", "community", "grid_worker").filter(pk=pk).first()
    )
    if venue is None:
        raise Http404
    return venue


def door_plate_communities(*, user: User) -> QuerySet[OrgUnit]:
    """Communities whose plates this user may print in bulk: those under a staff role, and the community
    a grid's staff work in (a grid worker hangs the plates of their grid). A merchant's role gives none."""
    scope = user_scope(user=user)
    where = Q() if scope.is_superuser else Q(pk__in=[])
    for assignment in scope.assignments:
        if assignment.role == Role.MERCHANT:
            continue
        path = assignment.org_unit.path  # "/1/4/17/": its ancestors are "/1/" and "/1/4/"
        parts = path.strip("/").split("/")
        ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
        where |= Q(path__startswith=path) | Q(path__in=ancestors)
    return OrgUnit.objects.filter(where, level=OrgLevel.COMMUNITY, is_active=True).order_by("path")


def door_plate_community(*, user: User, community_id: str | int | None) -> OrgUnit:
    try:
        pk = int(community_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise Http404 from None
    community = door_plate_communities(user=user).filter(pk=pk).first()
    if community is None:
        raise Http404
    return community


def door_plate_venues(*, user: User, community: OrgUnit) -> QuerySet[Venue]:
    """The community's open venues that this user sees, in the order a grid worker walks them: grid, address."""
    return (
        venue_queryset(user=user)
        .filter(community=community, business_status=BusinessStatus.OPEN)
        .select_related("category__parent", "community", "grid_worker")
        .order_by("org_path", "address", "id")
    )
