"""Speech to text for the hotline: recordings in, draft transcripts (or a clear state) out.

No Django here, so the engine can be tested and benchmarked on its own (bench/asr.py).
The hotline task calls :func:`transcribe_file` and stores the :class:`TranscriptionResult`.
"""

from hotline.speech.engines import SpeechEngine, get_engine
from hotline.speech.result import STATES, TranscriptionResult
from hotline.speech.transcribe import transcribe_file

__all__ = ["STATES", "SpeechEngine", "TranscriptionResult", "get_engine", "transcribe_file"]
