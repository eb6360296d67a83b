"""Validators for the archive's fields; models, forms and serializers all use these."""

from __future__ import annotations

import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from . import geo

# GB 32100-2015: the 31 characters a unified social credit code may use (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {ch: i for i, ch in enumerate(USCC_ALPHABET)}


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_code(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def validate_uscc(value: str) -> None:
    code = normalize_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="uscc_length",
            params={"count": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in _USCC_VALUES})
    if bad:
        raise ValidationError(
            _("Characters not allowed in a unified social credit code: %(chars)s."),
            code="uscc_alphabet",
            params={"chars": " ".join(bad)},
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong; please check the code."),
            code="uscc_check_digit",
        )


LICENCE_NUMBER_RE = re.compile(r"^[0-9A-Z]{6,32}$")


def validate_other_licence_number(value: str) -> None:
    code = normalize_code(value)
    if not LICENCE_NUMBER_RE.match(code):
        raise ValidationError(
            _("A licence number has 6 to 32 letters and digits."),
            code="licence_format",
        )


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    return value


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 1."), code="mobile_invalid"
        )


def validate_wgs84_in_china(lat: float | None, lng: float | None) -> None:
    """Both or neither; finite; inside mainland China's bounds."""
    if lat is None and lng is None:
        return
    if lat is None or lng is None:
        raise ValidationError(_("Give both latitude and longitude, or neither."), code="coords_incomplete")
    if not (math.isfinite(lat) and math.isfinite(lng)) or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError(_("These are not valid coordinates."), code="coords_malformed")
    if geo.out_of_china(lat, lng):
        raise ValidationError(
            _("The location %(lat).5f, %(lng).5f is outside China. Check the latitude and longitude."),
            code="coords_outside_china",
            params={"lat": lat, "lng": lng},
        )


ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_PIXELS = 60_000_000


def validate_photo(file) -> None:
    """A real JPEG/PNG/WebP/GIF image within the configured size. Raises ValidationError."""
    if file is None:
        return
    limit = settings.PHOTO_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The photo is %(size).1f MB; the limit is %(limit).1f MB."),
            code="photo_too_large",
            params={"size": size / 1_048_576, "limit": limit / 1_048_576},
        )
    try:
        pos = file.tell() if hasattr(file, "tell") else None
        file.seek(0)
        with Image.open(file) as img:
            fmt = img.format
            width, height = img.size
            img.verify()
        if width * height <= MAX_IMAGE_PIXELS:
            # verify() checks little for JPEG or WebP: decode (JPEG at 1/8 scale) so a truncated file is refused.
            file.seek(0)
            with Image.open(file) as img:
                img.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                img.load()
        if pos is not None:
            file.seek(pos)
        else:
            file.seek(0)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The file is not an image we can read. Upload a JPEG, PNG or WebP photo."), code="photo_not_image"
        ) from exc
    if fmt not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Photos must be JPEG, PNG or WebP; this file is %(format)s."),
            code="photo_format",
            params={"format": fmt},
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(_("The photo has too many pixels."), code="photo_too_many_pixels")
