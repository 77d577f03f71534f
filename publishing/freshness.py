"""How fresh this process's view of the public verdicts is: one change stamp, rarely re-read.

Every cache of the public side (the search index, rendered verdict pages) is keyed by the
stamp of the verdicts (publishing.indexing.verdict_stamp). Reading it is one aggregate query,
so a process re-reads it at most every CHECK_EVERY_SECONDS, or at once after this process
saved a verdict (`mark_changed`, called by the save signal). Other processes see a change
within CHECK_EVERY_SECONDS.
"""

from __future__ import annotations

import threading
import time

from .indexing import Stamp, verdict_stamp

CHECK_EVERY_SECONDS = 2.0

_lock = threading.Lock()
_stamp: Stamp | None = None
_read_at = 0.0
_dirty = False


def current() -> Stamp:
    global _stamp, _read_at, _dirty
    if _stamp is not None and not _dirty and time.monotonic() - _read_at < CHECK_EVERY_SECONDS:
        return _stamp
    with _lock:
        _dirty = False
        _stamp = verdict_stamp()
        _read_at = time.monotonic()
        return _stamp


def mark_changed() -> None:
    global _dirty
    _dirty = True


def reset() -> None:
    global _stamp, _read_at, _dirty
    with _lock:
        _stamp, _read_at, _dirty = None, 0.0, False
