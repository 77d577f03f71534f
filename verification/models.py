"""Claims: what many reports say, grouped, and what the centre concluded about it.

Besides the claim and its verdict, the desk keeps what staff gather while they work a
claim (notes, evidence, referrals to agencies, takedown requests to platforms), every
published revision of a verdict, replies from people named in a verdict, and one row per
reporter told about a verdict (so nobody is told twice).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reference import Platform, Topic


class ClaimState(models.TextChoices):
    """The internal workflow the verification desk owns (see verification.workflow)."""

    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    IN_VERIFICATION = "in_verification", _("In verification")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    DISMISSED = "dismissed", _("Dismissed")


class DismissReason(models.TextChoices):
    """Why a claim was closed without a public verdict (internal outcomes)."""

    SPAM = "spam", _("Spam")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    NOT_ENOUGH_BASIS = "not_enough_basis", _("Not enough basis")
    MERGED = "merged", _("Merged into another claim")


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
    # --- the desk ---------------------------------------------------------------------------
    # Folded with vntext.search_key, padded with spaces, so "trung ga" finds "trứng gà".
    search_text = models.TextField(blank=True, default="", editable=False)
    dismiss_reason = models.CharField(max_length=20, choices=DismissReason.choices, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_claims")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_claims")
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="locked_claims")
    lock_expires_at = models.DateTimeField(null=True, blank=True)
    # The proposal under review (two-person rule): who proposed which outcome.
    proposed_outcome = models.CharField(max_length=20, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="proposed_claims")
    proposed_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    # A new draft for a verdict that was published before (then withdrawn): kept here so the
    # withdrawn verdict's public page keeps showing the text that was published until the
    # draft is approved. {"label", "title", "claim_reviewed", "explanation", "sources"}.
    verdict_draft = models.JSONField(default=dict, blank=True)
    # Reports auto-linked after the verdict was published: the rumour is resurfacing.
    resurfaced_count = models.PositiveIntegerField(default=0)
    last_resurfaced_at = models.DateTimeField(null=True, blank=True)
    # --- the neutral public title (the home page lists open claims by it) ---------------------
    # Report text can carry the rumour itself and other people's personal data, so a claim under
    # verification is shown publicly only by a title staff wrote and another editor approved
    # (verification.actions.propose_public_title / approve_public_title). The proposal waits in
    # its own fields: the public title changes only when an approval copies it over.
    public_title_proposal = models.CharField(max_length=160, blank=True)
    public_title_proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                 on_delete=models.SET_NULL, related_name="+")
    public_title_proposed_at = models.DateTimeField(null=True, blank=True)
    public_title = models.CharField(max_length=160, blank=True)
    public_title_written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                on_delete=models.SET_NULL, related_name="+")
    public_title_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                 on_delete=models.SET_NULL, related_name="+")
    public_title_approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "last_seen"], name="claim_state_seen"),
            models.Index(fields=["assignee", "state"], name="claim_assignee_state"),
            models.Index(fields=["last_resurfaced_at"], name="claim_resurfaced"),
            # The matcher refreshes from "claims changed since": without this, a full scan per report.
            models.Index(fields=["updated_at"], name="claim_updated"),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk}: {self.representative_text[:60]}"

    def lock_holder(self, now: datetime | None = None):  # noqa: ANN201 - User | None
        """Who holds the edit lock now (None when free or expired)."""
        now = now or timezone.now()
        if self.locked_by_id and self.lock_expires_at and self.lock_expires_at > now:
            return self.locked_by
        return None


class Verdict(models.Model):
    """The published conclusion on a claim; its public pages belong to the publishing app.

    Before the first publication the row is the draft staff write and propose; after it, the
    row holds the current public text and every published text is kept in VerdictRevision.
    """

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
    # Sequence number of the VerdictRevision holding the current public text (0: never published).
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.unpublished_at is None

    @property
    def takedown_eligible(self) -> bool:
        """Platforms are asked to remove posts only for fabricated or distorted verdicts."""
        return self.is_public and self.label in (self.Label.FABRICATED, self.Label.DISTORTED)

    def get_absolute_url(self) -> str:
        return f"/xac-minh/{self.slug}-{self.pk}/"

    def __str__(self) -> str:
        return self.title


class VerdictRevision(models.Model):
    """One event in a verdict's public history: a publication, a correction, a withdrawal.

    Each row keeps the full text that was public from that moment, so the public page can
    show what changed and when; rows are only ever added.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CORRECTED = "corrected", _("Corrected")
        UNPUBLISHED = "unpublished", _("Withdrawn")

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="revisions")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    label = models.CharField(max_length=16, choices=Verdict.Label.choices)
    title = models.CharField(max_length=300)
    claim_reviewed = models.TextField()
    explanation = models.TextField()
    sources = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, help_text=_("Public note: what was corrected, or why it was withdrawn."))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["verdict", "seq"]
        constraints = [models.UniqueConstraint(fields=["verdict", "seq"], name="verdict_revision_seq")]


