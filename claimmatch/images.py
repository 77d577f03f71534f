"""Perceptual hashes of screenshots, so that the same screenshot reported twice matches.

A rumour is often reported as a screenshot of a post. Each citizen's copy differs in
bytes: another phone adds its status bar, crops differently, rescales, recompresses as
JPEG, or shows the app in dark mode. The hash below survives the variations that
``bench/screenshots.py`` measured it to survive (see docs/benchmarks.md for which, and
for the ones it does not), and the distance threshold is the one that benchmark chose
on held-out data.

Untrusted bytes: images larger than ``MAX_PIXELS`` or ``MAX_BYTES`` and anything Pillow
cannot decode raise :class:`ImageError` with a clear message, before any large buffer
is allocated.
"""

from __future__ import annotations

import io
import warnings

import imagehash
import numpy as np
from PIL import Image, ImageOps

MAX_BYTES = 30 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 6000 x 6600 photo; every phone screenshot is far smaller
# Pixels that differ from the background by less than this (0–255) count as background
# when the empty margins around the content are trimmed.
BACKGROUND_TOLERANCE = 24
# The chosen hash (bench/screenshots.py): pHash and dHash, 64 bits each, on the image
# with dark mode undone and blank margins trimmed.
HASH_BITS = 128
HASH_HEX_LENGTH = HASH_BITS // 4
# Largest Hamming distance (out of HASH_BITS) still taken as the same screenshot; chosen
# by bench/screenshots.py on one half of its data, scored on the other half.
SAME_SCREENSHOT_MAX_DISTANCE = 20


class ImageError(ValueError):
    """The bytes are not an image we can safely hash (corrupt, unknown, or too large)."""


def load_image(data: bytes) -> Image.Image:
    """Decode untrusted bytes into an upright RGB image, refusing decompression bombs."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ImageError(f"image data must be bytes, got {type(data).__name__}")
    if len(data) == 0:
        raise ImageError("image data is empty")
    if len(data) > MAX_BYTES:
        raise ImageError(f"image is {len(data)} bytes; the limit is {MAX_BYTES}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(bytes(data)))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageError(
                    f"image is {width}x{height} pixels; the limit is {MAX_PIXELS} pixels"
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageError(f"image refused as a decompression bomb: {error}") from error
    except Exception as error:  # Pillow raises many types for corrupt data
        raise ImageError(f"cannot decode image: {error}") from error
    return _flatten(image)


def _flatten(image: Image.Image) -> Image.Image:
    """Composite transparency onto white: screenshots shared as PNG may carry alpha."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def canonical_gray(image: Image.Image) -> Image.Image:
    """Grayscale, light background, blank margins trimmed: what the hash looks at.

    Dark mode is undone by inverting when the background (the median pixel) is dark;
    trimming margins of background colour makes small crops of empty border harmless.
    """
    gray = image.convert("L")
    pixels = np.asarray(gray)
    if np.median(pixels) < 128:
        gray = ImageOps.invert(gray)
        pixels = 255 - pixels
    return _trim_margins(gray, pixels)


def _trim_margins(gray: Image.Image, pixels: np.ndarray) -> Image.Image:
    background = int(np.median(pixels))
    content = np.abs(pixels.astype(np.int16) - background) > BACKGROUND_TOLERANCE
    rows = np.flatnonzero(content.any(axis=1))
    cols = np.flatnonzero(content.any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return gray
    return gray.crop((int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1))


def hash_of_image(image: Image.Image) -> str:
    """The screenshot hash of an already decoded image (see :func:`image_hash`)."""
    gray = canonical_gray(image)
    return f"{imagehash.phash(gray)}{imagehash.dhash(gray)}"


def image_hash(data: bytes) -> str:
    """Perceptual hash of a screenshot, as ``HASH_HEX_LENGTH`` lowercase hex digits."""
    return hash_of_image(load_image(data))


def _bits(value: str) -> int:
    if not isinstance(value, str):
        raise ValueError(f"an image hash is a hex string, got {type(value).__name__}")
    text = value.strip().lower()
    if len(text) != HASH_HEX_LENGTH or any(c not in "0123456789abcdef" for c in text):
        raise ValueError(
            f"not an image hash: {value!r} (expected {HASH_HEX_LENGTH} hex digits)"
        )
    return int(text, 16)


def hash_distance(a: str, b: str) -> int:
    """Number of differing bits between two hashes from :func:`image_hash`."""
    return (_bits(a) ^ _bits(b)).bit_count()


def same_screenshot(a: str, b: str) -> bool:
    """Whether two hashes are close enough to be the same screenshot."""
    return hash_distance(a, b) <= SAME_SCREENSHOT_MAX_DISTANCE
