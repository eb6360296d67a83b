"""Reads behind the Open311 GeoReport v2 API: public categories and resident reports, no contact data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from venuesafe.reports import selectors
from venuesafe.reports.models import ReportCategory, ResidentReport

# The spec: "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest."
MAX_WINDOW = dt.timedelta(days=90)
MAX_REQUESTS = 1000


def open311_service_list() -> list[ReportCategory]:
    return list(ReportCategory.objects.filter(is_public=True).order_by("sort_order", "code"))


def open311_service_get(*, service_code: str) -> ReportCategory | None:
    return ReportCategory.objects.filter(is_public=True, code=service_code).first()


def _reports():
    # Everything the output reads, in one query; contact fields are never read by the renderer.
    return ResidentReport.objects.select_related("category", "community", "hazard")


def open311_request_get(*, reference: str) -> ResidentReport | None:
    return _reports().filter(reference=reference).first() if reference else None


def open311_request_list(
    *,
    references: Iterable[str] | None = None,
    service_codes: Iterable[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: Iterable[str] | None = None,
) -> list[ResidentReport]:
    """Reports newest first, at most MAX_REQUESTS. `references` overrides every other filter (the spec)."""
    qs = _reports().order_by("-submitted_at", "-id")
    if references is not None:
        return list(qs.filter(reference__in=list(references))[:MAX_REQUESTS])
    if service_codes:
        qs = qs.filter(category__code__in=list(service_codes))
    if start is not None:
        qs = qs.filter(submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__lte=end)
    if not statuses:
        return list(qs[:MAX_REQUESTS])
    # open/closed follows the hazard loop (selectors.public_status), so it is decided per report;
    # the 90-day window keeps this walk short.
    wanted = set(statuses)
    out: list[ResidentReport] = []
    for report in qs.iterator(chunk_size=500):
        if selectors.public_status(report) in wanted:
            out.append(report)
            if len(out) >= MAX_REQUESTS:
                break
    return out
