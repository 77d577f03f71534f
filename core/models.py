"""Models every app may use: the transactional outbox and the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboxTask(models.Model):
    """A unit of follow-up work written in the same transaction as the change that needs it.

    The row, not the broker message, is the truth: a broker may lose a message (the
    file-system transport and Redis keep none across a crash), so the sweeper hands any row
    that is not done back to the queue. `started_at` is the marker a run writes before it
    works; the work and `done_at` commit together, so a killed run leaves nothing half-done.
    """

    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=200, unique=True, help_text="Deduplication key.")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["done_at", "failed_at", "available_at"], name="outbox_pending")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003
        raise PermissionError("Audit entries are append-only.")

    def delete(self):
        raise PermissionError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """One staff or system action, chained to the previous entry by an HMAC.

    The application cannot edit it: the model and its queryset refuse updates and deletes,
    and in production the database role of the application is granted only INSERT and
    SELECT on this table (README, "Deployment"). The chain's key lives in settings, outside
    the database, so whoever can write rows still cannot forge a consistent chain, and
    `manage.py audit verify` finds the change.
    """

    objects = AppendOnlyQuerySet.as_manager()

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor_label", "at"], name="audit_actor"),
        ]
        verbose_name_plural = "audit entries"

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        if self.pk is not None:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise PermissionError("Audit entries are append-only.")


class PersonalDataPurge(models.Model):
    """A record that retention deleted personal data: what kind and how many, never the data."""

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32)
    count = models.PositiveIntegerField()
    retention_days = models.PositiveIntegerField()


class ProvinceScope(models.Model):
    """Provinces a staff member is limited to (core.roles); no rows means the whole country."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="province_scopes")
    province = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "province"], name="province_scope_unique")]


class TopicSetting(models.Model):
    """How the desk weighs a topic: display names, risk weight and SLA target (core.topics).

    The eight topic codes are fixed (core.reference.Topic); admins tune only these values.
    A topic without a row uses the defaults (core.topics.topic_settings).
    """

    topic = models.CharField(max_length=32, unique=True)
    display_name_vi = models.CharField(max_length=120)
    display_name_en = models.CharField(max_length=120)
    risk_weight = models.FloatField(default=1.0)
    sla_hours = models.PositiveIntegerField(default=48)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic"]

    def __str__(self) -> str:
        return self.topic
