"""Uploaded screenshots: accept only real images, re-encode them, drop EXIF/GPS.

Re-encoding from decoded pixels is what removes metadata reliably (and any payload hidden
after the image data); copying the file would keep it. The pixel limit is checked from the
header before any pixel is decoded, so a decompression bomb costs nothing. Only the image
formats we accept are even tried, which keeps Pillow's rarer decoders out of reach.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40 MP photo is larger than any phone screenshot
MAX_STORED_PIXELS = 8_000_000  # stored copies are scaled down to this (a long screenshot stays legible)
MAX_STORED_SIDE = 16_000  # JPEG's own limit is 65,535
FLAT_COLOURS = 4096  # fewer distinct colours than this in a sample: text and UI, kept sharp as PNG
OPEN_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP")


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message is shown to the person."""

    def __init__(self, message: str, code: str = "invalid_image"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


def display_name(name: str) -> str:
    """A file name safe to repeat in a message: no path, no control characters, not too long."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return clean[:60] + ("…" if len(clean) > 60 else "")


def _openable_formats() -> list[str]:
    Image.init()
    return [fmt for fmt in OPEN_FORMATS if fmt in Image.OPEN]


def process_upload(data: bytes, name: str = "") -> ProcessedImage:
    """Validate and re-encode one uploaded file; raise ImageRejected with a clear reason."""
    label = display_name(name) or _("the file")
    if len(data) > MAX_BYTES:
        raise ImageRejected(_("%(name)s is larger than 5 MB.") % {"name": label}, "too_large")
    if not data:
        raise ImageRejected(_("%(name)s is empty.") % {"name": label}, "empty_file")
    too_many_pixels = ImageRejected(
        _("%(name)s has too many pixels to be a screenshot.") % {"name": label}, "too_many_pixels")
    not_an_image = ImageRejected(
        _("%(name)s is not an image we accept (JPEG, PNG, WebP, GIF or BMP), or it is damaged.")
        % {"name": label}, "not_an_image")
    try:
        with Image.open(io.BytesIO(data), formats=_openable_formats()) as probe:
            width, height = probe.size
            if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                raise too_many_pixels
            probe.verify()
        with Image.open(io.BytesIO(data), formats=_openable_formats()) as img:
            img.seek(0)  # the first frame of an animation is enough for a screenshot
            img.load()
            return _reencode(_upright(img))
    except ImageRejected:
        raise
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except Exception:  # noqa: BLE001 - Pillow's decoders raise many types on malformed input
        raise not_an_image from None


def _upright(img: Image.Image) -> Image.Image:
    """Apply the EXIF orientation (the pixels then stand upright without their metadata)."""
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # noqa: BLE001 - a broken orientation tag is no reason to refuse the picture
        return img


def _flatten(img: Image.Image) -> Image.Image:
    """RGB pixels only: transparency is painted on white (a screenshot has none to keep)."""
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    if has_alpha:
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")


def _scaled(img: Image.Image) -> Image.Image:
    width, height = img.size
    scale = min(1.0, (MAX_STORED_PIXELS / (width * height)) ** 0.5, MAX_STORED_SIDE / max(width, height))
    if scale >= 1.0:
        return img
    size = (max(1, int(width * scale)), max(1, int(height * scale)))  # rounded down: never over
    return img.resize(size, Image.Resampling.LANCZOS)


def _is_flat(img: Image.Image) -> bool:
    sample = img if img.width * img.height <= 512 * 512 else img.resize(
        (min(img.width, 512), min(img.height, 512)), Image.Resampling.NEAREST)
    return sample.getcolors(FLAT_COLOURS) is not None


def _reencode(img: Image.Image) -> ProcessedImage:
    """Encode fresh pixels: PNG keeps text and UI sharp, JPEG keeps photos small and fast."""
    clean = _scaled(_flatten(img))
    out = io.BytesIO()
    if _is_flat(clean):
        clean.save(out, format="PNG", compress_level=6)
        content_type, extension = "image/png", "png"
    else:
        clean.save(out, format="JPEG", quality=85)
        content_type, extension = "image/jpeg", "jpg"
    content = out.getvalue()
    return ProcessedImage(
        content=content, content_type=content_type, extension=extension,
        width=clean.width, height=clean.height, sha256=hashlib.sha256(content).hexdigest(),
    )
