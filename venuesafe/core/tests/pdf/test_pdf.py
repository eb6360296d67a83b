"""core.pdf: the Chinese font every printed document embeds, text layout, QR codes."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics

from venuesafe.core import pdf

WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


# --- the font -------------------------------------------------------------------------------


def test_find_cjk_font__default__wenquanyi_micro_hei(settings):
    settings.PDF_CJK_FONT = ""
    assert pdf.find_cjk_font() == (WQY, 0)


def test_find_cjk_font__none_installed__names_the_package_to_install(settings, monkeypatch, tmp_path):
    settings.PDF_CJK_FONT = ""
    monkeypatch.setattr(pdf, "KNOWN_CJK_FONTS", ((str(tmp_path / "missing.ttc"), 0),))
    with pytest.raises(pdf.PdfFontMissing, match="fonts-wqy-microhei") as exc:
        pdf.find_cjk_font()
    assert "PDF_CJK_FONT" in str(exc.value)


def test_find_cjk_font__setting_wins_and_takes_a_face_index(settings):
    settings.PDF_CJK_FONT = f"{WQY}#1"
    assert pdf.find_cjk_font() == (WQY, 1)


def test_find_cjk_font__setting_names_a_missing_file__says_so(settings, tmp_path):
    settings.PDF_CJK_FONT = str(tmp_path / "nope.ttf")
    with pytest.raises(pdf.PdfFontMissing, match=r"PDF_CJK_FONT is set to .*nope\.ttf"):
        pdf.find_cjk_font()


@pytest.mark.skipif(not Path(NOTO_CJK).is_file(), reason="Noto CJK not installed")
def test_cjk_font_name__cff_font__refused_with_what_to_use(settings):
    settings.PDF_CJK_FONT = NOTO_CJK
    with pytest.raises(pdf.PdfFontMissing, match=r"cannot be embedded.*fonts-wqy-microhei"):
        pdf.cjk_font_name()


@pytest.mark.skipif(not Path(DEJAVU).is_file(), reason="DejaVu not installed")
def test_cjk_font_name__font_without_chinese__refused(settings):
    settings.PDF_CJK_FONT = DEJAVU
    with pytest.raises(pdf.PdfFontMissing, match="no Chinese glyphs"):
        pdf.cjk_font_name()


def test_cjk_font_name__registered_once(settings):
    settings.PDF_CJK_FONT = ""
    name = pdf.cjk_font_name()
    assert pdf.cjk_font_name() == name
    assert pdfmetrics.stringWidth("中文", name, 10) == pytest.approx(20, abs=0.5)


def test_new_canvas__chinese_text__only_embedded_fonts(settings, tmp_path):
    settings.PDF_CJK_FONT = ""
    buffer = io.BytesIO()
    canvas = pdf.new_canvas(buffer, pagesize=A4, title="整改通知书")
    canvas.drawString(72, 700, "整改通知书：灭火器过期")
    canvas.showPage()
    canvas.save()
    path = tmp_path / "notice.pdf"
    path.write_bytes(buffer.getvalue())

    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "整改通知书：灭火器过期" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert len(rows) == 1 and "WenQuanYi" in rows[0]
    assert rows[0].split()[-5] == "yes"  # emb
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "整改通知书" in info  # the title, for the viewer's window


# --- text layout ----------------------------------------------------------------------------


@pytest.fixture
def font(settings):
    settings.PDF_CJK_FONT = ""
    return pdf.cjk_font_name()


def test_wrap_text__chinese__breaks_between_any_characters(font):
    # 10 pt Chinese characters are 10 pt wide: 4 to a 45 pt line.
    assert pdf.wrap_text("一二三四五六七八九", font=font, size=10, width=45) == ["一二三四", "五六七八", "九"]


def test_wrap_text__closing_punctuation__never_starts_a_line(font):
    lines = pdf.wrap_text("一二三四。五六", font=font, size=10, width=45)
    assert lines == ["一二三四。", "五六"]


def test_wrap_text__latin_words__kept_whole(font):
    lines = pdf.wrap_text("Check the extinguishers", font=font, size=10, width=60)
    assert all(" " not in line.strip() or line.count(" ") < 2 for line in lines)
    assert " ".join(lines) == "Check the extinguishers"
    assert "extinguishers" in lines


def test_fit_text__shrinks_until_it_fits(font):
    size, lines = pdf.fit_text("一二三四五六七八九十", font=font, width=100, max_size=30, min_size=8)
    assert size == 10 and lines == ["一二三四五六七八九十"]


def test_fit_text__too_long_even_at_min_size__cut_with_an_ellipsis(font):
    size, lines = pdf.fit_text("一" * 50, font=font, width=100, max_size=12, min_size=10, max_lines=2)
    assert size == 10 and len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(pdfmetrics.stringWidth(line, font, size) <= 100 for line in lines)


# --- QR codes -------------------------------------------------------------------------------


def test_qr_png__decodes_to_the_link():
    link = "https://safe.example.cn/q/n2w4mN94EEAQh6Ix/"
    png = pdf.qr_png(link)
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as image:
        found = zxingcpp.read_barcodes(image)
    assert [(b.format, b.text) for b in found] == [(zxingcpp.BarcodeFormat.QRCode, link)]


def test_qr_code__never_micro_qr():
    # A short text would fit a Micro QR, which many phone cameras cannot read.
    assert not pdf.qr_code("x").is_micro
