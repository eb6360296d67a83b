"""Hazard pages (being built)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from . import selectors


@login_required
def hazard_detail(request, pk: int):
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    return HttpResponse(str(hazard))
