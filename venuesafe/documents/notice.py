"""The rectification notice (隐患整改通知书, A4): what an inspection found at a venue, each hazard
with its deadline and legal basis, the two signature lines, and a QR code to the hazards' status.

Document number: <street short name>〔<year of the inspection>〕整改第 <inspection id> 号, e.g.
陈桥〔2026〕整改第 1234 号. The inspection id is unique and never reused, so a notice printed twice
carries the same number and a number leads back to exactly one inspection.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from venuesafe.hazards.models import HazardState, Severity

from . import pdfkit
from .pdfkit import DOCUMENT_LANGUAGE, content_width, para, table
from .selectors import NoticeData

QR_SIZE = 32 * mm


def status_link(inspection, request: HttpRequest | None = None) -> str:
    """The absolute link in the notice's QR code: the inspection's page, which lists each hazard with
    its state and deadline and opens for the venue's merchant as well as for staff.
    PUBLIC_BASE_URL when set (notices printed on an internal host still point at the public site)."""
    path = reverse("inspections:detail", args=[inspection.pk])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is None:
        raise ValueError("PUBLIC_BASE_URL is empty and there is no request to take the host from.")
    return request.build_absolute_uri(path)


def local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value is not None else "—"


def document_number(data: NoticeData) -> str:
    # Translators: a Chinese official document number, e.g. 陈桥〔2026〕整改第 1234 号.
    return _("%(issuer)s [%(year)d] Rectification No. %(number)d") % {
        "issuer": data.issuer_prefix,
        "year": data.year,
        "number": data.inspection.pk,
    }


def notice_pdf(data: NoticeData, *, status_link: str) -> bytes:
    """The notice as PDF bytes; `status_link` is the absolute link its QR code holds."""
    with translation.override(DOCUMENT_LANGUAGE):
        number = document_number(data)
        story = _story(data, number, status_link)
        return pdfkit.build_pdf(
            story,
            title=_("Rectification notice") + " " + number,
            author=data.street.name if data.street else _("VenueSafe"),
            footer=lambda page: _("%(number)s · page %(page)d") % {"number": number, "page": page},
        )


def _story(data: NoticeData, number: str, link: str) -> list:
    inspection = data.inspection
    venue = inspection.venue
    width = content_width()
    story: list = [
        para(_("Rectification notice"), "title"),
        para(number, "subtitle"),
        Spacer(1, 5 * mm),
    ]

    licence = f"{venue.get_licence_kind_display()} {venue.licence_no}".strip() if venue.licence_no else "—"
    operator = venue.operator_name or "—"
    if venue.operator_name and venue.operator_mobile:
        operator = f"{venue.operator_name}（{venue.operator_mobile}）"
    facts = [
        [_("Venue inspected"), venue.sign_name, _("Community"), venue.community.name],
        [_("Address"), venue.address, _("Operator / person in charge"), operator],
        [_("Licence"), licence, _("Category"), venue.category.label],
        [
            _("Inspected at"),
            f"{local(inspection.started_at)} – {local(inspection.ended_at, '%H:%M')}",
            _("Inspector"),
            inspection.inspector.display_name,
        ],
    ]
    label_w, value_w = 26 * mm, width / 2 - 26 * mm
    story.append(
        table(
            facts,
            widths=[label_w, value_w, label_w, value_w],
            header_rows=0,
            style="base",
            extra=[
                ("BACKGROUND", (0, 0), (0, -1), pdfkit.HEAD_FILL),
                ("BACKGROUND", (2, 0), (2, -1), pdfkit.HEAD_FILL),
            ],
        )
    )
    story.append(Spacer(1, 5 * mm))

    addressee = venue.operator_name or venue.sign_name
    story.append(para(_("To %(name)s:") % {"name": addressee}))
    date = local(inspection.ended_at, "%Y-%m-%d")
    if data.items:
        story.append(
            para(
                ngettext(
                    "On %(date)s our staff inspected your premises and found the following hazard:",
                    "On %(date)s our staff inspected your premises and found the following %(n)d hazards:",
                    len(data.items),
                )
                % {"date": date, "n": len(data.items)}
            )
        )
        story.append(Spacer(1, 2 * mm))
        story.append(_hazard_table(data, width))
        story.append(Spacer(1, 3 * mm))
        story.append(
            para(
                _(
                    "Please rectify each hazard above by its deadline. When it is done, upload photos of the fix "
                    "in VenueSafe (scan the code below) or tell your community; an inspector will then re-check it. "
                    "Hazards not rectified in time are escalated and dealt with under the Fire Protection Law of "
                    "the People's Republic of China and the other regulations cited."
                )
            )
        )
        if any(item.hazard.fixed_on_spot for item in data.items):
            story.append(
                para(
                    _(
                        "Hazards marked “fixed on the spot” were corrected during the inspection; they are closed "
                        "once an inspector has confirmed the fix."
                    )
                )
            )
    else:
        story.append(
            para(
                _(
                    "On %(date)s our staff inspected your premises and found no hazards. This notice records the "
                    "inspection; nothing needs to be rectified. Keep up the daily self-checks."
                )
                % {"date": date}
            )
        )

    story.append(Spacer(1, 5 * mm))
    story.append(_closing_block(data, link, width))
    return story


def _deadline_cell(hazard) -> str:
    if hazard.fixed_on_spot:
        text = _("Fixed on the spot")
        if hazard.state == HazardState.CLOSED:
            return text + "\n" + _("re-checked")
        return text
    return local(hazard.deadline)


def _hazard_table(data: NoticeData, width: float) -> Table:
    head = [
        _("No."),
        _("Code"),
        _("Hazard"),
        _("Severity"),
        _("Details"),
        _("Rectify by"),
        _("Legal basis"),
    ]
    rows = [head]
    for n, item in enumerate(data.items, start=1):
        h = item.hazard
        rows.append(
            [
                str(n),
                h.hazard_type.code,
                h.hazard_type.name,  # the catalogue's Chinese name: the paper is Chinese
                Severity(h.severity).label if h.severity in Severity.values else h.severity,
                item.note or "—",
                _deadline_cell(h),
                h.hazard_type.regulation or "—",
            ]
        )
    widths = [9 * mm, 15 * mm, 33 * mm, 12 * mm, 33 * mm, 24 * mm]
    widths.append(width - sum(widths))
    return table(rows, widths=widths)


def _closing_block(data: NoticeData, link: str, width: float) -> KeepTogether:
    """Signatures and the issuing office on the left, the QR code to the hazards' status on the right."""
    date_blank = pgettext("signature date blank", "Date: ______ year ____ month ____ day")
    line = "____________________"
    issuer = data.street.name if data.street else data.inspection.community.name
    left = [
        para(_("Inspector's signature:")),
        para(line),
        para(date_blank),
        Spacer(1, 5 * mm),
        para(_("Signature of the person in charge of the venue:")),
        para(line),
        para(date_blank),
        Spacer(1, 6 * mm),
        para(_("%(issuer)s (seal)") % {"issuer": issuer}, "right"),
        para(local(data.inspection.ended_at, "%Y-%m-%d"), "right"),
    ]
    right = [
        pdfkit.QrCode(link, QR_SIZE),
        Spacer(1, 1 * mm),
        para(_("Scan to follow the rectification of these hazards"), "small"),
        para(link, "small"),
    ]
    right_w = QR_SIZE + 14 * mm
    block = Table([[left, right]], colWidths=[width - right_w, right_w])
    block.setStyle(
        TableStyle(
            [
                *pdfkit.cell_font(),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 14 * mm),
                ("LEFTPADDING", (1, 0), (1, 0), 8 * mm),
            ]
        )
    )
    return KeepTogether(
        [
            block,
            Spacer(1, 3 * mm),
            para(
                _(
                    "The code opens this inspection in VenueSafe: each hazard's state, deadline and the photos of its "
                    "fix (log in with your merchant account). This notice is made out in two copies: one for the "
                    "venue, one kept by the issuing office."
                ),
                "small",
            ),
        ]
    )
