"""Binding-code pages for grid workers and other staff of the venue's area: issue a one-time code
for the venue's merchant (shown large, printable), list the venue's codes, revoke one.

Included from config/urls.py under /venues/ (namespace "binding"). Thin: venues.services issues
and revokes; a venue out of sight answers 404, a venue the user may only read answers 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from venuesafe.core import clock
from venuesafe.core.errors import DomainError, NotAllowed

from . import selectors, services
from .models import BindingCode, Venue

STATUS_LABELS = {
    "unused": gettext_lazy("Unused"),
    "used": gettext_lazy("Used"),
    "expired": gettext_lazy("Expired"),
    "revoked": gettext_lazy("Revoked"),
}
LIST_CAP = 50


def binding_code_status(code: BindingCode, now=None) -> str:
    """unused / used / expired / revoked: derived from the timestamps, never stored."""
    now = now or clock.now()
    if code.used_at is not None:
        return "used"
    if code.revoked_at is not None:
        return "revoked"
    if code.expires_at <= now:
        return "expired"
    return "unused"


def binding_codes_of(venue: Venue) -> QuerySet[BindingCode]:
    return BindingCode.objects.filter(venue=venue).select_related("issued_by", "used_by").order_by("-issued_at", "-id")


def venue_for_binding(user, pk: int) -> Venue:
    """The venue, when the user may hand out its codes (staff who may edit it)."""
    try:
        return selectors.venue_get_for_edit(user=user, pk=pk)
    except NotAllowed as exc:
        raise PermissionDenied from exc


@login_required
def binding_codes(request: HttpRequest, pk: int) -> HttpResponse:
    venue = venue_for_binding(request.user, pk)
    if request.method == "POST":
        try:
            code = services.binding_code_issue(venue=venue, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("binding:codes", pk=venue.pk)
        # Redirect, so that reloading the page never issues a second code.
        return redirect(f"{request.path}?issued={code.pk}")
    now = clock.now()
    codes = list(binding_codes_of(venue)[:LIST_CAP])
    rows = [{"code": c, "status": binding_code_status(c, now)} for c in codes]
    for row in rows:
        row["status_label"] = STATUS_LABELS[row["status"]]
    issued = None
    issued_id = request.GET.get("issued", "")
    if issued_id.isdigit():
        issued = next((r for r in rows if r["code"].pk == int(issued_id) and r["status"] == "unused"), None)
    context = {
        "venue": venue,
        "signup_url": _absolute(request, reverse("accounts:merchant_signup")),
        "bind_url": _absolute(request, reverse("accounts:bind")),
        "rows": rows,
        "issued": issued,
        "merchants": list(venue.merchants.all()),
        "venue_open": venue.business_status != "closed",
    }
    return render(request, "venues/binding_codes.html", context)


def _absolute(request: HttpRequest, url: str) -> str:
    base = settings.PUBLIC_BASE_URL
    return f"{base}{url}" if base else request.build_absolute_uri(url)


@login_required
@require_POST
def binding_code_revoke(request: HttpRequest, pk: int, code_pk: int) -> HttpResponse:
    venue = venue_for_binding(request.user, pk)
    code = binding_codes_of(venue).filter(pk=code_pk).first()
    if code is None:
        raise Http404
    try:
        services.binding_code_revoke(binding_code=code, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    messages.success(request, _("The binding code %(code)s can no longer be used.") % {"code": code.code})
    return redirect("binding:codes", pk=venue.pk)


app_name = "binding"
urlpatterns = [
    path("<int:pk>/binding-code/", binding_codes, name="codes"),
    path("<int:pk>/binding-code/<int:code_pk>/revoke/", binding_code_revoke, name="revoke"),
]
