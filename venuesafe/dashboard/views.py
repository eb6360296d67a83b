"""The big screen page (大屏): a full-screen, dark page for a 1920×1080 display.

The first summary is rendered into the HTML (tiles, tables, feed) so the page is useful before
its script runs; static/js/screen.js then polls the summary API with the change marker and
redraws. Thin: pick the unit, call dashboard.selectors, format, render.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from venuesafe.accounts.models import User
from venuesafe.org.models import OrgUnit
from venuesafe.risk.models import RiskLevel

from . import selectors


def figure_help() -> dict[str, str]:
    """How each figure is computed; the same definitions as dashboard.selectors' docstring."""
    return {
        "venues.archived": _(
            "Every venue in the archive of this area, deregistered venues included (their file is kept)."
        ),
        "venues.completeness_rate": _(
            "Venues not deregistered with all five elements present (shop sign name, category, address, "
            "photo, licence), divided by the venues not deregistered."
        ),
        "inspections.today": _("Inspections ended since 00:00 today, Shanghai time."),
        "inspections.this_month": _("Inspections ended since 00:00 on the 1st of this month, Shanghai time."),
        "hazards.found_this_year": _("Hazards found since 1 January (Shanghai time); withdrawn hazards do not count."),
        "hazards.closed_this_year": _(
            "Hazards closed (review passed) since 1 January (Shanghai time); withdrawn hazards do not count."
        ),
        "hazards.open": _("Hazards now neither closed nor withdrawn."),
        "hazards.overdue": _("Open hazards whose rectification deadline has passed."),
        "hazards.mean_rectification_hours": _(
            "Mean time from found to closed, in hours, over the hazards closed this year."
        ),
        "hazards.on_time_rate": _(
            "Of the hazards closed this year, the share closed by their deadline (no deadline counts as on time)."
        ),
        "self_checks.rate": _(
            "Venues in business with a merchant bound that punched in today, divided by those venues."
        ),
        "risk_levels": _("Venues in business per risk level of their latest risk score."),
        "daily": _("Hazards found and hazards closed per day over the last 30 days (Shanghai days)."),
        "top_hazard_types": _("The hazard types found most often since 1 January; withdrawn hazards do not count."),
        "communities": _(
            "Each community's figures this year. Ranked by on-time rate, then fewest overdue, then most "
            "closed; communities without closings rank last."
        ),
        "map": _(
            "Venues in business with a location, coloured by their risk level or by their open hazards. "
            "Refreshed every five minutes."
        ),
        "feed": _("The latest inspections, hazards found and hazards closed, newest first."),
    }


# (figure key, format). The key is the summary's "section.field"; formats are shared with screen.js.
KPIS = (
    ("venues.archived", "int"),
    ("venues.completeness_rate", "percent"),
    ("inspections.today", "int"),
    ("inspections.this_month", "int"),
    ("hazards.found_this_year", "int"),
    ("hazards.closed_this_year", "int"),
    ("hazards.open", "int"),
    ("hazards.overdue", "int"),
    ("hazards.mean_rectification_hours", "hours"),
    ("hazards.on_time_rate", "percent"),
    ("self_checks.rate", "percent"),
)


def kpi_labels() -> dict[str, str]:
    # Spelled out so makemessages finds every label.
    return {
        "venues.archived": _("Venues archived"),
        "venues.completeness_rate": _("Five-element completeness"),
        "inspections.today": _("Inspections today"),
        "inspections.this_month": _("Inspections this month"),
        "hazards.found_this_year": _("Hazards found this year"),
        "hazards.closed_this_year": _("Hazards closed this year"),
        "hazards.open": _("Hazards open"),
        "hazards.overdue": _("Overdue"),
        "hazards.mean_rectification_hours": _("Mean rectification time"),
        "hazards.on_time_rate": _("Closed on time"),
        "self_checks.rate": _("Punch-in rate today"),
    }


# Sub-lines under some tiles: (numerator, denominator) in the summary.
KPI_PARTS = {
    "venues.completeness_rate": ("venues.complete", "venues.in_business"),
    "hazards.on_time_rate": ("hazards.closed_on_time", "hazards.closed_this_year"),
    "self_checks.rate": ("self_checks.punched", "self_checks.expected"),
}


