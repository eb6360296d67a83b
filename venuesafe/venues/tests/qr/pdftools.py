"""Reading a PDF back the way a person would: its text, its fonts, its pages, the QR codes a camera sees.

Uses poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm) and zxing-cpp; scripts/ensure-system-deps installs poppler.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def save(content: bytes, tmp_path: Path, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def text(pdf: Path) -> str:
    return _run("pdftotext", "-layout", str(pdf), "-")


def page_texts(pdf: Path) -> list[str]:
    # pdftotext ends every page with a form feed.
    return text(pdf).split("\f")[:-1]


def info(pdf: Path) -> dict[str, str]:
    rows = (line.split(":", 1) for line in _run("pdfinfo", str(pdf)).splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in rows}


def fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts rows: name, type, and whether the font is embedded ("emb")."""
    lines = _run("pdffonts", str(pdf)).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the flags are the 5th to 3rd fields from the end.
        found.append({"name": parts[0], "line": line, "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return found


def qr_codes(pdf: Path, tmp_path: Path, *, dpi: int = 150) -> list[list[str]]:
    """The QR codes zxing reads on each page, rendered at `dpi` (one list per page)."""
    prefix = tmp_path / "page"
    _run("pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix))
    pages = sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    found = []
    for page in pages:
        with Image.open(page) as image:
            found.append([b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode])
    return found
