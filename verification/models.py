"""Claims: what many reports say, grouped, and what the centre concluded about it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reference import Topic


class ClaimState(models.TextChoices):
    """The internal workflow the verification desk owns (see verification.workflow)."""

    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    IN_VERIFICATION = "in_verification", _("In verification")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    DISMISSED = "dismissed", _("Dismissed")


class Claim(models.Model):
    """One rumour as the centre tracks it; reports point at it.

    The representative text is the first report's text (staff may rewrite it); it is
    internal, because report text can carry other people's personal data.
    """

    representative_text = models.TextField()
    topic = models.CharField(max_length=32, choices=Topic.choices, blank=True)
    state = models.CharField(max_length=20, choices=ClaimState.choices, default=ClaimState.NEW)
    report_count = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    concluded_at = models.DateTimeField(null=True, blank=True)
    # Matching data: the database is the source of truth, the engine's index is derived.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    match_urls = models.JSONField(default=list, blank=True)
    match_image_hashes = models.JSONField(default=list, blank=True)
    suggestions = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "last_seen"], name="claim_state_seen")]

    def __str__(self) -> str:
        return f"Claim {self.pk}: {self.representative_text[:60]}"


class Verdict(models.Model):
    """The published conclusion on a claim; its public pages belong to the publishing app."""

    class Label(models.TextChoices):
        FABRICATED = "fabricated", _("Fake news")  # Tin giả
        DISTORTED = "distorted", _("Distorted news")  # Tin sai sự thật
        TRUE = "true", _("Verified true")  # Tin xác thực

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="verdict")
    label = models.CharField(max_length=16, choices=Label.choices)
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, allow_unicode=False)
    claim_reviewed = models.TextField()
    explanation = models.TextField()
    sources = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    unpublished_at = models.DateTimeField(null=True, blank=True)
    unpublish_reason = models.TextField(blank=True)

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.unpublished_at is None

    def get_absolute_url(self) -> str:
        return f"/xac-minh/{self.slug}-{self.pk}/"

    def __str__(self) -> str:
        return self.title
