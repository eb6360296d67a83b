"""Reading the documents back: the door plates' poppler/zxing helpers, plus text in drawing order.

`-layout` text interleaves the lines of neighbouring table cells; `-raw` keeps each cell's lines
together, so a long legal basis that wraps inside its cell can be found whole (spaces removed).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.utils import translation

from venuesafe.documents.pdfkit import DOCUMENT_LANGUAGE
from venuesafe.venues.tests.qr.pdftools import fonts, info, page_texts, qr_codes, save, text

__all__ = ["compact", "dark_pixels", "fonts", "info", "page_texts", "pngs", "qr_codes", "raw", "save", "text", "zh"]


def raw(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def compact(value: str) -> str:
    return re.sub(r"\s+", "", value)


def pngs(pdf: Path, tmp_path: Path, *, dpi: int = 72) -> list[Path]:
    """Every page rendered to PNG by pdftoppm (which must succeed)."""
    prefix = tmp_path / "render"
    result = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return sorted(tmp_path.glob("render-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def dark_pixels(image) -> int:
    """How many pixels are closer to black than to white: text, rules, bars, QR modules."""
    return sum(image.convert("L").histogram()[:128])


def zh(func, *args):
    """A document string as the documents print it (in Chinese once the catalogue holds it)."""
    with translation.override(DOCUMENT_LANGUAGE):
        return str(func(*args))
