"""Platypus building blocks for the A4 documents: CJK paragraph styles, tables, a QR flowable, the page frame.

Every piece of text is set in the embedded CJK font from core/pdf.py (also the canvas's initial font),
so no unembedded base-14 font ends up in the file and the documents print the same everywhere.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import cache

from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from venuesafe.core.pdf import cjk_font_name, draw_qr

# Official documents are Chinese papers (a notice is served on a merchant in China; a report goes
# into the street's files), so they are rendered in Chinese whatever language the reader browses in.
# The strings stay gettext msgids with English sources: one catalogue, one source of truth.
DOCUMENT_LANGUAGE = "zh-hans"

MARGIN = 18 * mm
INK = colors.HexColor("#1f2328")
MUTED = colors.HexColor("#57606a")
ACCENT = colors.HexColor("#b42318")
GRID = colors.HexColor("#9aa4ae")
HEAD_FILL = colors.HexColor("#eef1f4")
FOUND_COLOUR = colors.HexColor("#d9480f")
CLOSED_COLOUR = colors.HexColor("#2b8a3e")
BAR_COLOUR = colors.HexColor("#1c7ed6")


@cache
def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, textColor=INK, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=TA_CENTER, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=16, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=19, spaceBefore=10, spaceAfter=5, keepWithNext=1),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontSize=8.5, leading=11.5),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "figure": ParagraphStyle("figure", parent=base, fontSize=15, leading=19),
    }


def styles() -> dict[str, ParagraphStyle]:
    return _styles(cjk_font_name())


def escape(text: object) -> str:
    """Paragraph text is a small XML dialect: data (names, notes) must not be read as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text: object, style: str = "base") -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), styles()[style])


def table(
    rows: Sequence[Sequence[object]],
    *,
    widths: Sequence[float],
    header_rows: int = 1,
    style: str = "cell",
    extra: Sequence[tuple] = (),
) -> Table:
    """A ruled table whose header repeats on every page it runs over; plain strings become wrapped paragraphs."""
    cells = [[c if isinstance(c, Flowable) else para(c, style) for c in row] for row in rows]
    t = Table(cells, colWidths=list(widths), repeatRows=header_rows)
    commands = [
        *cell_font(),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_FILL))
    t.setStyle(TableStyle([*commands, *extra]))
    return t


def cell_font() -> list[tuple]:
    """Table draws every cell in its style's font (Helvetica by default), flowable cells too."""
    return [("FONTNAME", (0, 0), (-1, -1), cjk_font_name())]


class QrCode(Flowable):
    """A QR code (vector squares, quiet zone included) as a flowable, `size` points square."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.data = data
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.data, x=0, y=0, size=self.size)


def build_pdf(
    story: list,
    *,
    title: str,
    author: str,
    footer: Callable[[int], str] | None = None,
) -> bytes:
    """Lays the story out on A4 pages in the CJK font; `footer(page number)` is printed at the bottom of each."""
    font = cjk_font_name()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        creator="VenueSafe",
        lang="zh-CN",
        initialFontName=font,
        initialFontSize=10.5,
    )

    def on_page(canvas, document) -> None:
        if footer is None:
            return
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(MUTED)
        with translation.override(DOCUMENT_LANGUAGE):
            canvas.drawCentredString(A4[0] / 2, MARGIN / 2, footer(document.page))
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def content_width() -> float:
    return A4[0] - 2 * MARGIN
