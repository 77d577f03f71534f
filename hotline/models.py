"""Hotline calls: what the telephony told us and what the operators did with it.

A call is kept apart from its report (intake.Report, channel "hotline") because it carries
personal data the report does not: the caller's number and, for recorded calls, the voice.
Both are deleted after the retention period (hotline.handlers); the report stays.

Background work on a recording (fetch it from the provider, transcribe it) is driven by the
row's own state, not by queue messages: a worker killed half-way leaves the row in a state
that the sweeper hands out again (hotline.pipeline).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordingState(models.TextChoices):
    NONE = "none", _("No recording")
    TO_FETCH = "to_fetch", _("Recording to fetch")
    STORED = "stored", _("Recording stored")
    UNAVAILABLE = "unavailable", _("Recording could not be fetched")
    DELETED = "deleted", _("Recording deleted (retention)")


class TranscriptState(models.TextChoices):
    """What operators see about the draft transcript of a recording."""

    NONE = "none", _("No recording")
    PENDING = "pending", _("Waiting for transcription")
    TRANSCRIBING = "transcribing", _("Transcribing")
    DONE = "done", _("Draft transcript")
    SILENCE = "silence", _("Silence: nothing was said")
    TOO_LONG = "too_long", _("Too long: kept untranscribed")
    NOT_AUDIO = "not_audio", _("Not an audio recording")
    FAILED = "failed", _("Transcription failed after retries")
    NO_RECORDING = "no_recording", _("Recording unavailable")


# Transcript states in which nothing more will happen by itself.
FINAL_TRANSCRIPT_STATES = frozenset({
    TranscriptState.NONE, TranscriptState.DONE, TranscriptState.SILENCE, TranscriptState.TOO_LONG,
    TranscriptState.NOT_AUDIO, TranscriptState.FAILED, TranscriptState.NO_RECORDING,
})


class HotlineCall(models.Model):
    """One call: logged live by an operator, or announced (and perhaps recorded) by the PBX."""

    class Source(models.TextChoices):
        CONSOLE = "console", _("Logged by an operator")
        TELEPHONY = "telephony", _("Telephony event")

    source = models.CharField(max_length=16, choices=Source.choices)
    # The provider's id of the call; unique, so the same event twice is one call.
    external_id = models.CharField(max_length=128, unique=True, null=True, blank=True)
    caller_number = models.CharField(max_length=32, blank=True)  # personal data
    started_at = models.DateTimeField(default=timezone.now)
    duration_s = models.FloatField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    report = models.OneToOneField("intake.Report", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="hotline_call")
    # The operator who took the call (opened a pending call, or logged it): they see the
    # number in full for a while, like the reports they enter.
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="hotline_calls")
    taken_at = models.DateTimeField(null=True, blank=True)
    # --- the recording ----------------------------------------------------------------------
    from_recording = models.BooleanField(default=False)
    recording_url = models.URLField(max_length=2000, blank=True)
    recording = models.FileField(upload_to="hotline/%Y/%m/", blank=True)
    recording_bytes = models.PositiveIntegerField(null=True, blank=True)
    recording_state = models.CharField(max_length=16, choices=RecordingState.choices, default=RecordingState.NONE)
    # --- the transcript (always a draft until an operator reviewed it) ----------------------
    transcript_state = models.CharField(max_length=16, choices=TranscriptState.choices,
                                        default=TranscriptState.NONE)
    transcript = models.TextField(blank=True)
    transcript_engine = models.CharField(max_length=64, blank=True)
    transcript_model = models.CharField(max_length=200, blank=True)
    audio_seconds = models.FloatField(null=True, blank=True)
    transcript_version = models.PositiveIntegerField(default=0)  # bumped each time the report text changes
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="reviewed_hotline_calls")
    # --- background work (fetch, then transcribe) -------------------------------------------
    work_attempts = models.PositiveSmallIntegerField(default=0)
    work_started_at = models.DateTimeField(null=True, blank=True)  # a lease: stale means the worker died
    work_available_at = models.DateTimeField(default=timezone.now)  # backoff after a failure
    work_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    number_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["from_recording", "reviewed_at"], name="hotline_review_list"),
            models.Index(fields=["transcript_state", "work_available_at"], name="hotline_work_due"),
        ]

    def __str__(self) -> str:
        return f"Hotline call {self.pk}"

    # What core.personal reads from anything that carries contact details.
    @property
    def phone(self) -> str:
        return self.caller_number

    name = ""
    email = ""

    @property
    def needs_review(self) -> bool:
        return self.from_recording and self.reviewed_at is None

    @property
    def is_pending(self) -> bool:
        """A live call announced by the PBX that no operator has logged yet."""
        return self.report_id is None and not self.from_recording


class WebhookSignature(models.Model):
    """Signatures already accepted: the same signed request sent again is a replay."""

    signature = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
