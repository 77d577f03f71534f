"""Decoding recordings safely, and telling silence from speech cheaply.

A recording comes from the outside world (a telephony provider, a URL), so its decoder is
treated as untrusted: it runs in a separate process (``_decode_child.py``) with

* a wall-clock timeout (a stalled read or a pathological file cannot hang the worker),
* an address-space limit (a decompression bomb cannot exhaust the machine's memory),
* a CPU-time limit and an output-size limit sized to ``max_seconds`` of 16 kHz PCM,
* the duration read from the headers first: anything claiming more than ``max_seconds`` is
  refused before a single frame is decoded, and decoding stops as soon as more than
  ``max_seconds`` came out (headers can lie in both directions).

Silence is found with an energy gate (a few numpy operations) and then, when faster-whisper
is installed, its bundled Silero voice-activity model (in a child process too), so that line
noise or music does not reach the recogniser (which would otherwise invent words), and only
the speech regions are transcribed.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
_CHILD = Path(__file__).with_name("_decode_child.py")
_VAD_CHILD = Path(__file__).with_name("_vad_child.py")
_VAD_MEMORY = 4 << 30  # onnxruntime and CTranslate2 map large libraries; the audio is small

DEFAULT_DECODE_TIMEOUT_S = 120.0
DEFAULT_DECODE_MEMORY_MB = 512

# Energy gate: 20 ms frames above -45 dBFS count as "sound". Telephone speech sits around
# -30..-15 dBFS; digital silence and line hiss are far below.
_FRAME = SAMPLE_RATE // 50
_SOUND_DBFS = -45.0
MIN_SOUND_S = 0.25
_MIN_SPEECH_S = 0.3


@dataclass(frozen=True)
class Decoded:
    state: str  # "ok", "too_long", "not_audio" or "failed"
    samples: np.ndarray | None = None  # float32 in [-1, 1], 16 kHz mono
    duration_s: float | None = None
    detail: str = ""


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _limits(memory_bytes: int, cpu_seconds: int, output_bytes: int):
    def apply() -> None:  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def decode_audio(path: str | Path, *, max_seconds: float, timeout_s: float | None = None,
                 memory_mb: int | None = None) -> Decoded:
    """Decode ``path`` to 16 kHz mono float32 in a limited child process; never raises.

    ``timeout_s`` and ``memory_mb`` default to HOTLINE_DECODE_TIMEOUT (120 s) and
    HOTLINE_DECODE_MEMORY_MB (512 MiB of address space; PyAV with FFmpeg maps ~150 MiB
    of libraries, and decoding 600 s of audio fits well within the rest).
    """
    timeout_s = timeout_s if timeout_s is not None else _env_float(
        "HOTLINE_DECODE_TIMEOUT", DEFAULT_DECODE_TIMEOUT_S)
    memory_mb = memory_mb if memory_mb is not None else int(_env_float(
        "HOTLINE_DECODE_MEMORY_MB", DEFAULT_DECODE_MEMORY_MB))
    # Room for max_seconds of PCM plus one decoded packet past the limit.
    output_bytes = int((max_seconds + 30) * SAMPLE_RATE * 2)
    with tempfile.TemporaryDirectory(prefix="tingia-decode-") as tmp:
        out_path = Path(tmp) / "pcm.s16"
        try:
            proc = subprocess.run(
                [sys.executable, "-I", str(_CHILD), str(path), str(out_path), repr(float(max_seconds))],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s,
                preexec_fn=_limits(memory_mb * 1024 * 1024, max(1, int(timeout_s) + 1), output_bytes),
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
            )
        except subprocess.TimeoutExpired:
            return Decoded("failed", detail=f"the decoder did not finish within {timeout_s:g} s")
        except OSError as error:
            return Decoded("failed", detail=f"the decoder could not start: {error}")
        report = _last_json_line(proc.stdout)
        if proc.returncode != 0 or report is None:
            return Decoded("failed", detail=_crash_detail(proc, memory_mb))
        state = report.get("state")
        duration = report.get("duration_s")
        detail = str(report.get("detail", ""))
        if state != "ok":
            return Decoded(state if state in ("too_long", "not_audio") else "failed",
                           duration_s=duration, detail=detail)
        pcm = np.fromfile(out_path, dtype="<i2")
    samples = pcm.astype(np.float32) / 32768.0
    return Decoded("ok", samples=samples, duration_s=len(samples) / SAMPLE_RATE, detail=detail)


def _last_json_line(stdout: bytes) -> dict | None:
    for line in reversed(stdout.decode("utf-8", "replace").splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        return value if isinstance(value, dict) else None
    return None


def _crash_detail(proc: subprocess.CompletedProcess, memory_mb: int) -> str:
    err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    last = err[-1][:200] if err else ""
    if proc.returncode < 0:
        signal_no = -proc.returncode
        why = {9: "killed (CPU time limit)", 24: "CPU time limit", 25: "output size limit",
               11: "crashed (segmentation fault)"}.get(signal_no, f"killed by signal {signal_no}")
        return f"the decoder stopped: {why}"
    text = "\n".join(err[-5:])
    if any(sign in text for sign in ("MemoryError", "Cannot allocate memory", "bad_alloc",
                                     "failed to map segment")):
        return f"the decoder ran out of its {memory_mb} MiB memory limit"
    return f"the decoder failed (exit {proc.returncode}): {last}"


def regular_file_problem(path: Path) -> tuple[str, str] | None:
    """Return ``(state, detail)`` when ``path`` is not a non-empty regular file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "failed", "the recording file does not exist"
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the path
        return "failed", f"the recording file cannot be read: {error}"
    if not stat.S_ISREG(info.st_mode):
        return "not_audio", "not a regular file"
    if info.st_size == 0:
        return "not_audio", "the file is empty"
    return None