class ClaimNote(models.Model):
    """An internal note on a claim; review notes explain why a proposal was sent back."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        REVIEW = "review", _("Review")
        WORKFLOW = "workflow", _("Workflow")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


class Referral(models.Model):
    """A question sent to the agency responsible for the subject of a claim, with a deadline."""

    class AgencyKind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry or central agency")
        PROVINCE = "province", _("Provincial department")
        POLICE = "police", _("Police")
        COMPANY = "company", _("Company named in the rumour")
        OTHER = "other", _("Other")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="referrals")
    agency = models.CharField(max_length=200)
    agency_kind = models.CharField(max_length=12, choices=AgencyKind.choices)
    request = models.TextField()
    deadline = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_summary = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["answered_at", "deadline"], name="referral_open_deadline")]

    def is_overdue(self, today=None) -> bool:  # noqa: ANN001 - date | None
        today = today or timezone.localdate()
        return self.answered_at is None and self.deadline < today


class TakedownRequest(models.Model):
    """A request to a platform to remove one reported link of a published false verdict."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        REMOVED = "removed", _("Removed")
        REFUSED = "refused", _("Refused")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="takedowns")
    url = models.CharField(max_length=2000)
    platform = models.CharField(max_length=16, choices=Platform.choices)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, help_text=_("Removed or refused."))
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["claim", "url"], name="takedown_claim_url")]


def evidence_path(instance: EvidenceItem, filename: str) -> str:
    """Stored under a date folder with a random name; the original name is kept on the row."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return timezone.now().strftime(f"evidence/%Y/%m/{uuid.uuid4().hex}{suffix}")


class EvidenceItem(models.Model):
    """What backs a verdict: a source link, a document, a file, an agency's answer."""

    class Kind(models.TextChoices):
        LINK = "link", _("Source link")
        DOCUMENT = "document", _("Document")
        FILE = "file", _("File")
        AGENCY_ANSWER = "agency_answer", _("Agency answer")
        TAKEDOWN = "takedown", _("Takedown evidence")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=2000, blank=True)
    file = models.FileField(upload_to=evidence_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")
    takedown = models.ForeignKey(TakedownRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="evidence")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]


class VerdictReply(models.Model):
    """A reply or appeal from a person or outlet named in a verdict; editors handle it."""

    class Relation(models.TextChoices):
        NAMED_PERSON = "person", _("I am named in this verdict")
        OUTLET = "outlet", _("Our outlet or page is named in this verdict")
        REPRESENTATIVE = "representative", _("I represent someone named in it")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", _("Rejected")

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="replies")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    @property
    def province(self) -> str:
        """Replies carry no province; scoped staff see them through the claim's reports."""
        return ""


class Notification(models.Model):
    """One reporter told about one publication of a verdict: the row that prevents a second time.

    The unique key is written before the message is sent, in the same transaction as the
    outbox row's completion (verification.notifications explains the delivery guarantee).
    No address is stored: the contact row is the only place it lives.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="notifications")
    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="notifications")
    revision = models.PositiveIntegerField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "verdict", "revision"],
                                               name="notification_once")]


class DeletedClaim(models.Model):
    """A tombstone: claim `claim_id` was deleted (in whatever process), so every matcher drops it.

    Each process keeps its own in-memory matcher, synced from claims' updated_at; a deleted
    row leaves nothing to read, so the deletion itself is written here, in the deleting
    transaction. Old tombstones are pruned; a matcher that has not synced for longer than
    they are kept compares its ids with the claim table instead (verification.matching).
    """

    claim_id = models.BigIntegerField()
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"claim {self.claim_id} deleted {self.deleted_at:%Y-%m-%d %H:%M}"
