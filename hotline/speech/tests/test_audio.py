"""The decoder's limits: time, memory, files that are not regular files."""

from __future__ import annotations

import os

from hotline.speech import transcribe_file
from hotline.speech.audio import decode_audio

from .conftest import needs_sox, sox


def test_stalled_input_hits_the_decoder_timeout(tmp_path):
    fifo = tmp_path / "stalled.wav"
    os.mkfifo(fifo)  # opening it blocks forever: nobody ever writes (a stalled mount or pipe)
    result = decode_audio(fifo, max_seconds=60, timeout_s=2)
    assert result.state == "failed"
    assert "did not finish within 2 s" in result.detail


def test_transcribe_file_refuses_what_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    result = transcribe_file(fifo)
    assert result.state == "not_audio" and "regular file" in result.detail


@needs_sox
def test_decoder_memory_limit_fails_cleanly(tmp_path):
    path = tmp_path / "tone.wav"
    sox("-n", "-r", "8000", "-c", "1", str(path), "synth", "2", "sine", "300")
    assert decode_audio(path, max_seconds=60).state == "ok"
    starved = decode_audio(path, max_seconds=60, memory_mb=64)
    assert starved.state == "failed"
    assert "64 MiB memory limit" in starved.detail


@needs_sox
def test_decoded_audio_is_16khz_mono_float(tmp_path):
    path = tmp_path / "stereo.wav"
    sox("-n", "-r", "44100", "-c", "2", str(path), "synth", "1.5", "sine", "440")
    decoded = decode_audio(path, max_seconds=60)
    assert decoded.state == "ok"
    assert decoded.samples.dtype.name == "float32"
    assert len(decoded.samples) == 24000  # 1.5 s at 16 kHz
    assert 0.5 < float(abs(decoded.samples).max()) <= 1.0
