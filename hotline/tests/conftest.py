"""Helpers for the hotline's tests: signed webhook requests, recordings, a stand-in transcriber.

The stand-in transcriber returns what the speech module's contract allows (a state and a
text) so the pipeline's handling of each state is tested without a speech model; the real
engine is exercised by test_recording_to_report.py when hotline.speech and espeak-ng exist.
"""

from __future__ import annotations

import io
import math
import struct
import time
import wave
from dataclasses import dataclass
from typing import Any

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation

from hotline import pipeline, signing

SECRET = "test-only-hotline-secret-7fb2c1"
URL = "/api/v1/hotline/calls"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def hotline_settings(settings, tmp_path):
    settings.HOTLINE_WEBHOOK_SECRET = SECRET
    settings.HOTLINE_RECORDING_HOSTS = ["localhost", "127.0.0.1"]
    settings.HOTLINE_RECORDING_PRIVATE_NETWORKS = []
    settings.HOTLINE_FETCH_TIMEOUT_SECONDS = 3
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings


def wav_bytes(seconds: float = 0.5, *, rate: int = 8000, tone: float = 440.0) -> bytes:
    """A real WAV file (16-bit mono); tone 0 is silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = int(seconds * rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * tone * i / rate)) if tone else 0)
                               for i in range(frames)))
    return out.getvalue()


def send(client: Any, body: bytes, content_type: str = "application/json", *, ts: int | None = None,
         secret: str = SECRET, signature: str | None = None, headers: bool = True) -> Any:
    ts = int(time.time()) if ts is None else ts
    extra = {"HTTP_HOST": "127.0.0.1"}
    if headers:
        extra["HTTP_X_TINGIA_TIMESTAMP"] = str(ts)
        extra["HTTP_X_TINGIA_SIGNATURE"] = signature or signing.signature_header(secret, ts, body)
    return client.generic("POST", URL, body, content_type=content_type, **extra)


def json_body(**fields: Any) -> bytes:
    import json

    return json.dumps(fields).encode()


def multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    return encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT


@dataclass
class FakeResult:
    state: str
    text: str = ""
    duration_s: float | None = 1.0
    engine: str = "test-stand-in"
    model: str = "none"
    detail: str = ""


@pytest.fixture
def transcribe_as(monkeypatch):
    """transcribe_as(state, text) makes the pipeline's transcriber answer that; returns the calls made."""
    calls: list[dict[str, Any]] = []

    def install(state: str, text: str = "") -> list[dict[str, Any]]:
        def fake(path: Any, *, max_seconds: float = 600, engine: str | None = None,
                 model_path: str | None = None) -> FakeResult:
            with open(path, "rb") as fh:
                calls.append({"path": str(path), "head": fh.read(4), "max_seconds": max_seconds})
            return FakeResult(state, text)

        monkeypatch.setattr(pipeline, "transcriber", lambda: fake)
        return calls

    return install
