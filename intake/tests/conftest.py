"""Helpers for the intake tests: API calls, images built with Pillow, fresh rate-limit state."""

from __future__ import annotations

import io
import json
import struct
import zlib
from typing import Any

import pytest
from django.utils import translation
from django.utils.html import escape
from PIL import Image

API_REPORTS = "/api/v1/reports"
FORM = "/phan-anh/"


def post_json(client, body: Any, *, raw: bytes | None = None, content_type: str = "application/json",
              **headers: str):
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    return client.generic("POST", API_REPORTS, data, content_type=content_type, **headers)


def assert_api_error(response, status: int, code: str) -> dict[str, Any]:
    """The response is our JSON error shape with this status and code; returns the body."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message", "fields"}
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    return body


def vi_plural(singular: str, plural: str, count: int, **params: Any) -> str:
    """A plural message as the site shows it by default (Vietnamese), HTML-escaped."""
    with translation.override("vi"):
        text = translation.ngettext(singular, plural, count)
    return escape(text % {"count": count, **params})


def field_codes(body: dict[str, Any], field: str) -> list[str]:
    return [item["code"] for item in body["fields"].get(field, [])]


def vi(message: str, **params: Any) -> str:
    """A message as the site shows it by default (Vietnamese), HTML-escaped like the page."""
    with translation.override("vi"):
        text = translation.gettext(message)
    return escape(text % params if params else text)


# --- images -----------------------------------------------------------------------------------

def png_bytes(size: tuple[int, int] = (40, 30), colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def noisy_jpeg(size: tuple[int, int] = (120, 90), exif: Image.Exif | None = None) -> bytes:
    """A photo-like JPEG (many colours), optionally with EXIF."""
    img = Image.merge("RGB", [Image.effect_noise(size, 60) for _ in range(3)])
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF naming a camera and a position in Hà Nội, as a phone photo would carry."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model GPS-7731"  # Model
    gps = exif.get_ifd(0x8825)  # GPSInfo
    gps.update({1: "N", 2: (21.0, 1.0, 42.0), 3: "E", 4: (105.0, 51.0, 12.0)})
    return exif


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def multipart_body(parts: list[tuple[str, str | None, str | None, bytes]], boundary: str = "tingiaBoundary7731"
                   ) -> tuple[bytes, str]:
    """A hand-built multipart body: (name, filename, content type, raw bytes) per part."""
    lines: list[bytes] = []
    for name, filename, content_type, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        lines.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode())
        if content_type:
            lines.append(f"Content-Type: {content_type}\r\n".encode())
        lines.append(b"\r\n" + data + b"\r\n")
    lines.append(f"--{boundary}--\r\n".encode())
    return b"".join(lines), f"multipart/form-data; boundary={boundary}"
