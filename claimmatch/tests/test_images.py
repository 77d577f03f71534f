import io
import random
import struct
import zlib

import pytest
from PIL import Image, ImageDraw, ImageOps

from claimmatch.images import (
    HASH_HEX_LENGTH,
    MAX_PIXELS,
    ImageError,
    hash_distance,
    image_hash,
    same_screenshot,
)


def screenshot(seed: int, width: int = 720) -> Image.Image:
    """A post-like picture: header block, lines of 'words' of random lengths, a photo."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, 900), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 90, 90), fill=tuple(rng.randrange(256) for _ in range(3)))
    draw.rectangle((110, 35, 110 + rng.randrange(150, 400), 60), fill=(20, 20, 20))
    y = 130
    for _ in range(rng.randrange(5, 11)):
        x = 20
        while x < width - 80:
            word = rng.randrange(20, 90)
            draw.rectangle((x, y, min(x + word, width - 20), y + 18), fill=(30, 30, 30))
            x += word + rng.randrange(10, 18)
        y += 36
    photo_top = y + 30
    for band in range(6):
        colour = tuple(rng.randrange(256) for _ in range(3))
        top = photo_top + band * 50
        draw.rectangle((20, top, width - 20, top + 50), fill=colour)
    return image


def to_bytes(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def with_status_bar(image: Image.Image) -> Image.Image:
    out = Image.new("RGB", (image.width, image.height + 50), (0, 0, 0))
    out.paste(image, (0, 50))
    ImageDraw.Draw(out).rectangle((10, 15, 60, 35), fill=(255, 255, 255))
    return out


def test_hash_is_fixed_length_lowercase_hex():
    value = image_hash(to_bytes(screenshot(1)))
    assert len(value) == HASH_HEX_LENGTH
    assert value == value.lower() and int(value, 16) >= 0


def test_identical_bytes_give_distance_zero():
    data = to_bytes(screenshot(1))
    assert hash_distance(image_hash(data), image_hash(data)) == 0


@pytest.mark.parametrize(
    "variation",
    [
        lambda im: to_bytes(im, "JPEG", quality=60),
        lambda im: to_bytes(im.resize((im.width // 2, im.height // 2))),
        lambda im: to_bytes(im.resize((im.width * 3 // 2, im.height * 3 // 2))),
        lambda im: to_bytes(ImageOps.invert(im)),
        lambda im: to_bytes(with_status_bar(im)),
        lambda im: to_bytes(im, "WEBP", quality=70),
    ],
    ids=["jpeg", "half-size", "larger", "dark-mode", "status-bar", "webp"],
)
def test_phone_variations_of_one_screenshot_match(variation):
    original = screenshot(3)
    assert same_screenshot(image_hash(to_bytes(original)), image_hash(variation(original)))


def test_different_screenshots_do_not_match():
    hashes = [image_hash(to_bytes(screenshot(seed))) for seed in range(10, 20)]
    for i, a in enumerate(hashes):
        for b in hashes[i + 1 :]:
            assert not same_screenshot(a, b)


def test_transparent_png_is_flattened_on_white():
    rgba = screenshot(5).convert("RGBA")
    opaque = image_hash(to_bytes(screenshot(5)))
    assert same_screenshot(image_hash(to_bytes(rgba)), opaque)


def test_blank_and_tiny_images_hash_without_error():
    assert len(image_hash(to_bytes(Image.new("RGB", (300, 300), "white")))) == HASH_HEX_LENGTH
    assert len(image_hash(to_bytes(Image.new("L", (1, 1), 0)))) == HASH_HEX_LENGTH


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"definitely not an image", "cannot decode"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "cannot decode"),
    ],
)
def test_corrupt_data_raises_image_error(data, message):
    with pytest.raises(ImageError, match=message):
        image_hash(data)


def test_truncated_image_raises_image_error():
    data = to_bytes(screenshot(1), "JPEG", quality=90)
    with pytest.raises(ImageError, match="cannot decode"):
        image_hash(data[: len(data) // 3])


def test_non_bytes_raise_image_error():
    with pytest.raises(ImageError, match="must be bytes"):
        image_hash("a string")  # type: ignore[arg-type]


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb)."""
    data = bytearray(to_bytes(Image.new("L", (1, 1))))
    ihdr = 8 + 8  # signature, then length + type of the IHDR chunk
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def test_decompression_bomb_is_refused_before_decoding():
    side = int(MAX_PIXELS**0.5) + 1000
    with pytest.raises(ImageError, match="limit is"):
        image_hash(png_claiming_size(side, side))


def test_malformed_hashes_are_a_clear_value_error():
    good = image_hash(to_bytes(screenshot(1)))
    for bad in ["", "xyz", good[:-1], good + "0", "g" * HASH_HEX_LENGTH]:
        with pytest.raises(ValueError, match="not an image hash"):
            hash_distance(good, bad)
    with pytest.raises(ValueError):
        hash_distance(good, None)  # type: ignore[arg-type]


def test_distance_is_symmetric_and_counts_bits():
    a = "0" * HASH_HEX_LENGTH
    b = "f" + "0" * (HASH_HEX_LENGTH - 1)
    assert hash_distance(a, b) == hash_distance(b, a) == 4
    assert hash_distance(a.upper(), " " + a + " ") == 0
