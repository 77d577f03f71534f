"""Print, as JSON, what the settings resolve to under this process's environment.

Settings are read once per process, so each environment to check gets its own child
process. Run as `python -m tests.support.show_settings`.
"""

from __future__ import annotations

import json

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.core.files.storage import default_storage, storages

    from intake.models import ReportImage
    from tingia.celery import app

    media = storages["default"]  # the configured backend, not the lazy wrapper
    print(json.dumps({
        "DEBUG": settings.DEBUG,
        "default_storage": f"{type(media).__module__}.{type(media).__name__}",
        "report_images_use_default_storage":
            ReportImage._meta.get_field("file").storage is default_storage,
        "bucket_name": getattr(media, "bucket_name", None),
        "endpoint_url": getattr(media, "endpoint_url", None),
        "default_acl": getattr(media, "default_acl", None),
        "querystring_auth": getattr(media, "querystring_auth", None),
        "file_overwrite": getattr(media, "file_overwrite", None),
        "broker_url": app.conf.broker_url,
        "broker_transport_options": app.conf.broker_transport_options,
        "task_default_queue": app.conf.task_default_queue,
        "task_acks_late": app.conf.task_acks_late,
        "task_reject_on_worker_lost": app.conf.task_reject_on_worker_lost,
        "beat_sweep_seconds": settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]["schedule"],
    }, default=str))


if __name__ == "__main__":
    main()
