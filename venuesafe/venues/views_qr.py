"""One code per venue (一店一码): the QR link on the door and the door plate PDFs.

Thin: the reads are in venues.qr, the drawing in venues.door_plates.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import qr
from .door_plates import door_plates_pdf
from .models import BusinessStatus


@never_cache  # the answer depends on who scans
@require_GET
def qr_open(request: HttpRequest, token: str) -> HttpResponse:
    """Who opens the link decides: its merchant → today's self-check, staff → inspection, anyone else → the card."""
    venue = qr.venue_by_token(token=token)
    destination = qr.qr_destination(user=request.user, venue=venue)
    if destination is not None:
        return redirect(destination)
    context = {
        "card": qr.public_card(venue=venue),
        "token": venue.qr_token,
        "archive_pk": venue.pk if qr.may_see_archive(user=request.user, venue=venue) else None,
        "signup_url": qr.optional_url("accounts:merchant_signup"),
    }
    return render(request, "venues/public_card.html", context)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def door_plate(request: HttpRequest, pk: int) -> HttpResponse:
    venue = qr.door_plate_venue(user=request.user, pk=pk)
    if venue.business_status == BusinessStatus.CLOSED:
        messages.error(request, _("This venue is deregistered: it has no door plate."))
        return redirect("venues:detail", pk=venue.pk)
    pdf = door_plates_pdf([venue], link_for=lambda v: qr.qr_link(v, request), title=venue.sign_name)
    return _pdf_response(pdf, f"door-plate-{venue.pk}.pdf")


@login_required
@require_GET
def door_plates(request: HttpRequest) -> HttpResponse:
    """Every open venue of one community the user sees, a plate a page."""
    community = qr.door_plate_community(user=request.user, community_id=request.GET.get("community"))
    venues = qr.door_plate_venues(user=request.user, community=community)
    count = venues.count()
    if count == 0:
        messages.info(
            request, _("%(community)s has no open venues in your area: no door plates.") % {"community": community.name}
        )
        return redirect("venues:list")
    if count > qr.DOOR_PLATE_BULK_CAP:
        messages.error(
            request,
            _(
                "%(community)s has %(count)d open venues, but one file holds at most %(cap)d door plates. "
                "Print the plates from the venues' own pages."
            )
            % {"community": community.name, "count": count, "cap": qr.DOOR_PLATE_BULK_CAP},
        )
        return redirect("venues:list")
    pdf = door_plates_pdf(venues, link_for=lambda v: qr.qr_link(v, request), title=community.name)
    return _pdf_response(pdf, f"door-plates-{community.code or community.pk}.pdf")
