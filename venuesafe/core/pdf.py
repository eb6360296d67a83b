"""PDF building blocks shared by every printed document: a Chinese font reportlab can embed, QR codes.

reportlab embeds TrueType outlines only. Noto CJK (the fonts the browser tests use) has CFF
outlines and is refused, so printed documents use WenQuanYi Micro Hei (Debian package
`fonts-wqy-microhei`) or another TrueType CJK font, found here once per process.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

# TrueType CJK fonts as Debian installs them, best first: (path, index of the face in a .ttc).
KNOWN_CJK_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # fonts-droid-fallback
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # fonts-arphic-uming
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),  # fonts-arphic-ukai
)
FONT_PACKAGE = "fonts-wqy-microhei"
# A character every CJK font has; a configured font without it cannot print Chinese.
_PROBE_CHAR = "中"

_lock = threading.Lock()
_registered: dict[tuple[str, int], str] = {}


class PdfFontMissing(ImproperlyConfigured):
    """No font that can print Chinese into a PDF; the message says what to install or set."""


def _configured_font() -> tuple[str, int] | None:
    """settings.PDF_CJK_FONT: a path, optionally ending in `#<face index>` for a .ttc collection."""
    value = (getattr(settings, "PDF_CJK_FONT", "") or "").strip()
    if not value:
        return None
    path, sep, index = value.rpartition("#")
    if sep and index.isdigit():
        return path, int(index)
    return value, 0


def find_cjk_font() -> tuple[str, int]:
    """The (path, face index) of the font to embed: PDF_CJK_FONT if set, else the first known one present."""
    configured = _configured_font()
    if configured is not None:
        if not Path(configured[0]).is_file():
            raise PdfFontMissing(f"PDF_CJK_FONT is set to {configured[0]!r}, but there is no such file.")
        return configured
    for path, index in KNOWN_CJK_FONTS:
        if Path(path).is_file():
            return path, index
    raise PdfFontMissing(
        "No TrueType font with Chinese glyphs was found for PDFs. Install the Debian package "
        f"{FONT_PACKAGE} (apt-get install {FONT_PACKAGE}) or set PDF_CJK_FONT to the path of a "
        "TrueType (.ttf/.ttc) CJK font. Noto CJK cannot be used: reportlab does not embed CFF outlines."
    )


def cjk_font_name() -> str:
    """Registers the CJK font with reportlab (once per font and process) and returns its name for setFont."""
    path, index = find_cjk_font()
    key = (path, index)
    name = _registered.get(key)
    if name is not None:
        return name
    with _lock:
        name = _registered.get(key)
        if name is None:
            try:
                font = TTFont(f"VenueSafeCJK{len(_registered)}", path, subfontIndex=index)
            except TTFError as exc:
                raise PdfFontMissing(
                    f"The font {path!r} cannot be embedded in a PDF ({exc}). Use a TrueType CJK font such as "
                    f"the one in the Debian package {FONT_PACKAGE}."
                ) from exc
            if ord(_PROBE_CHAR) not in font.face.charToGlyph:
                raise PdfFontMissing(f"The font {path!r} has no Chinese glyphs; set PDF_CJK_FONT to a CJK font.")
            pdfmetrics.registerFont(font)
            name = font.fontName
            _registered[key] = name
    return name


def new_canvas(buffer: io.BytesIO, *, pagesize: tuple[float, float], title: str = "", author: str = "") -> Canvas:
    """A canvas whose every page starts in the CJK font, so no unembedded base font ends up in the file."""
    font = cjk_font_name()
    canvas = Canvas(buffer, pagesize=pagesize, initialFontName=font, initialFontSize=12, lang="zh-CN")
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("VenueSafe")
    return canvas


# --- text layout ----------------------------------------------------------------------------

# A Latin word (with its trailing spaces) stays whole; every other character may break a line.
_TOKENS = re.compile(r"[0-9A-Za-z][\w.,:;!?'\"()/@&%+-]*\s*|\s+|.", re.UNICODE)
# Closing punctuation never starts a line (禁则): it stays on the line before, a little over the width.
_NO_LINE_START = set("）)】］」』》〉，。、；：！？,.;:!?…%")


def wrap_text(text: str, *, font: str, size: float, width: float) -> list[str]:
    """Breaks text into lines no wider than `width`: between any two Chinese characters, between Latin words."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _TOKENS.findall(paragraph):
            candidate = line + token
            if (
                line
                and token[0] not in _NO_LINE_START
                and pdfmetrics.stringWidth(candidate.rstrip(), font, size) > width
            ):
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def fits(text: str, *, font: str, size: float, width: float, max_lines: int = 1) -> bool:
    """Text fits at this size in max_lines lines, none of them over the width (not even by a comma)."""
    lines = wrap_text(text, font=font, size=size, width=width)
    return len(lines) <= max_lines and all(pdfmetrics.stringWidth(line, font, size) <= width for line in lines)


def fit_text(
    text: str, *, font: str, width: float, max_size: float, min_size: float, max_lines: int = 1
) -> tuple[float, list[str]]:
    """The largest size (from max_size down to min_size) at which text fits in max_lines lines of `width`.

    Text too long even at min_size is cut after max_lines lines, with an ellipsis.
    """
    size = max_size
    while size > min_size:
        if fits(text, font=font, size=size, width=width, max_lines=max_lines):
            return size, wrap_text(text, font=font, size=size, width=width)
        size -= 1
    lines = wrap_text(text, font=font, size=min_size, width=width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsize(" ".join(lines[max_lines - 1 :]), font, min_size, width)]
    return min_size, lines


def _ellipsize(text: str, font: str, size: float, width: float) -> str:
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


# --- QR codes -------------------------------------------------------------------------------


def qr_code(data: str) -> segno.QRCode:
    """A regular QR code (never a Micro QR: phone cameras do not all read those), error level M or better."""
    return segno.make(data, error="m", micro=False, boost_error=True)


def qr_png(data: str, *, scale: int = 8, border: int = 4) -> bytes:
    """The QR code as a PNG (black on white, with the 4-module quiet zone the standard asks for)."""
    buffer = io.BytesIO()
    qr_code(data).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def _dark_runs(matrix: Iterable[Iterable[int]]) -> Iterable[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    for r, row in enumerate(matrix):
        start = None
        c = -1
        for c, dark in enumerate(row):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                yield r, start, c - start
                start = None
        if start is not None:
            yield r, start, c + 1 - start


def draw_qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """Draws the QR code as vector squares in the box (x, y, size) — bottom-left corner — quiet zone included.

    Vectors stay sharp at any print resolution; one filled path keeps adjacent modules seamless.
    """
    qr = qr_code(data)
    border = 4
    modules = qr.symbol_size(scale=1, border=border)[0]
    unit = size / modules
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    top = y + size
    for r, c, n in _dark_runs(qr.matrix_iter(scale=1, border=border)):
        path.rect(x + c * unit, top - (r + 1) * unit, n * unit, unit)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
