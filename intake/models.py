"""Reports and what arrives with them, plus partner API keys and idempotency records."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reference import PROVINCE_CHOICES, Channel, Platform, Topic

# Tracking codes: no 0/O, 1/I/L, U (abusive words), so a code read aloud or copied by hand survives.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 30**10 ≈ 5.9e14 codes: not guessable at any rate our limits allow


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_tracking_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_tracking_code(raw: str) -> str:
    """Accept what people type: spaces, dashes and lower case."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())


class Report(models.Model):
    """What one person reported, through one channel. Contact details live apart."""

    tracking_code = models.CharField(max_length=16, unique=True, default=new_tracking_code, editable=False)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    text = models.TextField(blank=True)
    platform = models.CharField(max_length=16, choices=Platform.choices, blank=True)
    topic = models.CharField(max_length=32, choices=Topic.choices, blank=True)
    province = models.CharField(max_length=32, choices=PROVINCE_CHOICES, blank=True)
    language = models.CharField(max_length=8, default="vi")
    claim = models.ForeignKey(
        "verification.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    api_client = models.ForeignKey(
        "intake.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    entered_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="entered_reports"
    )
    match_reasons = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "received_at"], name="report_channel_time")]

    def __str__(self) -> str:
        return f"Report {format_tracking_code(self.tracking_code)}"

    @property
    def display_code(self) -> str:
        return format_tracking_code(self.tracking_code)


class ReportLink(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=2000)
    canonical_url = models.CharField(max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class ReportImage(models.Model):
    """A screenshot, re-encoded and stripped of EXIF/GPS before it was stored."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to="reports/%Y/%m/")
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    phash = models.CharField(max_length=64, blank=True, help_text="Perceptual hash for matching.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class ReporterContact(models.Model):
    """Personal data, kept apart from the report so it can be deleted on its own."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    consent_to_contact = models.BooleanField(default=False)
    consent_text_version = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)


class ApiClient(models.Model):
    """A partner app allowed to submit with a key. Only a hash of the key is stored."""

    name = models.CharField(max_length=120)
    key_prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    rate = models.CharField(max_length=20, default="600/m", help_text=_("django-ratelimit rate, e.g. 600/m"))
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class IdempotencyRecord(models.Model):
    """The first answer to a submission, replayed when a client retries with the same key.

    Scoped to the client (partner key, or keyed hash of the anonymous address) and tied to a
    hash of the body, so a guessed key can never return someone else's tracking code.
    """

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    report = models.ForeignKey(Report, null=True, on_delete=models.CASCADE)
    status_code = models.PositiveSmallIntegerField(default=201)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key")]