def sound_seconds(samples: np.ndarray) -> float:
    """Seconds of 20 ms frames louder than the energy gate (-45 dBFS)."""
    usable = len(samples) - len(samples) % _FRAME
    if usable <= 0:
        return 0.0
    frames = samples[:usable].reshape(-1, _FRAME).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    dbfs = 20 * np.log10(np.maximum(rms, 1e-10))
    return float(np.count_nonzero(dbfs > _SOUND_DBFS)) * _FRAME / SAMPLE_RATE


def speech_spans(samples: np.ndarray, *, timeout_s: float | None = None) -> list[tuple[int, int]] | None:
    """Speech regions (sample offsets) by the Silero VAD; None when faster-whisper is missing.

    Runs in a child process (see ``_vad_child.py`` for why), under a timeout and a memory
    limit like the decoder. A failure of the detector is reported as None (no verdict), so
    the recording still reaches the engine rather than being dropped as silence.
    """
    timeout_s = timeout_s if timeout_s is not None else _env_float(
        "HOTLINE_DECODE_TIMEOUT", DEFAULT_DECODE_TIMEOUT_S)
    with tempfile.TemporaryDirectory(prefix="tingia-vad-") as tmp:
        pcm = Path(tmp) / "pcm.s16"
        np.clip(samples * 32768.0, -32768, 32767).astype("<i2").tofile(pcm)
        try:
            proc = subprocess.run(
                [sys.executable, "-I", str(_VAD_CHILD), str(pcm)], stdin=subprocess.DEVNULL,
                capture_output=True, timeout=timeout_s,
                preexec_fn=_limits(_VAD_MEMORY, max(1, int(timeout_s) + 1), 1 << 20),
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
                     "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"},
            )
        except (subprocess.TimeoutExpired, OSError):
            return None
    report = _last_json_line(proc.stdout)
    if proc.returncode != 0 or report is None or not report.get("available"):
        return None
    return [(int(start), int(end)) for start, end in report["spans"]]


def speech_only(samples: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """The speech regions joined end to end (what faster-whisper's own VAD filter does)."""
    return np.concatenate([samples[start:end] for start, end in spans]) if spans else samples[:0]


def silence_reason(samples: np.ndarray, spans: list[tuple[int, int]] | None) -> str | None:
    """Why the audio holds no speech, or None when it may hold some."""
    loud = sound_seconds(samples)
    if loud < MIN_SOUND_S:
        return f"silence: only {loud:.2f} s above {_SOUND_DBFS:.0f} dBFS"
    if spans is not None:
        speech = sum(end - start for start, end in spans) / SAMPLE_RATE
        if speech < _MIN_SPEECH_S:
            return (f"no speech found ({loud:.1f} s of sound, {speech:.2f} s of speech by "
                    "voice-activity detection)")
    return None
