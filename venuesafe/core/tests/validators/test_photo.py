"""validate_photo: real images pass; anything else is refused with a code."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from venuesafe.core.validators import validate_photo


def _image_bytes(fmt: str, size=(320, 240), mode="RGB") -> bytes:
    buf = io.BytesIO()
    # Noise, so the compressed data is long enough to cut in the middle of the image data.
    Image.effect_noise(size, 60).convert(mode).save(buf, format=fmt)
    return buf.getvalue()


def _upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _refused_code(file) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_photo(file)
    return exc.value.code


@pytest.mark.parametrize(
    ("fmt", "mode", "name"),
    [("JPEG", "RGB", "a.jpg"), ("JPEG", "L", "grey.jpg"), ("PNG", "RGBA", "a.png"), ("WEBP", "RGB", "a.webp")],
)
def test_validate_photo__real_images_pass(fmt, mode, name):
    upload = _upload(_image_bytes(fmt, mode=mode), name=name)
    validate_photo(upload)
    assert upload.tell() == 0  # left ready to be saved


def test_validate_photo__none_is_fine():
    validate_photo(None)


def test_validate_photo__text_file_named_jpg_refused():
    assert _refused_code(_upload(b"This is not a photo.\n" * 20, name="photo.jpg")) == "photo_not_image"


def test_validate_photo__empty_file_refused():
    assert _refused_code(_upload(b"", name="photo.jpg")) == "photo_not_image"


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_validate_photo__truncated_jpeg_refused(keep):
    data = _image_bytes("JPEG")
    assert _refused_code(_upload(data[: int(len(data) * keep)])) == "photo_not_image"


def test_validate_photo__truncated_png_refused():
    data = _image_bytes("PNG")
    assert _refused_code(_upload(data[: len(data) // 2], name="a.png")) == "photo_not_image"


def test_validate_photo__other_image_formats_refused():
    assert _refused_code(_upload(_image_bytes("BMP"), name="a.bmp")) == "photo_format"


def test_validate_photo__oversized_refused(settings):
    data = _image_bytes("JPEG")
    settings.PHOTO_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as exc:
        validate_photo(_upload(data))
    assert exc.value.code == "photo_too_large"
    settings.PHOTO_MAX_BYTES = len(data)
    validate_photo(_upload(data))


def test_validate_photo__too_many_pixels_refused(monkeypatch):
    monkeypatch.setattr("venuesafe.core.validators.MAX_IMAGE_PIXELS", 100 * 100)
    assert _refused_code(_upload(_image_bytes("PNG", size=(101, 100)), name="a.png")) == "photo_too_many_pixels"
