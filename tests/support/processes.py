"""Start, watch and stop the processes of an integration test (web scripts, Celery workers).

Every child points at the test's own database (the SQLite test file or PostgreSQL's
test_<name>) and at a broker of the test's choosing, with queue names prefixed per test
so that nothing else on a shared broker takes its messages.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
QUEUES = ("default", "matching")

BROKER_URLS = {
    "filesystem": "filesystem://",
    "amqp": os.environ.get("TINGIA_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
    "redis": os.environ.get("TINGIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"),
}
SERVICE_KIND = {"amqp": "amqp", "redis": "redis"}

T = TypeVar("T")


def _service_check():  # noqa: ANN202
    path = ROOT / "scripts" / "service_check.py"
    spec = importlib.util.spec_from_file_location("service_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unreachable_reason(broker: str) -> str:
    """Why the broker cannot be used, or "" when it can (the file system always can)."""
    if broker not in SERVICE_KIND:
        return ""
    ok, why = _service_check().reachable(SERVICE_KIND[broker], BROKER_URLS[broker])
    return "" if ok else why


def database_url(name: str | None = None) -> str:
    """The URL of this test process's database (the test database), or of `name` beside it."""
    from django.db import connection

    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name or conf['NAME']}"
    if connection.vendor == "postgresql":
        auth = quote(conf.get("USER") or "", safe="")
        if conf.get("PASSWORD"):
            auth += ":" + quote(conf["PASSWORD"], safe="")
        host = conf.get("HOST") or "127.0.0.1"
        port = conf.get("PORT") or 5432
        return f"postgres://{auth}@{host}:{port}/{quote(name or conf['NAME'], safe='')}"
    raise RuntimeError(f"No URL form for the {connection.vendor} backend")


def child_env(var_dir: Path, broker: str = "filesystem", **extra: str) -> dict[str, str]:
    """Environment of a child process: production settings, test database and broker."""
    from django.conf import settings

    var_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("TINGIA_OUTBOX_", "TINGIA_QUEUE_", "TINGIA_BROKER_")):
            del env[name]
    env.update(
        DJANGO_SETTINGS_MODULE="tingia.settings",
        TINGIA_TESTING="1",
        TINGIA_TASKS_EAGER="0",
        TINGIA_VAR_DIR=str(var_dir),
        TINGIA_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        TINGIA_MATCHING_EMBEDDER="hashing",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=BROKER_URLS[broker],
        TINGIA_QUEUE_PREFIX=f"t{uuid.uuid4().hex[:10]}-",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_module(module: str, *args: str, env: dict[str, str],
               timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m module args` to completion (killed if it outlives the timeout)."""
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def worker_args(env: dict[str, str], *, beat: bool = False) -> list[str]:
    """`celery worker` options: one process, the test's queues, no chatter with other workers."""
    prefix = env["TINGIA_QUEUE_PREFIX"]
    args = ["--pool=solo", "--concurrency=1", "--queues=" + ",".join(prefix + q for q in QUEUES),
            "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO",
            f"--hostname={prefix}{uuid.uuid4().hex[:6]}@%h"]
    if beat:
        args += ["--beat", f"--schedule={Path(env['TINGIA_VAR_DIR']) / 'beat-schedule'}"]
    return args


def start(argv: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start a child in its own process group, its output going to `log_path`."""
    log = open(log_path, "ab")  # noqa: SIM115 - closed by the child's exit; the file outlives us
    try:
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        log.close()


def stop(proc: subprocess.Popen, grace: float = 3) -> None:
    """Stop a child and everything it started (Celery's embedded beat is a child process)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=grace)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # stragglers of the group, if any
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass


@contextmanager
def celery_worker(env: dict[str, str], log_path: Path, *,
                  beat: bool = False) -> Iterator[subprocess.Popen]:
    """A real `celery -A tingia worker`, stopped (whatever happens) when the block ends."""
    argv = [str(BIN / "celery"), "-A", "tingia", "worker", *worker_args(env, beat=beat)]
    proc = start(argv, env, log_path)
    try:
        yield proc
    finally:
        stop(proc)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_for(predicate: Callable[[], T], timeout: float, what: str,
             logs: tuple[Path, ...] = ()) -> T:
    """Poll until `predicate` returns something truthy; fail with the children's logs if not."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            shown = "\n".join(f"--- {p.name} ---\n{tail(p)}" for p in logs)
            raise AssertionError(f"Gave up after {timeout:.0f} s waiting for {what}.\n{shown}")
        time.sleep(0.25)


def delete_queues(env: dict[str, str]) -> None:
    """Remove the test's queues (and exchanges) from a shared broker; tmp_path holds the rest."""
    url, prefix = env["CELERY_BROKER_URL"], env["TINGIA_QUEUE_PREFIX"]
    try:
        if url.startswith("redis"):
            import redis

            client = redis.Redis.from_url(url, socket_timeout=3)
            for key in client.scan_iter(match=f"*{prefix}*"):
                client.delete(key)
        elif url.startswith("amqp"):
            from kombu import Connection

            with Connection(url, connect_timeout=3) as conn:
                for name in (prefix + queue for queue in QUEUES):
                    for delete in ("queue_delete", "exchange_delete"):
                        try:
                            getattr(conn.channel(), delete)(name)
                        except Exception:  # noqa: BLE001 - never declared: nothing to remove
                            pass
    except Exception:  # noqa: BLE001 - cleanup must not hide the test's own result
        pass
