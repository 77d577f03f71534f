"""The Celery application: one task queue API whatever the broker.

The broker is chosen by CELERY_BROKER_URL: the file-system transport for the embedded
default (no server), RabbitMQ (amqp://) or Redis (redis://) in production.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tingia.settings")

app = Celery("tingia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
