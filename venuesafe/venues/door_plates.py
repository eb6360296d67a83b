"""The door plate (门牌, A5 portrait): the venue's name, its QR code, its grid worker, the three self-check steps.

Plates are hung on doors for residents and merchants, so they are printed in the site's language
(settings.LANGUAGE_CODE, Chinese), whatever language the member of staff printing them browses in.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A5
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from venuesafe.core.pdf import cjk_font_name, draw_qr, fit_text, fits, new_canvas, wrap_text
from venuesafe.selfchecks.models import SelfCheckStep

from .models import Venue

PAGE_WIDTH, PAGE_HEIGHT = A5
MARGIN = 30.0
QR_SIZE = 200.0
NAME_MAX = 32.0
NAME_ONE_LINE_MIN = 22.0
ACCENT = HexColor("#b42318")
INK = HexColor("#1f2328")
MUTED = HexColor("#57606a")


def _rules() -> list[tuple[str, str]]:
    """每日自查三步走: each step's name and one line of what "right" looks like."""
    return [
        (
            SelfCheckStep.EQUIPMENT.label,
            _("Extinguishers in date and charged; gas alarm and shut-off valve working."),
        ),
        (
            SelfCheckStep.WIRING.label,
            _("No makeshift wiring or overloaded sockets; no e-bike batteries charged indoors."),
        ),
        (
            SelfCheckStep.PASSAGES.label,
            _("Exits and escape routes kept clear; nobody sleeps in the shop."),
        ),
    ]


def door_plates_pdf(venues: Iterable[Venue], *, link_for: Callable[[Venue], str], title: str = "") -> bytes:
    """One A5 page per venue. `link_for(venue)` gives the absolute link its QR code holds."""
    buffer = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        canvas = new_canvas(buffer, pagesize=A5, title=title or _("Door plates"), author=_("VenueSafe"))
        for venue in venues:
            _draw_plate(canvas, venue, link_for(venue))
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def _centered(canvas: Canvas, lines: list[str], *, font: str, size: float, top: float, leading: float) -> float:
    """Draws centred lines from `top` (the first baseline is one size below it); returns the y below them."""
    y = top
    for line in lines:
        y -= leading
        canvas.setFont(font, size)
        canvas.drawCentredString(PAGE_WIDTH / 2, y + (leading - size) / 2, line)
    return y


def _draw_plate(canvas: Canvas, venue: Venue, link: str) -> None:
    font = cjk_font_name()
    width = PAGE_WIDTH - 2 * MARGIN

    # Plate edge, to cut along.
    canvas.setStrokeColor(Color(0.75, 0.75, 0.75))
    canvas.setLineWidth(0.5)
    canvas.roundRect(MARGIN / 2, MARGIN / 2, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN, 8, stroke=1, fill=0)

    # Header band.
    top = PAGE_HEIGHT - MARGIN
    band = 30.0
    canvas.setFillColor(ACCENT)
    canvas.roundRect(MARGIN, top - band, width, band, 6, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(font, 14)
    canvas.drawCentredString(PAGE_WIDTH / 2, top - band + 10, _("One code per venue · Daily safety self-check"))
    y = top - band - 12

    # The venue: name, category and community, address.
    canvas.setFillColor(INK)
    # One line if the name fits at a readable size from afar; two smaller lines otherwise.
    name = venue.sign_name
    if fits(name, font=font, size=NAME_ONE_LINE_MIN, width=width):
        size, lines = fit_text(name, font=font, width=width, max_size=NAME_MAX, min_size=NAME_ONE_LINE_MIN)
    else:
        size, lines = fit_text(name, font=font, width=width, max_size=NAME_ONE_LINE_MIN, min_size=14, max_lines=2)
    y = _centered(canvas, lines, font=font, size=size, top=y, leading=size * 1.25)
    category = venue.category
    category_label = f"{category.parent.label} · {category.label}" if category.parent_id else category.label
    canvas.setFillColor(MUTED)
    y = _centered(canvas, [f"{category_label}  |  {venue.community.name}"], font=font, size=11, top=y - 4, leading=15)
    size, address = fit_text(venue.address, font=font, width=width, max_size=11, min_size=9, max_lines=2)
    y = _centered(canvas, address, font=font, size=size, top=y, leading=15)

    # The QR code to the venue's link, and what scanning it does.
    y -= 6
    draw_qr(canvas, link, x=(PAGE_WIDTH - QR_SIZE) / 2, y=y - QR_SIZE, size=QR_SIZE)
    y -= QR_SIZE
    canvas.setFillColor(INK)
    y = _centered(
        canvas, [_("Scan to self-check · Scan to see the venue's details")], font=font, size=13, top=y, leading=18
    )

    # The grid worker: who to call about a problem.
    y -= 8
    box = 30.0
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1)
    canvas.roundRect(MARGIN, y - box, width, box, 5, stroke=1, fill=0)
    worker = venue.grid_worker
    if worker is not None:
        text = _("Grid worker: %(name)s  Tel. %(mobile)s") % {
            "name": worker.display_name,
            "mobile": worker.mobile or "—",
        }
    else:
        text = _("Grid worker: not assigned yet — please ask your community")
    size, lines = fit_text(text, font=font, width=width - 16, max_size=13, min_size=9)
    canvas.setFillColor(INK)
    canvas.setFont(font, size)
    canvas.drawCentredString(PAGE_WIDTH / 2, y - box / 2 - size / 3, lines[0])
    y -= box + 14

    # 每日自查三步走.
    canvas.setFillColor(ACCENT)
    canvas.setFont(font, 13)
    canvas.drawString(MARGIN, y - 13, _("Daily self-check in three steps"))
    y -= 20
    label_size, tip_size = 11.5, 10.0
    for number, (step, tip) in enumerate(_rules(), start=1):
        label = f"{number}. {step}"
        canvas.setFillColor(INK)
        canvas.setFont(font, label_size)
        canvas.drawString(MARGIN, y - label_size, label)
        indent = pdfmetrics.stringWidth(label, font, label_size) + 8
        canvas.setFillColor(MUTED)
        tip_lines = wrap_text(tip, font=font, size=tip_size, width=width - indent)[:2]
        for i, line in enumerate(tip_lines):
            canvas.setFont(font, tip_size)
            canvas.drawString(MARGIN + indent, y - label_size - i * (tip_size + 3), line)
        y -= label_size + 6 + (len(tip_lines) - 1) * (tip_size + 3)
