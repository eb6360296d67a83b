"""Equipment register pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors, services


@login_required
@require_GET
def venue_equipment(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.visible_venue(user=request.user, pk=pk)
    context = {
        "venue": venue,
        "equipment": selectors.venue_equipment(venue=venue),
        "warnings": selectors.open_warnings(venues=[venue.pk]),
        "can_edit": services.may_keep_register(venue, request.user),
    }
    return render(request, "equipment/venue.html", context)
