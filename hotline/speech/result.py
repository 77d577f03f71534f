"""The outcome of one transcription, as the hotline task stores it.

A recording that cannot be transcribed is an ordinary outcome, not an error: the call
record must survive it and operators must see why, so every path ends in one of the
states below instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass

DONE = "done"  # a draft transcript (never published as is: an operator corrects it)
SILENCE = "silence"  # no speech found: quiet audio, or noise without speech
TOO_LONG = "too_long"  # longer than the configured maximum; kept untranscribed
NOT_AUDIO = "not_audio"  # not a decodable audio file (text, image, corrupt header, ...)
FAILED = "failed"  # decoder timeout or memory limit, engine missing or crashed

STATES = (DONE, SILENCE, TOO_LONG, NOT_AUDIO, FAILED)


@dataclass(frozen=True)
class TranscriptionResult:
    state: str
    text: str = ""
    duration_s: float | None = None
    engine: str = ""
    model: str = ""
    detail: str = ""

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown transcription state {self.state!r}")
