"""Gunicorn settings for production, read from the environment (gunicorn loads this file by default).

Run: `gunicorn tingia.wsgi:application` from the repository root, behind a reverse proxy that
terminates TLS. The defaults are the ones bench/intake.py measured best on 2 cores (see
docs/benchmarks.md, "bench/intake.py"); on a bigger machine raise WEB_CONCURRENCY.

Variables: GUNICORN_BIND, WEB_CONCURRENCY (worker processes), GUNICORN_WORKER_CLASS,
GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_KEEPALIVE, GUNICORN_MAX_REQUESTS,
GUNICORN_ACCESS_LOG, GUNICORN_FORWARDED_ALLOW_IPS, GUNICORN_CONTROL_SOCKET.
"""

from __future__ import annotations

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
bind = [item.strip() for item in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if item.strip()]

# Workers: every request is CPU work in Python plus short waits on the database, so a few
# processes per core, each with a couple of threads to overlap those waits. Threads also
# keep HTTP connections alive, which the sync worker never does.
workers = _int("WEB_CONCURRENCY", 3)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 2)

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
