"""The weekly / monthly summary report (安全工作周报 / 月报, A4, as many pages as it needs):
headline figures, found vs closed per day, top hazard types, the communities, the overdue orders
now and the orders escalated during the period.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from venuesafe.core.pdf import cjk_font_name
from venuesafe.hazards.models import EscalationLevel, HazardState

from . import pdfkit
from .pdfkit import DOCUMENT_LANGUAGE, content_width, para, table
from .selectors import PERIOD_WEEK, REPORT_LIST_CAP, SummaryReport


def local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value is not None else "—"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def hours(value: float | None) -> str:
    return "—" if value is None else _("%(h)s h") % {"h": f"{value:.1f}"}


def report_title(report: SummaryReport) -> str:
    if report.period.kind == PERIOD_WEEK:
        return _("%(unit)s weekly safety report") % {"unit": report.unit.name}
    return _("%(unit)s monthly safety report") % {"unit": report.unit.name}


def period_label(report: SummaryReport) -> str:
    p = report.period
    if p.kind == PERIOD_WEEK:
        year, week = p.iso_week
        return _("%(start)s to %(end)s (week %(week)d of %(year)d)") % {
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
            "week": week,
            "year": year,
        }
    return _("%(start)s to %(end)s (%(month)s)") % {
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "month": p.start.strftime("%Y-%m"),
    }


def headline_rows(report: SummaryReport) -> list[tuple[str, str]]:
    """(label, value) of each headline figure, in print order. Tests read the PDF back against these."""
    loop = report.loop
    v = report.venues
    return [
        (_("Hazards found"), str(loop.found)),
        (_("Hazards closed"), str(loop.closed)),
        (_("Closed on time"), percent(loop.on_time_rate)),
        (_("Mean rectification time"), hours(loop.mean_hours)),
        (_("Open now"), str(loop.open)),
        (_("Overdue now"), str(loop.overdue)),
        (_("Inspections"), str(report.inspections)),
        (_("Self-check punch-in rate"), percent(report.punch_in_rate)),
        (_("Venues archived"), str(v["archived"])),
        (_("Five-element completeness"), percent(v["completeness_rate"])),
    ]


def summary_pdf(report: SummaryReport) -> bytes:
    with translation.override(DOCUMENT_LANGUAGE):
        title = report_title(report)
        generated = local(report.generated_at)
        return pdfkit.build_pdf(
            _story(report, title),
            title=title,
            author=report.unit.name,
            footer=lambda page: (
                _("%(title)s · %(period)s · generated %(at)s · page %(page)d")
                % {
                    "title": title,
                    "period": f"{report.period.start.isoformat()} – {report.period.end.isoformat()}",
                    "at": generated,
                    "page": page,
                }
            ),
        )


def _story(report: SummaryReport, title: str) -> list:
    width = content_width()
    story: list = [
        para(title, "title"),
        para(period_label(report), "subtitle"),
        para(_("Generated %(at)s (Asia/Shanghai)") % {"at": local(report.generated_at)}, "subtitle"),
        Spacer(1, 5 * mm),
        para(_("Headline figures"), "h2"),
        _headline_table(report, width),
        Spacer(1, 1 * mm),
        para(_definitions(report), "small"),
    ]

    story += [
        KeepTogether([para(_("Hazards found and closed per day"), "h2"), _daily_chart(report, width)]),
    ]
    if report.top_hazard_types:
        story.append(
            KeepTogether([para(_("Top hazard types found in the period"), "h2"), _top_types_chart(report, width)])
        )

    story.append(para(_("Communities"), "h2"))
    story.append(_communities_table(report, width))

    story.append(para(_("Overdue work orders now (%(n)d)") % {"n": report.overdue_total}, "h2"))
    story.append(_order_list(report.overdue, width, escalated=False) if report.overdue else para(_("None.")))
    if report.overdue_total > len(report.overdue):
        story.append(para(_capped(report.overdue_total), "small"))

    story.append(para(_("Work orders escalated in the period (%(n)d)") % {"n": report.escalated_total}, "h2"))
    story.append(_order_list(report.escalated, width, escalated=True) if report.escalated else para(_("None.")))
    if report.escalated_total > len(report.escalated):
        story.append(para(_capped(report.escalated_total), "small"))
    return story


def _capped(total: int) -> str:
    return _("The first %(cap)d of %(n)d are listed; the hazard ledger export holds them all.") % {
        "cap": REPORT_LIST_CAP,
        "n": total,
    }


def _definitions(report: SummaryReport) -> str:
    days = ngettext(
        "the daily rate averaged over %(n)d day of the period so far",
        "the daily rate averaged over %(n)d days of the period so far",
        report.punch_in_days,
    ) % {"n": report.punch_in_days}
    return _(
        "Found and closed: hazards found / closed in the period (withdrawn orders count nowhere). On time: closed by "
        "the deadline, of those closed. Rectification time: found to closed, of those closed. Open and overdue: "
        "now (overdue = open past the deadline). Punch-in rate: venues with a merchant account that punched in, "
        "%(days)s. Completeness: venues in business with all five elements. Venues archived: every venue in the "
        "archive, deregistered ones too."
    ) % {"days": days}


def _headline_table(report: SummaryReport, width: float):
    rows = headline_rows(report)
    cells = []
    # Two figures a row: label, value, label, value.
    for i in range(0, len(rows), 2):
        pair = rows[i : i + 2]
        row = []
        for label, value in pair:
            row += [para(label), para(value, "figure")]
        while len(row) < 4:
            row.append("")
        cells.append(row)
    label_w = width * 0.3
    return table(
        cells,
        widths=[label_w, width / 2 - label_w, label_w, width / 2 - label_w],
        header_rows=0,
        extra=[
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (0, -1), pdfkit.HEAD_FILL),
            ("BACKGROUND", (2, 0), (2, -1), pdfkit.HEAD_FILL),
        ],
    )


def _drawing(width: float, height: float, font: str) -> Drawing:
    # The renderer starts every drawing in its default base font unless told otherwise; an
    # unembedded Helvetica would then appear in the file.
    d = Drawing(width, height)
    d.initialFontName = font
    d.initialFontSize = 8
    return d


def _style_axis_labels(axis, font: str, size: float = 7) -> None:
    axis.labels.fontName = font
    axis.labels.fontSize = size
    axis.labels.fillColor = pdfkit.INK


def _daily_chart(report: SummaryReport, width: float) -> Drawing:
    font = cjk_font_name()
    height = 62 * mm
    d = _drawing(width, height, font)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 30
    chart.width, chart.height = width - 40, height - 52
    found = [r["found"] for r in report.daily]
    closed = [r["closed"] for r in report.daily]
    chart.data = [found, closed]
    many = len(report.daily) > 10
    chart.categoryAxis.categoryNames = [
        (r["day"].strftime("%d") if many else r["day"].strftime("%m-%d")) for r in report.daily
    ]
    _style_axis_labels(chart.categoryAxis, font)
    _style_axis_labels(chart.valueAxis, font)
    chart.valueAxis.valueMin = 0
    top = max([*found, *closed, 1])
    chart.valueAxis.valueMax = top + max(1, top // 10)
    chart.valueAxis.valueStep = max(1, round(top / 5))
    chart.bars[0].fillColor = pdfkit.FOUND_COLOUR
    chart.bars[1].fillColor = pdfkit.CLOSED_COLOUR
    chart.bars.strokeColor = None
    chart.barSpacing = 0.5
    chart.groupSpacing = 2 if many else 6
    d.add(chart)

    legend = Legend()
    legend.fontName = font
    legend.fontSize = 8
    legend.x, legend.y = 30, height - 6
    legend.dx = legend.dy = 7
    legend.columnMaximum = 1
    legend.deltax = 70
    legend.alignment = "right"
    legend.colorNamePairs = [
        (pdfkit.FOUND_COLOUR, pgettext("figures", "Found")),
        (pdfkit.CLOSED_COLOUR, pgettext("figures", "Closed")),
    ]
    d.add(legend)
    if many:
        d.add(String(width - 4, 8, _("day of the month"), fontName=font, fontSize=7, textAnchor="end"))
    return d


def _top_types_chart(report: SummaryReport, width: float) -> Drawing:
    font = cjk_font_name()
    rows = list(reversed(report.top_hazard_types))  # the bar chart draws from the bottom up
    bar = 14
    height = bar * len(rows) + 26
    d = _drawing(width, height, font)
    chart = HorizontalBarChart()
    label_w = width * 0.45
    chart.x, chart.y = label_w, 16
    chart.width, chart.height = width - label_w - 20, bar * len(rows)
    chart.data = [[r["found"] for r in rows]]
    chart.categoryAxis.categoryNames = [_short(f"{r['code']} {r['name']}", 26) for r in rows]
    _style_axis_labels(chart.categoryAxis, font, 7.5)
    _style_axis_labels(chart.valueAxis, font)
    chart.valueAxis.valueMin = 0
    top = max([r["found"] for r in rows] + [1])
    chart.valueAxis.valueMax = top + max(1, top // 10)
    chart.valueAxis.valueStep = max(1, round(top / 5))
    chart.bars[0].fillColor = pdfkit.BAR_COLOUR
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    return d


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _communities_table(report: SummaryReport, width: float):
    head = [
        _("Community"),
        _("Venues"),
        _("Completeness"),
        pgettext("figures", "Found"),
        pgettext("figures", "Closed"),
        _("Closed on time"),
        _("Open now"),
        _("Overdue now"),
    ]
    rows = [
        head,
        *(
            [
                r["name"],
                str(r["venues"]),
                percent(r["completeness_rate"]),
                str(r["found"]),
                str(r["closed"]),
                percent(r["on_time_rate"]),
                str(r["open"]),
                str(r["overdue"]),
            ]
            for r in report.communities
        ),
    ]
    if len(rows) == 1:
        rows.append([_("No venues or hazards in this area."), "", "", "", "", "", "", ""])
    first = width * 0.28
    rest = (width - first) / 7
    return table(rows, widths=[first] + [rest] * 7)


def _order_list(items: list[dict], width: float, *, escalated: bool):
    head = [_("Venue"), _("Community"), _("Hazard"), _("Deadline"), _("Days overdue"), _("Escalated to")]
    if escalated:
        head = [_("Escalated at"), *head, _("State now")]
    rows = [head]
    for item in items:
        days = item["days_overdue"]
        row = [
            item["venue"],
            item["community"],
            f"{item['hazard_type'].code} {item['hazard_type'].name}",
            local(item["deadline"]),
            "—" if days is None else str(days),
            _level(item["escalation_level"]),
        ]
        if escalated:
            row = [local(item["at"]), *row, HazardState(item["state"]).label]
        rows.append(row)
    if escalated:
        widths = [22, 30, 18, 40, 22, 14, 16, 12]
    else:
        widths = [36, 22, 50, 26, 16, 24]
    scale = width / (sum(widths) * mm)
    return table(rows, widths=[w * mm * scale for w in widths])


def _level(level: int) -> str:
    try:
        return str(EscalationLevel(level).label)
    except ValueError:
        return str(level)
