"""transcribe_file: from a recording on disk to a draft transcript or a clear state."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from hotline.speech import audio
from hotline.speech.engines import DEFAULT_ENGINE, EngineUnavailable, get_engine
from hotline.speech.model_store import MODEL_NAME
from hotline.speech.result import DONE, FAILED, SILENCE, TranscriptionResult

log = logging.getLogger(__name__)


def _engine_label(engine: str | None, model_path: str | None) -> tuple[str, str]:
    name = engine or os.environ.get("HOTLINE_ASR_ENGINE") or DEFAULT_ENGINE
    path = model_path or os.environ.get("HOTLINE_ASR_MODEL_PATH") or ""
    if not path and name == DEFAULT_ENGINE:
        path = MODEL_NAME
    return name, path


def transcribe_file(path: str | Path, *, max_seconds: float = 600, engine: str | None = None,
                    model_path: str | None = None) -> TranscriptionResult:
    """Transcribe one recording; bad audio gives a state, never an exception.

    The file is decoded in a limited child process (see hotline.speech.audio), checked for
    silence and cut to its speech regions by voice-activity detection, then handed to the
    engine (loaded once per process). The text is a draft that an operator corrects.
    """
    name, model_label = _engine_label(engine, model_path)
    path = Path(path)

    def result(state: str, detail: str, duration: float | None = None, text: str = "",
               model: str = model_label) -> TranscriptionResult:
        return TranscriptionResult(state=state, text=text, duration_s=duration, engine=name,
                                   model=model, detail=detail)

    problem = audio.regular_file_problem(path)
    if problem:
        return result(problem[0], problem[1])
    decoded = audio.decode_audio(path, max_seconds=max_seconds)
    if decoded.state != "ok":
        return result(decoded.state, decoded.detail, decoded.duration_s)
    samples = decoded.samples
    spans = audio.speech_spans(samples) if audio.sound_seconds(samples) >= audio.MIN_SOUND_S else None
    reason = audio.silence_reason(samples, spans)
    if reason:
        return result(SILENCE, reason, decoded.duration_s)
    speech = audio.speech_only(samples, spans) if spans is not None else samples
    try:
        speech_engine = get_engine(name, model_path)
        text = speech_engine.transcribe(speech, audio.SAMPLE_RATE)
    except EngineUnavailable as error:
        return result(FAILED, str(error), decoded.duration_s)
    except Exception as error:  # an engine crash must not lose the call record
        log.exception("speech engine %s failed", name)
        return result(FAILED, f"the speech engine failed: {type(error).__name__}: {error}",
                      decoded.duration_s)
    if not text:
        return result(SILENCE, "the engine heard no words", decoded.duration_s,
                      model=speech_engine.model)
    return result(DONE, decoded.detail, decoded.duration_s, text=text, model=speech_engine.model)
