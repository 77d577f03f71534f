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


# --- No orphaned files when a report's transaction rolls back ----------------------------------

def _stored_files(root) -> list[str]:  # noqa: ANN001
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media_dir(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


def _submission(text: str = "Ảnh chụp tin giả"):  # noqa: ANN202
    from intake.services import ReportSubmission

    image = process_upload(png_bytes((64, 48), (200, 30, 30)), "shot.png")
    return ReportSubmission(channel="api", text=text, images=[image])


@pytest.mark.django_db
def test_a_failed_submission_removes_the_images_it_stored(media_dir, monkeypatch):
    from intake import services

    def outbox_fails(*args, **kwargs):  # noqa: ANN002, ANN003 - after the image was written
        raise RuntimeError("the database refused the outbox row")

    monkeypatch.setattr(services.outbox, "schedule", outbox_fails)
    with pytest.raises(RuntimeError):
        services.submit_report(_submission())
    assert not ReportImage.objects.exists()
    assert _stored_files(media_dir) == []
    monkeypatch.undo()
    report = services.submit_report(_submission())  # the same upload, now stored for real
    stored = ReportImage.objects.get(report=report)
    assert _stored_files(media_dir) == [stored.file.name]


@pytest.mark.django_db
def test_a_losing_idempotent_retry_leaves_no_image_behind(media_dir):
    from intake.api import render_created
    from intake.services import submit_idempotent

    first, replayed = submit_idempotent(_submission(), scope="key:1", key="k-img", body_hash="h",
                                        render=render_created)
    assert not replayed
    # The retry stores its own copy of the image, then finds the key taken and rolls back.
    again, replayed = submit_idempotent(_submission(), scope="key:1", key="k-img", body_hash="h",
                                        render=render_created)
    assert replayed and again == first
    stored = ReportImage.objects.get()
    assert _stored_files(media_dir) == [stored.file.name]


@pytest.mark.django_db
def test_an_idempotent_api_retry_with_an_image_keeps_one_file(web, media_dir):
    def send():  # noqa: ANN202
        image = SimpleUploadedFile("a.png", png_bytes(colour=(10, 200, 10)), content_type="image/png")
        return web.post(API_REPORTS, {"report": json.dumps({"text": "Ảnh"}), "images": [image]},
                        HTTP_IDEMPOTENCY_KEY="img-retry")

    first, again = send(), send()
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert _stored_files(media_dir) == [ReportImage.objects.get().file.name]
