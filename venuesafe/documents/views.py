"""Document pages: the rectification notice of an inspection (PDF), the summary-report page and its PDF.

Thin: parse the query, call documents.selectors, hand the data to the PDF builders.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from venuesafe.core import clock
from venuesafe.core.errors import DomainError
from venuesafe.inspections.selectors import inspection_get

from . import notice, selectors, summary


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # Inline: the browser's viewer opens it, ready to print or save.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def inspection_notice(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_get(user=request.user, pk=pk)  # 404 outside the user's scope
    data = selectors.notice_data(user=request.user, inspection=inspection)
    content = notice.notice_pdf(data, status_link=notice.status_link(inspection, request))
    return pdf_response(content, f"rectification-notice-{inspection.pk}.pdf")


def _report_query(request: HttpRequest) -> dict:
    return {
        "org_unit": request.GET.get("org_unit", ""),
        "period": request.GET.get("period", selectors.PERIOD_WEEK),
        "date": request.GET.get("date", ""),
    }


def _report_page(request: HttpRequest, query: dict, *, error: DomainError | None = None, report=None) -> HttpResponse:
    units = selectors.report_org_units(user=request.user)
    context = {
        "units": units,
        "query": query,
        "error": error,
        "field_errors": error.fields if error else {},
        "today": clock.local_today().isoformat(),
        "report": report,
        "headline": summary.headline_rows(report) if report else [],
        "period_label": summary.period_label(report) if report else "",
        "pdf_url": f"{reverse('documents:summary_pdf')}?{urlencode(query)}" if report else "",
    }
    return render(request, "documents/reports.html", context, status=error.status if error else 200)


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """The form; with a query, the headline figures of that period and the link to its PDF."""
    query = _report_query(request)
    try:
        selectors.report_org_unit(user=request.user, org_unit_id=None)  # 403 when the user has no area at all
        if "period" not in request.GET:
            return _report_page(request, query)
        report = _build(request, query)
    except DomainError as exc:
        return _report_page(request, query, error=exc)
    return _report_page(request, query, report=report)


@login_required
@require_GET
def summary_pdf(request: HttpRequest) -> HttpResponse:
    query = _report_query(request)
    try:
        report = _build(request, query)
    except DomainError as exc:
        return _report_page(request, query, error=exc)
    name = f"summary-{report.period.kind}-{report.period.start.isoformat()}-{report.unit.pk}.pdf"
    return pdf_response(summary.summary_pdf(report), name)


def _build(request: HttpRequest, query: dict) -> selectors.SummaryReport:
    unit = selectors.report_org_unit(user=request.user, org_unit_id=query["org_unit"])
    period = selectors.report_period(kind=query["period"], day=query["date"])
    return selectors.summary_report(user=request.user, unit=unit, period=period)
