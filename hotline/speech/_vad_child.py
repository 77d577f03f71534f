"""Find speech in 16 kHz PCM with the Silero model bundled in faster-whisper; a child process.

Why a separate process: onnxruntime's Python module crashes (SIGSEGV in libstdc++'s codecvt
at import) when usearch's extension, which the claim matcher loads in every Django process,
was loaded first. Here only numpy, faster-whisper and onnxruntime are imported. Prints one
JSON object: ``{"available": bool, "spans": [[start, end], ...]}`` in samples.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    import numpy as np

    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps
    except ImportError:
        print(json.dumps({"available": False, "spans": []}))
        return 0
    samples = np.fromfile(argv[1], dtype="<i2").astype(np.float32) / 32768.0
    options = VadOptions(min_speech_duration_ms=250)  # faster-whisper's defaults otherwise
    spans = [[span["start"], span["end"]] for span in get_speech_timestamps(samples, options)]
    print(json.dumps({"available": True, "spans": spans}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
