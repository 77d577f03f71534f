"""Gunicorn settings for production, read from the environment (gunicorn loads this file itself).

Run: `gunicorn tingia.wsgi:application` from the repository root, behind a reverse proxy that
terminates TLS. The defaults are the ones bench/intake.py measured best on 2 cores (see
docs/benchmarks.md, "bench/intake.py"); the worker count follows the number of cores.

Variables: GUNICORN_BIND, WEB_CONCURRENCY (worker processes), GUNICORN_WORKER_CLASS,
GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_KEEPALIVE, GUNICORN_MAX_REQUESTS,
GUNICORN_ACCESS_LOG, GUNICORN_FORWARDED_ALLOW_IPS, GUNICORN_CONTROL_SOCKET.
"""

from __future__ import annotations

import importlib
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None


wsgi_app = "tingia.wsgi:application"
bind = [
    item.strip()
    for item in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if item.strip()
]

# Workers: a partner report costs about 2-3.5 ms of CPU over all processes on this machine
# kind (docs/benchmarks.md, "bench/intake.py") plus short waits (COMMIT, Redis), which the
# threads overlap. Two processes per core, not one: a kept-alive connection stays with the
# worker that accepted it, so with one process per core an unlucky spread of clients left
# one process at its GIL's limit (one core) while the other core idled; on 2 cores with 16
# clients, 4x4 measured 553-635 reports/s against 502-543 for 2x8 (same bench, alternated).
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1))
# gthread, except that a new connection waits in the poller (not in a thread) for its first
# request: see tingia/workers.py for the stall the stock class causes.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "tingia.workers.ThreadWorker")
threads = _int("GUNICORN_THREADS", 4)

# Load Django once in the master and fork: workers start in milliseconds, so recycling
# one (max_requests) costs no latency spike. Database and broker connections are opened
# lazily on first use, after the fork, so no socket is shared between workers.
preload_app = True
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10

timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = _int("GUNICORN_KEEPALIVE", 5)
backlog = 2048

# Heartbeat files in memory: a slow disk must never make the master think a worker hung.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# The proxy in front of us is the only one allowed to say the request came over HTTPS.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No access log by default: its lines carry client addresses, which are personal data
# here (core.logging keeps them out of our own logs). When enabled, the format leaves
# the address out.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "tingia"

# Gunicorn 25+ opens a control socket at one fixed path per user; two servers on one
# machine (a bench beside a demo) would fight over it. Off unless a path is given.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not _control
if _control:
    control_socket = _control


# Imported in the master, before the workers fork, so that no worker does it in the middle of
# a request: canonicalising the first link of a report imports claimmatch, which brings
# numpy and scipy (seconds of CPU on this machine kind, again after every worker recycle).
# Shared copy-on-write by every worker afterwards.
WARM_IMPORTS = ("claimmatch.links", "publishing.warm")


def _warm_request_path() -> None:
    """Load the URL configuration and validate one full report before the fork.

    Django imports the URLconf (and with it every app's views) on the first request, and
    compiles EmailValidator's and URLValidator's large Unicode patterns on first use: py-spy
    showed both (about 0.3 s each) inside a request of every new worker. No database work.
    """
    from django.urls import get_resolver, reverse

    from intake.forms import ApiReportForm

    get_resolver().url_patterns  # noqa: B018 - imports tingia.urls and every included module
    reverse("intake:status", args=["AAAAA-AAAAA"])  # builds the reverse lookup tables

    form = ApiReportForm(data={
        "text": "Khởi động", "urls": ["https://www.example.vn/bai-viet?id=1"], "platform": "facebook",
        "topic": "", "province": "Hà Nội", "contact_name": "Khởi động", "contact_email": "a@example.vn",
        "contact_phone": "0912345678", "consent": True, "language": "vi",
    })
    form.is_valid()


def when_ready(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    if not preload_app:
        return
    for name in WARM_IMPORTS:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a missing helper must not stop the site
            server.log.warning("Could not import %s before forking the workers: %s", name, exc)
    try:
        _warm_request_path()
    except Exception as exc:  # noqa: BLE001 - a warm-up must never stop the site
        server.log.warning("Could not warm the URLconf and validators before forking: %s", exc)
