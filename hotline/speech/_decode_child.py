"""Decode one audio file to 16 kHz mono 16-bit PCM; runs in a child process.

hotline.speech.audio starts this file with ``python -I`` under an address-space, CPU-time
and output-size limit and a wall-clock timeout, so a hostile or broken file can at worst
kill this process, never the worker. It prints one JSON object on stdout:
``{"state": "ok"|"too_long"|"not_audio", "duration_s": ..., "detail": ...}`` and writes
the samples to the output path. Only the standard library and PyAV are imported here.
"""

from __future__ import annotations

import json
import sys

RATE = 16000


def _header_duration(container, stream) -> float | None:
    """The duration the container claims, if any (read from headers, nothing decoded)."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base
    return None


def decode(path: str, out_path: str, max_seconds: float) -> dict:
    import av

    try:
        container = av.open(path, mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as error:
        return {"state": "not_audio", "detail": f"not an audio container: {error}"}
    with container:
        if not container.streams.audio:
            return {"state": "not_audio", "detail": "no audio stream in the file"}
        stream = container.streams.audio[0]
        claimed = _header_duration(container, stream)
        if claimed is not None and claimed > max_seconds:
            return {"state": "too_long", "duration_s": claimed,
                    "detail": f"the header says {claimed:.0f} s (limit {max_seconds:.0f} s); nothing decoded"}
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        limit = int(max_seconds * RATE)
        written = 0
        error_text = ""
        with open(out_path, "wb") as out:
            try:
                for frame in container.decode(stream):
                    for chunk in resampler.resample(frame):
                        data = bytes(chunk.planes[0])[: chunk.samples * 2]
                        out.write(data)
                        written += chunk.samples
                    if written > limit:
                        said = "gave no duration" if claimed is None else f"said {claimed:.1f} s"
                        return {"state": "too_long", "duration_s": written / RATE,
                                "detail": f"more than {max_seconds:.0f} s of audio decoded "
                                          f"(the header {said}); stopped"}
                for chunk in resampler.resample(None):
                    out.write(bytes(chunk.planes[0])[: chunk.samples * 2])
                    written += chunk.samples
            except (av.FFmpegError, ValueError) as error:
                error_text = str(error)
        if written == 0:
            return {"state": "not_audio", "detail": "no audio could be decoded"
                    + (f": {error_text}" if error_text else "")}
        detail = f"decoded {stream.codec_context.name} audio"
        if error_text:
            detail += f"; decoding stopped early (damaged or truncated file: {error_text})"
        return {"state": "ok", "duration_s": written / RATE, "detail": detail}


def main(argv: list[str]) -> int:
    path, out_path, max_seconds = argv[1], argv[2], float(argv[3])
    print(json.dumps(decode(path, out_path, max_seconds)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
