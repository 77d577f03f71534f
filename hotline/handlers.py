"""Retention of the hotline's personal data: caller numbers and recordings.

Registered with core.retention, so the daily purge (and `manage.py` commands that run it)
deletes them with the other personal data: for calls whose report's claim was concluded
before the cut-off, and for calls that never became a report (a pending call nobody
logged) once they are older than the retention period. The report itself stays.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from core import retention


def _expired_calls(cutoff: datetime):  # noqa: ANN202
    from .models import HotlineCall

    concluded = Q(report__claim__concluded_at__isnull=False, report__claim__concluded_at__lt=cutoff)
    never_reported = Q(report__isnull=True, received_at__lt=cutoff)
    return HotlineCall.objects.filter(concluded | never_reported)


@retention.purger("hotline_caller_numbers")
def purge_caller_numbers(cutoff: datetime) -> int:
    return _expired_calls(cutoff).exclude(caller_number="").update(caller_number="", number_purged_at=timezone.now())


@retention.purger("hotline_recordings")
def purge_recordings(cutoff: datetime) -> int:
    from .models import RecordingState

    count = 0
    for call in _expired_calls(cutoff).exclude(recording="").only("pk", "recording").iterator(chunk_size=200):
        call.recording.delete(save=False)
        type(call).objects.filter(pk=call.pk).update(recording="", recording_url="",
                                                     recording_state=RecordingState.DELETED)
        count += 1
    return count
