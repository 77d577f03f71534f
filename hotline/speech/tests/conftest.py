"""Audio fixtures for the speech tests: made on the fly with espeak-ng and sox (Debian)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Prove the engine never reaches a model hub: any attempt would fail with this set.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

needs_sox = pytest.mark.skipif(shutil.which("sox") is None,
                               reason="sox is not installed (apt-get install sox)")
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="espeak-ng or sox is not installed (apt-get install espeak-ng sox)")


def sox(*args: str) -> None:
    subprocess.run(["sox", "-q", *args], check=True, capture_output=True)


def telephone_speech(text: str, folder: Path, name: str) -> Path:
    """``text`` spoken by espeak-ng's Vietnamese voice, as a telephone line carries it."""
    wide = folder / f"{name}-espeak.wav"
    subprocess.run(["espeak-ng", "-v", "vi", "-w", str(wide), text], check=True, capture_output=True)
    target = folder / f"{name}.wav"
    sox(str(wide), "-r", "8000", "-e", "mu-law", "-c", "1", str(target))
    return target


@pytest.fixture
def speech_file(tmp_path):
    return lambda text, name="speech": telephone_speech(text, tmp_path, name)
