"""Test settings: the production settings with the testing switch on.

Tests run against the same settings module as production (so DATABASE_URL, CACHE_URL and
CELERY_BROKER_URL select PostgreSQL, Redis or RabbitMQ there too); only safety switches differ.
"""

import os
import tempfile

os.environ.setdefault("TINGIA_TESTING", "1")
os.environ.setdefault("TINGIA_VAR_DIR", tempfile.mkdtemp(prefix="tingia-test-"))

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
MATCHING_EMBEDDER = os.environ.get("TINGIA_MATCHING_EMBEDDER", "hashing")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so worker subprocesses in the crash tests see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
