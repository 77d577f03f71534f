"""Run hotline.speech in a child process of its own, and read its result back.

Two reasons to keep the speech engine out of the worker process:
- a native crash in the engine (or the decoder) must not take the worker down: the child
  dies, the call is retried and, failing again, shown to operators as failed;
- native libraries that the Django process has loaded for matching do not mix well with
  the speech stack: on 2026-11-23 `import usearch` followed by `import onnxruntime` (the
  runtime of faster-whisper's voice-activity model) crashed in libstdc++ with signal 11.
  hotline.speech now runs that model in a child of its own, but a fresh interpreter that
  imports hotline.speech only (no Django, no matching code) keeps the worker out of reach of
  the next such clash. The price is loading the model per call (about 2.6 s on this CPU).

The child prints one JSON object (the TranscriptionResult's fields) on stdout.
Run by hand: `python -m hotline.speech_child FILE [MAX_SECONDS]`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

# Light: the package's __init__ imports numpy and the engine table, never the engine itself.
from hotline.speech.result import TranscriptionResult

ROOT = Path(__file__).resolve().parent.parent
# Model loading plus decoding; real-time factors on a CPU stay well under 1 (docs/benchmarks.md).
OVERHEAD_SECONDS = 180


def transcribe_in_child(path: str | Path, *, max_seconds: float = 600, engine: str | None = None,
                        model_path: str | None = None) -> TranscriptionResult:
    """hotline.speech.transcribe_file's contract, run in a fresh interpreter; never raises for the audio."""
    command = [sys.executable, "-m", "hotline.speech_child", str(path), str(max_seconds),
               engine or "", model_path or ""]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
    try:
        done = subprocess.run(command, capture_output=True, timeout=max_seconds * 2 + OVERHEAD_SECONDS,
                              cwd=ROOT, env=env, check=False)
    except subprocess.TimeoutExpired:
        return TranscriptionResult("failed", detail="the speech engine did not finish in time", engine=engine or "")
    if done.returncode != 0:
        reason = f"signal {-done.returncode}" if done.returncode < 0 else f"exit status {done.returncode}"
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return TranscriptionResult("failed", detail=f"the speech engine process died ({reason}) {tail[0]}"[:400],
                           engine=engine or "")
    try:
        data = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
        return TranscriptionResult(**{k: data.get(k) for k in ("state", "text", "duration_s", "engine", "model", "detail")})
    except (ValueError, IndexError, TypeError):
        return TranscriptionResult("failed", detail="the speech engine answered something unreadable", engine=engine or "")


def main(argv: list[str]) -> int:
    from hotline.speech import transcribe_file

    path = argv[0]
    max_seconds = float(argv[1]) if len(argv) > 1 and argv[1] else 600.0
    engine = argv[2] if len(argv) > 2 and argv[2] else None
    model_path = argv[3] if len(argv) > 3 and argv[3] else None
    result = transcribe_file(path, max_seconds=max_seconds, engine=engine, model_path=model_path)
    sys.stdout.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
