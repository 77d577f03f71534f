"""Accepted screenshots are re-encoded without EXIF/GPS and stored through Django's storage API."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from intake import images
from intake.images import ImageRejected, process_upload
from intake.models import ReportImage

from .conftest import API_REPORTS, FORM, gps_exif, noisy_jpeg, png_bytes, png_declaring

IN_MEMORY = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def _has_no_metadata(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        assert len(img.getexif()) == 0
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(img.info)
    assert b"Exif\x00\x00" not in data
    assert b"PhoneMaker" not in data and b"GPS-7731" not in data


def test_the_test_photo_really_carries_gps():
    with Image.open(io.BytesIO(noisy_jpeg(exif=gps_exif()))) as img:
        gps = img.getexif().get_ifd(0x8825)
        assert gps[1] == "N" and float(gps[2][0]) == 21.0


@pytest.mark.parametrize("make", [
    lambda: noisy_jpeg((160, 120), exif=gps_exif()),  # a photo: stays JPEG
    lambda: _flat_jpeg_with_gps(),  # a screenshot-like picture: becomes PNG
])
def test_reencoding_drops_exif_and_gps(make):
    original = make()
    assert b"Exif" in original
    processed = process_upload(original, "photo.jpg")
    _has_no_metadata(processed.content)


def _flat_jpeg_with_gps() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (250, 250, 250)).save(out, format="JPEG", exif=gps_exif())
    return out.getvalue()


def test_exif_orientation_is_applied_to_the_pixels_before_it_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((80, 40), 50)] * 3).save(out, format="JPEG", exif=exif)
    processed = process_upload(out.getvalue(), "sideways.jpg")
    assert (processed.width, processed.height) == (40, 80)


def test_transparent_png_is_flattened_and_huge_screenshots_are_scaled_down(monkeypatch):
    out = io.BytesIO()
    Image.new("RGBA", (30, 20), (255, 0, 0, 0)).save(out, format="PNG")
    processed = process_upload(out.getvalue(), "clear.png")
    with Image.open(io.BytesIO(processed.content)) as img:
        assert img.mode == "RGB" and img.getpixel((0, 0)) == (255, 255, 255)
    monkeypatch.setattr(images, "MAX_STORED_PIXELS", 100_000)  # small numbers, same rule
    tall = process_upload(png_bytes((240, 1800)), "long.png")
    assert tall.width * tall.height <= 100_000 < 240 * 1800
    assert tall.height / tall.width == pytest.approx(7.5, rel=0.01)  # the shape is kept


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"),
    (b"GIF89a", "not_an_image"),
    (b"%PDF-1.4 not a picture", "not_an_image"),
    (png_declaring(30_000, 30_000), "too_many_pixels"),
    (png_declaring(0x7FFFFFFF, 1), "too_many_pixels"),
])
def test_rejections_carry_a_code(data, code):
    with pytest.raises(ImageRejected) as caught:
        process_upload(data, "x")
    assert caught.value.code == code


def test_a_tiff_is_not_even_opened():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="TIFF")
    with pytest.raises(ImageRejected) as caught:
        process_upload(out.getvalue(), "scan.tiff")
    assert caught.value.code == "not_an_image"


@pytest.mark.django_db
@override_settings(STORAGES=IN_MEMORY)
def test_api_uploads_land_in_the_configured_storage_without_exif(web):
    photo = SimpleUploadedFile("gps.jpg", noisy_jpeg((160, 120), exif=gps_exif()), content_type="image/jpeg")
    response = web.post(API_REPORTS, {"report": json.dumps({"text": "Ảnh có vị trí"}), "images": [photo]})
    assert response.status_code == 201, response.content
    stored = ReportImage.objects.get()
    storage = stored.file.storage
    default_storage.exists("probe")  # resolve the lazy default storage
    assert isinstance(default_storage._wrapped, InMemoryStorage) and storage is default_storage
    assert storage.exists(stored.file.name)
    with storage.open(stored.file.name, "rb") as fh:
        data = fh.read()
    _has_no_metadata(data)
    assert stored.width == 160 and stored.content_type == "image/jpeg"
    assert not (settings.MEDIA_ROOT / stored.file.name).exists()  # nothing written to local disk


@pytest.mark.django_db
@override_settings(STORAGES=IN_MEMORY)
def test_web_uploads_land_in_the_configured_storage_without_exif(web):
    photo = SimpleUploadedFile("gps.jpg", _flat_jpeg_with_gps(), content_type="image/jpeg")
    response = web.post(FORM, {"text": "Ảnh chụp màn hình", "images": [photo]})
    assert response.status_code == 302
    stored = ReportImage.objects.get()
    assert stored.file.storage.exists(stored.file.name)
    with stored.file.storage.open(stored.file.name, "rb") as fh:
        _has_no_metadata(fh.read())
