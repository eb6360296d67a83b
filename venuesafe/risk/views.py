"""Risk pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from venuesafe.venues.selectors import venue_get

from . import selectors
from .services import factor_label


@login_required
@require_GET
def venue_risk(request: HttpRequest, pk: int) -> HttpResponse:
    venue = venue_get(user=request.user, pk=pk)
    risk = selectors.venue_risk(user=request.user, venue_id=venue.pk)
    flag = selectors.candidate_major_list(user=request.user).filter(venue=venue).first()
    factors = [{**f, "label": factor_label(f)} for f in (risk.factors if risk else [])]
    return render(request, "risk/venue.html", {"venue": venue, "risk": risk, "factors": factors, "flag": flag})