def strings() -> dict[str, str]:
    """The words screen.js writes; formats use %(name)s placeholders, filled in by the script."""
    return {
        "hours": _("%(hours)s h"),
        "parts": _("%(part)s of %(whole)s"),
        "live": _("Live"),
        "reconnecting": _("Reconnecting…"),
        "expired": _("Your session has ended or you may no longer watch this screen. Log in again to continue."),
        "signedOut": _("Signed out"),
        "found": pgettext("figures", "Found"),
        "closed": pgettext("figures", "Closed"),
        "inspection": pgettext("feed", "Inspection"),
        "feed_found": pgettext("feed", "Hazard found"),
        "feed_closed": pgettext("feed", "Closed"),
        "byRisk": _("Risk level"),
        "byOpen": _("Open hazards"),
        "noVenues": _("No located venues"),
        "noData": _("No data yet"),
        "updated": _("Updated %(time)s"),
        "openHazards": _("%(n)s open hazards"),
        "none": _("No risk score"),
        **{f"risk_{level.value}": str(level.label) for level in RiskLevel},
    }


def _get(summary: dict, key: str):
    section, field = key.split(".")
    return summary[section][field]


def format_figure(value, fmt: str) -> str:
    """The same text screen.js writes (Intl.NumberFormat: "1,234", "91.5%"), so the first paint matches."""
    if value is None:
        return "—"
    if fmt == "percent":
        # ICU rounds the shortest decimal form half up (0.9135 → 91.4%); so do we.
        percent = (Decimal(repr(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{percent}%"
    if fmt == "hours":
        hours = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return _("%(hours)s h") % {"hours": f"{hours:,}"}
    return f"{value:,}"


def kpi_tiles(summary: dict) -> list[dict]:
    labels, helps = kpi_labels(), figure_help()
    tiles = []
    for key, fmt in KPIS:
        value = _get(summary, key)
        tile = {
            "key": key,
            "label": labels[key],
            "help": helps[key],
            "format": fmt,
            "value": value,
            "text": format_figure(value, fmt),
            "sub": "",
        }
        if key in KPI_PARTS:
            part, whole = (_get(summary, k) for k in KPI_PARTS[key])
            tile["sub"] = _("%(part)s of %(whole)s") % {"part": f"{part:,}", "whole": f"{whole:,}"}
            tile["parts"] = ",".join(KPI_PARTS[key])
        tiles.append(tile)
    return tiles


def community_rows(summary: dict) -> list[dict]:
    rows = []
    for c in summary["communities"]:
        row = dict(c)
        for field in ("venues", "found_this_year", "closed_this_year", "open", "overdue"):
            row[f"{field}_text"] = format_figure(c[field], "int")
        row["on_time_text"] = format_figure(c["on_time_rate"], "percent")
        row["completeness_text"] = format_figure(c["completeness_rate"], "percent")
        rows.append(row)
    return rows


def _js_locale() -> str:
    return "zh-CN" if (translation.get_language() or "").startswith("zh") else "en"


def _no_screen(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/no_screen.html", status=403)


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    raw = request.GET.get("org_unit") or None
    units: list[OrgUnit] = selectors.screen_org_units(user=user)
    if not units or (raw is not None and not raw.isdigit()):
        return _no_screen(request)
    try:
        unit = selectors.screen_org_unit(user=user, org_unit_id=int(raw) if raw else None)
    except selectors.NotOnScreen:
        return _no_screen(request)
    marker = selectors.change_marker(user, unit)
    summary = selectors.screen_summary(user=user, unit=unit)
    risk_labels = {level.value: level.label for level in RiskLevel}
    config = {
        "summaryUrl": reverse("api-dashboard-summary"),
        "mapUrl": reverse("api-dashboard-map"),
        "loginUrl": reverse("accounts:login"),
        "orgUnit": unit.pk,
        "marker": marker,
        "pollSeconds": settings.DASHBOARD_POLL_SECONDS,
        "fullRefreshSeconds": settings.DASHBOARD_FULL_REFRESH_SECONDS,
        "mapRefreshSeconds": 300,
        "locale": _js_locale(),
        "timeZone": settings.TIME_ZONE,
        "strings": strings(),
    }
    return render(
        request,
        "dashboard/screen.html",
        {
            "unit": unit,
            "units": units,
            "summary": summary,
            "tiles": kpi_tiles(summary),
            "help": {key.replace(".", "_"): text for key, text in figure_help().items()},
            "communities": community_rows(summary),
            "risk_levels": [
                {"level": level, "label": risk_labels[level], "count": count}
                for level, count in summary["risk_levels"].items()
            ],
            "screen_config": config,
        },
    )
