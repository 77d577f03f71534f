"""Speech engines behind one small interface, each model loaded once per process.

An engine turns 16 kHz mono float32 samples into text. The default is faster-whisper
(CTranslate2, int8 on CPU) with the packaged Whisper base model (hotline.speech.model_store);
HOTLINE_ASR_MODEL_PATH points it at another CTranslate2 Whisper folder instead (for example
a larger or Vietnamese fine-tuned model a deployment converted itself). ``vietasr`` is the
``viet-asr`` package's embedded ONNX model; it is optional (not installed by default, see
docs/benchmarks.md for why) and selected with HOTLINE_ASR_ENGINE=vietasr.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np

DEFAULT_ENGINE = "faster-whisper"


class SpeechEngine(Protocol):
    name: str
    model: str

    def transcribe(self, samples: np.ndarray, sample_rate: int) -> str:
        """Return the text spoken in ``samples`` (mono float32 in [-1, 1])."""


class EngineUnavailable(RuntimeError):
    """The configured engine or its model cannot be loaded."""


def default_threads() -> int:
    try:
        return max(1, int(os.environ.get("HOTLINE_ASR_THREADS", "2")))
    except ValueError:
        return 2


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(self, model_path: str | None = None, threads: int | None = None,
                 language: str = "vi", beam_size: int | None = None) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as error:
            raise EngineUnavailable(
                "faster-whisper is not installed (requirements/asr.txt)") from error
        if model_path:
            # A folder only: faster-whisper would take any other string for a model hub name
            # and try to download it.
            if not os.path.isdir(model_path):
                raise EngineUnavailable(
                    f"cannot load the Whisper model at {model_path}: not a folder")
            path = model_path
            self.model = f"CTranslate2 Whisper at {model_path}"
        else:
            from hotline.speech.model_store import MODEL_NAME, packaged_model_dir
            path = str(packaged_model_dir())
            self.model = MODEL_NAME
        self.language = language
        # HOTLINE_ASR_BEAM_SIZE: 5 by default (bench/asr.py compares 1 and 5).
        self.beam_size = beam_size or int(os.environ.get("HOTLINE_ASR_BEAM_SIZE", "5"))
        try:
            # int8 weights: half the CPU time of float32 measured on this machine's CPU.
            self._model = WhisperModel(path, device="cpu", compute_type="int8",
                                       cpu_threads=threads or default_threads(), num_workers=1,
                                       local_files_only=True)
        except (RuntimeError, ValueError, OSError) as error:
            raise EngineUnavailable(f"cannot load the Whisper model at {path}: {error}") from error

    def transcribe(self, samples: np.ndarray, sample_rate: int) -> str:
        if sample_rate != 16000:
            raise ValueError("faster-whisper expects 16 kHz samples")
        segments, _info = self._model.transcribe(
            samples.astype(np.float32, copy=False), language=self.language,
            beam_size=self.beam_size,
            # One decoding at temperature 0: deterministic, and bounded in time. Whisper's
            # default falls back to sampling at five higher temperatures whenever its average
            # log-probability is below -1, which telephone speech triggers on almost every
            # window (measured: 5x the CPU time and a random transcript).
            temperature=0.0,
            # No 3-token sequence twice: without it Whisper base loops on unclear speech
            # ("tuu tuu tuu ..." for a whole window), which bench/asr.py measured as WER 1.58
            # instead of 0.89 on 12 sentences.
            no_repeat_ngram_size=3,
            # Each 30 s window is decoded on its own: a mistake cannot snowball into the
            # repetition loops Whisper falls into when it reads its previous output.
            condition_on_previous_text=False,
            # Whisper's own "no speech" skip dropped whole sentences of real speech (19 of 80
            # in bench/asr.py came back empty); the Silero VAD has already kept only speech.
            no_speech_threshold=None,
            # No VAD here: transcribe_file already cut the audio to its speech regions, in a
            # child process (onnxruntime cannot be imported in a process that loaded usearch).
            vad_filter=False,
        )
        return " ".join(segment.text.strip() for segment in segments).strip()


class VietAsrEngine:
    name = "vietasr"

    def __init__(self, model_path: str | None = None, threads: int | None = None) -> None:
        try:
            import vietasr
        except (ImportError, OSError) as error:
            raise EngineUnavailable("the viet-asr package is not installed") from error
        pipeline = vietasr.Pipeline.new()
        if model_path:
            pipeline.set_model_dir(model_path)
        pipeline.add("vietasr")
        try:
            pipeline.build()
        except RuntimeError as error:
            raise EngineUnavailable(f"viet-asr could not build its pipeline: {error}") from error
        self._pipeline = pipeline
        self.model = f"viet-asr {vietasr.__version__} embedded model" if not model_path \
            else f"viet-asr model at {model_path}"

    def transcribe(self, samples: np.ndarray, sample_rate: int) -> str:
        pcm = np.clip(samples * 32768.0, -32768, 32767).astype(np.int16)
        return self._pipeline.transcribe(pcm, float(sample_rate)).text.strip()


ENGINES = {FasterWhisperEngine.name: FasterWhisperEngine, VietAsrEngine.name: VietAsrEngine}

_loaded: dict[tuple[str, str | None, int], SpeechEngine] = {}
_lock = threading.Lock()


def get_engine(name: str | None = None, model_path: str | None = None,
               threads: int | None = None) -> SpeechEngine:
    """Return the engine, loading its model the first time only (models take seconds to load)."""
    name = name or os.environ.get("HOTLINE_ASR_ENGINE") or DEFAULT_ENGINE
    model_path = model_path or os.environ.get("HOTLINE_ASR_MODEL_PATH") or None
    threads = threads or default_threads()
    if name not in ENGINES:
        raise EngineUnavailable(f"unknown speech engine {name!r} (known: {', '.join(ENGINES)})")
    key = (name, model_path, threads)
    with _lock:
        engine = _loaded.get(key)
        if engine is None:
            engine = _loaded[key] = ENGINES[name](model_path=model_path, threads=threads)
        return engine
