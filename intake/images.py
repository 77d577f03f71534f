"""Uploaded screenshots: accept only real images, re-encode them, drop EXIF/GPS.

Re-encoding from decoded pixels is what removes metadata reliably (and any payload hidden
after the image data); copying the file would keep it. The pixel limit is checked from the
header before any pixel is decoded, so a decompression bomb costs nothing.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40 MP photo is larger than any phone screenshot
MAX_SIDE = 4096  # stored images are scaled down to this longest side
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO", "HEIF"}


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message is shown to the person."""


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


def process_upload(data: bytes, name: str = "") -> ProcessedImage:
    """Validate and re-encode one uploaded file; raise ImageRejected with a clear reason."""
    label = name or _("the file")
    if len(data) > MAX_BYTES:
        raise ImageRejected(_("%(name)s is larger than 5 MB.") % {"name": label})
    if not data:
        raise ImageRejected(_("%(name)s is empty.") % {"name": label})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ACCEPTED_FORMATS:
                    raise ImageRejected(_("%(name)s is not a supported image (JPEG, PNG, WebP, GIF).") % {"name": label})
                if width * height > MAX_PIXELS or width <= 0 or height <= 0:
                    raise ImageRejected(_("%(name)s has too many pixels to be a screenshot.") % {"name": label})
                probe.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.seek(0)  # first frame of an animation is enough for a screenshot
                img.load()
                img = ImageOps.exif_transpose(img)
                return _reencode(img, fmt)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_("%(name)s has too many pixels to be a screenshot.") % {"name": label}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(_("%(name)s is not an image or is damaged.") % {"name": label}) from None


def _reencode(img: Image.Image, source_format: str) -> ProcessedImage:
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info)
    out = io.BytesIO()
    if source_format in {"PNG", "GIF", "BMP"} or has_alpha:
        # Screenshots are mostly flat colour: PNG keeps text sharp.
        clean = img.convert("RGBA" if has_alpha else "RGB")
        clean.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        clean = img.convert("RGB")
        clean.save(out, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    content = out.getvalue()
    return ProcessedImage(
        content=content, content_type=content_type, extension=extension,
        width=clean.width, height=clean.height, sha256=hashlib.sha256(content).hexdigest(),
    )
