from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import deletions, notifications  # noqa: F401 - register the tombstone signal, outbox handlers
