"""A transcription worker whose first attempt at a call hangs mid-transcription, to be killed.

Run as `python -m hotline.tests.hanging_worker <celery worker options>`. The speech engine
is replaced by a stand-in (this test is about the worker dying, not about speech): on a
call's first attempt it writes the signal file and sleeps until SIGKILL; on later attempts
it returns a draft at once.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django


def main() -> None:
    django.setup()
    from hotline import pipeline
    from hotline.models import HotlineCall
    from hotline.speech.result import TranscriptionResult
    from tingia.celery import app

    signal_file = Path(os.environ["TINGIA_TEST_SIGNAL_FILE"])

    def stand_in(path, *, max_seconds=600, engine=None, model_path=None):  # noqa: ANN001, ANN202
        call = HotlineCall.objects.filter(recording__endswith=Path(path).name).first()
        if call is not None and call.work_attempts == 1:
            signal_file.write_text(str(os.getpid()))
            time.sleep(600)  # the test kills us here
        return TranscriptionResult("done", "Bản nháp sau khi worker bị giết", 3.0, "stand-in", "none", "")

    pipeline.transcriber = lambda: stand_in
    app.worker_main(argv=["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
