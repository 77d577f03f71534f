"""Speech to text on Vietnamese telephone-quality speech: word error rate and speed.

The test set is built, not stored: sentences are read from the shared data folder (the
citizen-style reports of vi-report-to-debunk-dev written with accents, then vnPara news
sentences of 8-25 words without digits, since espeak-ng and Whisper write numbers
differently and that would measure number formatting, not hearing), spoken by espeak-ng
(`-v vi`) and converted to what a telephone line carries: 8 kHz, 8-bit mu-law
(`sox in.wav -r 8000 -e mu-law out.wav`). The audio is cached under var/asr-bench/.

Every file goes through the real `hotline.speech.transcribe_file` (decoding child process,
silence check, engine), so the time is what a hotline worker spends. Reported:

* WER with diacritics and WER folded (no tone marks, no "đ"), corpus level, vntext tokens;
* real-time factor = processing time / audio duration (wall clock, and CPU seconds of this
  process and its decoding children), the model load time apart;
* the audio total and the load average.

Synthetic espeak-ng speech is not real callers: one clean robotic voice, no accent, no
line noise. The figures compare engines and settings; they do not predict production WER.

    flock /tmp/tingia-bench.lock .venv/bin/python bench/asr.py [--limit 80] [--engine faster-whisper]

Fails (exit 1) when the engine or its model is not installed, and (exit 2) without
espeak-ng or sox.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import REPO_ROOT, load_vi_reports, load_vnpara  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # prove that nothing comes from a model hub

from hotline.speech import get_engine, transcribe_file  # noqa: E402
from hotline.speech.engines import EngineUnavailable  # noqa: E402
from hotline.speech.scoring import word_error_rate, words  # noqa: E402

AUDIO_DIR = REPO_ROOT / "var" / "asr-bench"
_DIGIT = re.compile(r"\d")


def test_sentences(limit: int) -> list[str]:
    """Accented citizen reports first, then every k-th suitable vnPara sentence (fixed order)."""
    sentences = [q.text for q in load_vi_reports() if q.style == "accented"]
    candidates = []
    seen = set()
    for pair in load_vnpara():
        for text in (pair.first, pair.second):
            text = " ".join(text.split())
            count = len(words(text))
            if text not in seen and 8 <= count <= 25 and not _DIGIT.search(text):
                seen.add(text)
                candidates.append(text)
    wanted = max(0, limit - len(sentences))
    step = max(1, len(candidates) // max(1, wanted))
    sentences += candidates[::step][:wanted]
    return sentences[:limit]


def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def telephone_audio(text: str, voice_key: str) -> Path:
    """Speak ``text`` with espeak-ng (Vietnamese voice), then 8 kHz mu-law; cached by content."""
    key = hashlib.sha256(f"{voice_key}\n{text}".encode()).hexdigest()[:20]
    target = AUDIO_DIR / f"{key}.wav"
    if target.exists():
        return target
    AUDIO_DIR.mkdir(parents=True, exist_ok=True)
    wide = target.with_suffix(".espeak.wav")
    subprocess.run(["espeak-ng", "-v", "vi", "-w", str(wide), text], check=True,
                   capture_output=True)
    partial = target.with_suffix(".partial.wav")
    subprocess.run(["sox", "-q", str(wide), "-r", "8000", "-e", "mu-law", "-c", "1", str(partial)],
                   check=True, capture_output=True)
    wide.unlink()
    partial.replace(target)
    return target


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=80, help="number of sentences (default 80)")
    parser.add_argument("--engine", default=None, help="engine name (default: HOTLINE_ASR_ENGINE or faster-whisper)")
    parser.add_argument("--model-path", default=None, help="another model folder (HOTLINE_ASR_MODEL_PATH)")
    parser.add_argument("--show", type=int, default=3, help="print this many example transcripts")
    args = parser.parse_args()

    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            print(f"FAILED: {tool} is not installed (apt-get install espeak-ng sox)", file=sys.stderr)
            return 2
    started = time.perf_counter()
    try:
        engine = get_engine(args.engine, args.model_path)
    except EngineUnavailable as error:
        print(f"FAILED: no real speech engine: {error}", file=sys.stderr)
        return 1
    load_s = time.perf_counter() - started
    threads = int(os.environ.get("HOTLINE_ASR_THREADS", "2"))

    sentences = test_sentences(args.limit)
    voice_key = espeak_version() + " -v vi | sox -r 8000 -e mu-law"
    files = [telephone_audio(text, voice_key) for text in sentences]

    hypotheses: list[str] = []
    states: dict[str, int] = {}
    audio_s = wall_s = cpu_s = 0.0
    for text, path in zip(sentences, files, strict=True):
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        result = transcribe_file(path, engine=engine.name, model_path=args.model_path)
        wall_s += time.perf_counter() - wall0
        cpu_s += cpu_seconds() - cpu0
        audio_s += result.duration_s or 0.0
        states[result.state] = states.get(result.state, 0) + 1
        hypotheses.append(result.text)
        if len(hypotheses) <= args.show:
            print(f"REF: {text}\nHYP: {result.text}\n", flush=True)
    if states.get("done", 0) == 0:
        print(f"FAILED: nothing was transcribed: {states}", file=sys.stderr)
        return 1

    figures = {
        "bench": "asr",
        "engine": engine.name,
        "model": engine.model,
        "threads": threads,
        "sentences": len(sentences),
        "reference_words": sum(len(words(t)) for t in sentences),
        "states": states,
        "audio_total_s": round(audio_s, 1),
        "wer": round(word_error_rate(sentences, hypotheses), 4),
        "wer_folded": round(word_error_rate(sentences, hypotheses, folded=True), 4),
        "rtf_wall": round(wall_s / audio_s, 3),
        "rtf_cpu": round(cpu_s / audio_s, 3),
        "processing_wall_s": round(wall_s, 1),
        "model_load_s": round(load_s, 2),
        "audio": "espeak-ng -v vi, 8 kHz mu-law (synthetic speech, not real callers)",
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
