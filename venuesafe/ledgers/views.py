"""The ledger page (台账): choose a ledger, filters and a format; follow my exports' progress and
download them; or stream a CSV at once. Thin: the form validates, services and selectors work."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from venuesafe.core import clock
from venuesafe.core.errors import StateConflict

from . import selectors, services
from .api import file_response
from .forms import LedgerForm


def _require_export_right(user) -> None:
    if not selectors.may_export(user):
        raise PermissionDenied


def _page(request: HttpRequest, form: LedgerForm, status: int = 200) -> HttpResponse:
    exports = list(selectors.export_list(user=request.user))
    highlight = request.GET.get("export", "")
    context = {
        "form": form,
        "exports": exports,
        "highlight": highlight,
        "keep_days": settings.LEDGER_EXPORT_KEEP_DAYS,
    }
    return render(request, "ledgers/index.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_index(request: HttpRequest) -> HttpResponse:
    _require_export_right(request.user)
    if request.method != "POST":
        return _page(request, LedgerForm(user=request.user, request=request))
    form = LedgerForm(request.POST, user=request.user, request=request)
    if not form.is_valid():
        return _page(request, form, status=400)
    export = services.export_request(
        actor=request.user,
        kind=form.validated["kind"],
        fmt=form.validated["format"],
        filters=form.validated["filters"],
        language=translation.get_language() or "zh-hans",
    )
    messages.success(request, _("Your export has been requested. It is listed below; download it when it is ready."))
    return redirect(f"{reverse('ledgers:index')}?export={export.pk}#export-{export.pk}")


@login_required
@require_GET
def ledger_csv(request: HttpRequest) -> HttpResponse:
    """The CSV streamed straight away: rows are read and sent chunk by chunk."""
    _require_export_right(request.user)
    form = LedgerForm(request.GET, user=request.user, request=request)
    if not form.is_valid():
        return _page(request, form, status=400)
    kind, filters = form.validated["kind"], form.validated["filters"]
    language = translation.get_language() or "zh-hans"
    pieces = selectors.ledger_csv(user=request.user, kind=kind, filters=filters, language=language)
    response = StreamingHttpResponse(pieces, content_type=services.CONTENT_TYPES["csv"])
    title = str(selectors.ledger_get(kind).title)
    filename = f"{title}-{timezone.localtime(clock.now()):%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = selectors.export_get(user=request.user, pk=pk)
    try:
        return file_response(export)
    except StateConflict:
        raise Http404 from None
