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
# A row whose median differs from the background by more than this belongs to a bar.
BAND_TOLERANCE = 12
# Bars thicker than this share of the height are content, not phone chrome.
MAX_BAND_FRACTION = 0.15
# The chosen hash (bench/screenshots.py, best F0.5 on its tuning half): a 256-bit pHash
# (16x16 DCT) followed by a 64-bit dHash, on the image with dark mode undone and phone
# bars and blank margins removed.
PHASH_SIZE = 16
HASH_BITS = PHASH_SIZE * PHASH_SIZE + 64
HASH_HEX_LENGTH = HASH_BITS // 4
# Largest Hamming distance (out of HASH_BITS) still taken as the same screenshot; chosen
# by bench/screenshots.py on one half of its data, scored on the other half.
SAME_SCREENSHOT_MAX_DISTANCE = 34


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
    """Grayscale, light background, bars and blank margins removed: what the hash sees.

    Dark mode is undone by inverting when the page colour is dark.
    Full-width bands at the top and bottom (a phone's status bar, navigation bar) are
    cut off, then the blank margins, so that small crops of empty border and another
    phone's bars do not change the hash.
    """
    pixels = np.asarray(image.convert("L"))
    background = _background(pixels)
    top, bottom = _band_limits(pixels, background)
    if top >= bottom:
        top, bottom = 0, pixels.shape[0]
    pixels = pixels[top:bottom]
    if background < 128:
        pixels = 255 - pixels
        background = 255 - background
    return _trim_margins(pixels, background)


def _background(pixels: np.ndarray) -> int:
    """The page colour: the most common value in the left and right edge columns.

    Edges rather than the whole image, because text, photos and bars can cover more
    than half of a screenshot, but the side margins are page colour nearly always.
    """
    width = pixels.shape[1]
    edge = max(1, width // 50)
    sides = np.concatenate([pixels[:, :edge].ravel(), pixels[:, width - edge :].ravel()])
    return int(np.bincount(sides, minlength=256).argmax())


def _band_limits(pixels: np.ndarray, background: int) -> tuple[int, int]:
    """Rows between the top and bottom bands whose typical colour is not the background.

    A text row is mostly background, so its median is the background colour; a bar row
    has its own colour. Only bands thinner than ``MAX_BAND_FRACTION`` are cut.
    """
    row_median = np.median(pixels, axis=1)
    is_band = np.abs(row_median - background) > BAND_TOLERANCE
    limit = int(pixels.shape[0] * MAX_BAND_FRACTION)
    top = _run_length(is_band)
    bottom = pixels.shape[0] - _run_length(is_band[::-1])
    height = pixels.shape[0]
    return (top if top <= limit else 0), (bottom if height - bottom <= limit else height)


def _run_length(flags: np.ndarray) -> int:
    """Length of the leading run of True values."""
    false_at = np.flatnonzero(~flags)
    return int(false_at[0]) if false_at.size else int(flags.size)


def _trim_margins(pixels: np.ndarray, background: int) -> Image.Image:
    content = np.abs(pixels.astype(np.int16) - background) > BACKGROUND_TOLERANCE
    rows = np.flatnonzero(content.any(axis=1))
    cols = np.flatnonzero(content.any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return Image.fromarray(np.ascontiguousarray(pixels))
    box = pixels[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return Image.fromarray(np.ascontiguousarray(box))


def hash_of_image(image: Image.Image) -> str:
    """The screenshot hash of an already decoded image (see :func:`image_hash`)."""
    gray = canonical_gray(image)
    return f"{imagehash.phash(gray, hash_size=PHASH_SIZE)}{imagehash.dhash(gray)}"


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
