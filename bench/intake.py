"""Intake throughput: partner reports through the production server, measured end to end.

What runs: gunicorn with gunicorn.conf.py (DEBUG off, a generated TINGIA_SECRET_KEY, rate
limiting on, TINGIA_SSL_REDIRECT=0 because the load comes over plain HTTP on loopback),
and wrk (bench/intake_wrk.lua) sending POST /api/v1/reports with a partner key, realistic
Vietnamese bodies built from the shared data sets (citizen-style reports, pasted article
snippets, links, some contact details), one request in four with an Idempotency-Key.

What one acknowledged report costs the server: key check (remembered for a few seconds),
rate-limit count in the cache, validation by ReportForm, the report + links (+ contact,
+ idempotency record) + outbox row in one transaction committed before the answer. The
outbox row is published to the broker by `manage.py outbox relay` (TINGIA_OUTBOX_PUBLISH=relay,
the production setting; its CPU is counted, and the run waits until it has published every
row), or with --publish commit by the web request after its commit. No Celery worker runs:
matching is not part of this figure.

Two shapes, each on a fresh database that is removed afterwards:
- sqlite: the embedded default (SQLite in WAL with synchronous=FULL, database cache for
  rate limits, file-system broker), in a temporary TINGIA_VAR_DIR;
- postgres: production (a fresh PostgreSQL database, Redis for rate limits, RabbitMQ in a
  temporary virtual host).

"stored" counts reports in the database after the run, "acknowledged" the 201 answers
wrk received (minus idempotent replays): they must be equal. wrk stops each connection
only after its last answer, so no report is in flight when it is counted.

Besides reports/s and latency, each run prints the CPU time one report costs each process
(gunicorn, PostgreSQL backends, Redis, RabbitMQ, wrk) and how many cores other processes
of the machine used meanwhile: on a shared machine the first is the steadier figure.

Run: .venv/bin/python bench/intake.py                 (both shapes, about 2 minutes)
     .venv/bin/python bench/intake.py --databases postgres --sweep sync/3,gthread/2x4,gthread/2x8
     .venv/bin/python bench/intake.py --databases sqlite --profile wall   (py-spy on the workers)
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from _data import REPO_ROOT, load_vafc_collection, load_vi_reports, production_env, shared_data

BIN = Path(sys.executable).parent
LUA_SCRIPT = Path(__file__).resolve().parent / "intake_wrk.lua"
HOST = "127.0.0.1"
API_RATE = "1000000/h"  # the bench partner's own rate: high, but the limiter still counts


# --- Report bodies ---------------------------------------------------------------------------

_BAD_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}
_PLAIN_URL = re.compile(r"https?://[\x21-\x7e]{4,300}")
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
_GIVEN = [
    "Văn An",
    "Thị Bình",
    "Minh Châu",
    "Quốc Dũng",
    "Thu Hà",
    "Gia Huy",
    "Ngọc Lan",
    "Đức Mạnh",
]
_HANDLES = [
    "tinnong24h",
    "baomoi.page",
    "hoi.me.bim.sua",
    "cong.dong.xe",
    "review.an.uong",
    "chuyen.la.vn",
    "tin.hot.moi.ngay",
    "suckhoe.doisong",
]


def _clean(text: str) -> str | None:
    """The text as a person would paste it, or None if the form would rightly refuse it."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").strip()
    if "\ufffd" in text or any(
        unicodedata.category(c) in _BAD_CATEGORIES for c in text if c not in "\n\t"
    ):
        return None
    return text or None


def _snippet(text: str, rng: random.Random) -> str:
    """What people paste: the first lines of a post or article, cut at a word."""
    limit = rng.choice([160, 280, 450, 700, 1100, 1600])
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def _social_link(rng: random.Random) -> tuple[str, str]:
    handle = rng.choice(_HANDLES)
    digits = "".join(rng.choice("0123456789") for _ in range(16))
    return rng.choice(
        [
            ("facebook", f"https://www.facebook.com/{handle}/posts/{digits}"),
            (
                "facebook",
                f"https://www.facebook.com/share/p/{secrets.token_urlsafe(9)}/?mibextid=wwXIfr",
            ),
            ("tiktok", f"https://www.tiktok.com/@{handle}/video/{digits}{digits[:3]}"),
            ("youtube", f"https://www.youtube.com/watch?v={secrets.token_urlsafe(8)[:11]}"),
            ("zalo", f"https://zalo.me/g/{secrets.token_hex(5)}"),
        ]
    )


def report_bodies(count: int, seed: int = 2026) -> list[str]:
    """JSON bodies of partner reports built from the shared data (nothing copied into the repo)."""
    from core.reference import PROVINCES, Topic  # the repo's own reference lists

    rng = random.Random(seed)
    citizen = [t for t in (_clean(q.text) for q in load_vi_reports()) if t]
    with (shared_data() / "vfnd" / "vfnd_items.jsonl").open(encoding="utf-8") as fh:
        vfnd = [json.loads(line) for line in fh if line.strip()]
    pasted = [t for t in (_clean(r.get("text") or r.get("title") or "") for r in vfnd) if t]
    pasted += [t for t in (_clean(a.get("text") or "") for a in load_vafc_collection()) if t]
    site_links = [
        u for u in ((r.get("url") or "").strip() for r in vfnd) if _PLAIN_URL.fullmatch(u)
    ]
    provinces = [name for name, _, former in PROVINCES.values()] + [
        old for _, _, former in PROVINCES.values() for old in former
    ]
    topics = [t.value for t in Topic]
    bodies = []
    for i in range(count):
        kind = rng.random()
        if kind < 0.35:
            text = rng.choice(citizen)
        elif kind < 0.75:
            text = _snippet(rng.choice(pasted), rng)
        elif kind < 0.9:
            text = f"{rng.choice(citizen)}\n\n{_snippet(rng.choice(pasted), rng)}"
        else:
            text = ""  # a link alone
        n_links = rng.choice([0, 0, 1, 1, 1, 2, 3]) if text else rng.choice([1, 1, 2])
        platform, urls = "", []
        for _ in range(n_links):
            if rng.random() < 0.6:
                platform, url = _social_link(rng)
            else:
                platform, url = "website", rng.choice(site_links)
            urls.append(url)
        body: dict = {"text": text, "urls": urls, "language": "vi"}
        if platform or rng.random() < 0.3:
            body["platform"] = platform or rng.choice(["facebook", "zalo", "tiktok", "other"])
        if rng.random() < 0.5:
            body["topic"] = rng.choice(topics)
        if rng.random() < 0.3:
            body["province"] = rng.choice(provinces)
        if rng.random() < 0.08:
            contact = {"name": f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)}", "consent": True}
            if rng.random() < 0.5:
                contact["email"] = f"nguoidan{i}@example.vn"
            else:
                contact["phone"] = "09" + "".join(rng.choice("0123456789") for _ in range(8))
            body["contact"] = contact
        bodies.append(json.dumps(body, ensure_ascii=False))
    return bodies


# --- The two shapes: environment, database, broker ---------------------------------------------


@dataclass
class Backend:
    """One database + cache + broker set up for a bench run, and how to count what it holds."""

    name: str
    env: dict[str, str]
    count_rows: Callable[[], dict[str, int]]
    broker_messages: Callable[[], int]
    service_pids: dict[str, Callable[[], list[int]]]
    notes: dict[str, str] = field(default_factory=dict)


def base_env(var_dir: Path) -> dict[str, str]:
    return production_env(var_dir)


COUNT_SQL = {
    "reports": "SELECT COUNT(*) FROM intake_report",
    "outbox": "SELECT COUNT(*) FROM core_outboxtask",
    "enqueued": "SELECT COUNT(*) FROM core_outboxtask WHERE enqueued_at IS NOT NULL",
    "idempotency": "SELECT COUNT(*) FROM intake_idempotencyrecord",
    "contacts": "SELECT COUNT(*) FROM intake_reportercontact",
    "links": "SELECT COUNT(*) FROM intake_reportlink",
}


def fsync_latency_ms(folder: Path, rounds: int = 100) -> tuple[float, float]:
    """p50 and p99 of a 4 KiB write + fsync in `folder`: what a durable SQLite commit waits for."""
    probe = folder / "fsync-probe"
    times = []
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(rounds):
            os.write(fd, b"\0" * 4096)
            start = time.perf_counter()
            os.fsync(fd)
            times.append(time.perf_counter() - start)
    finally:
        os.close(fd)
        probe.unlink()
    times.sort()
    return round(1000 * times[rounds // 2], 2), round(1000 * times[int(rounds * 0.99) - 1], 2)


@contextlib.contextmanager
def sqlite_backend(workdir: Path) -> Iterator[Backend]:
    var_dir = workdir / "sqlite-var"
    for folder in ("queue/messages", "queue/control"):
        (var_dir / folder).mkdir(parents=True, exist_ok=True)  # the file-system broker's folders
    db_file = var_dir / "tingia.sqlite3"

    def count_rows() -> dict[str, int]:
        with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as db:
            return {name: db.execute(sql).fetchone()[0] for name, sql in COUNT_SQL.items()}

    def broker_messages() -> int:
        return len(os.listdir(var_dir / "queue" / "messages"))

    p50, p99 = fsync_latency_ms(var_dir)
    yield Backend(
        "sqlite",
        base_env(var_dir),
        count_rows,
        broker_messages,
        {},
        {
            "database": "SQLite (WAL, synchronous=FULL)",
            "cache": "DatabaseCache (SQLite)",
            "broker": "filesystem://",
            "disk fsync": f"p50 {p50} ms, p99 {p99} ms",
        },
    )
    # the temporary folder goes with workdir


def _rabbitmqctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(
            f"rabbitmqctl {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}"
        )
    return done.stdout


@contextlib.contextmanager
def postgres_backend(workdir: Path, args: argparse.Namespace) -> Iterator[Backend]:
    import psycopg
    import redis

    if not shutil.which("rabbitmqctl"):
        raise RuntimeError(
            "rabbitmqctl not found: the bench needs it to make a throw-away RabbitMQ "
            "virtual host (run the bench on the machine that runs RabbitMQ)."
        )
    tag = secrets.token_hex(4)
    db_name, vhost = f"tingia_bench_{tag}", f"tingia-bench-{tag}"
    server_url = args.postgres_url.rstrip("/")
    cache = redis.Redis.from_url(f"{args.redis_url.rstrip('/')}/{args.redis_db}")
    with contextlib.ExitStack() as cleanup:
        keys = cache.keys("*")
        if any(not k.startswith(b":1:rl:") for k in keys):
            raise RuntimeError(
                f"Redis database {args.redis_db} holds other keys than rate-limit counters: "
                "choose an empty one with --redis-db."
            )
        if keys:
            cache.delete(*keys)  # counters left by an earlier bench run that was killed
        cleanup.callback(
            lambda: cache.delete(*cache.keys(":1:rl:*")) if cache.keys(":1:rl:*") else None
        )

        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{db_name}"')
        cleanup.callback(_drop_database, server_url, db_name)

        user = re.match(r"amqps?://([^:@/]+)", args.amqp_url)
        _rabbitmqctl("add_vhost", vhost)
        cleanup.callback(_rabbitmqctl, "delete_vhost", vhost)
        _rabbitmqctl(
            "set_permissions", "-p", vhost, user.group(1) if user else "guest", ".*", ".*", ".*"
        )

        db_url = f"{server_url}/{db_name}"

        def count_rows() -> dict[str, int]:
            with psycopg.connect(db_url) as db:
                return {name: db.execute(sql).fetchone()[0] for name, sql in COUNT_SQL.items()}

        def broker_messages() -> int:
            out = _rabbitmqctl("list_queues", "-p", vhost, "name", "messages")
            return sum(
                int(parts[1])
                for parts in (line.split() for line in out.splitlines())
                if len(parts) == 2 and parts[1].isdigit()
            )

        def backend_pids() -> list[int]:
            with psycopg.connect(f"{server_url}/postgres") as db:
                rows = db.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", [db_name]
                ).fetchall()
            return [pid for (pid,) in rows]

        services = {
            "postgresql": backend_pids,
            "redis": lambda: pids_named("redis-server"),
            "rabbitmq": lambda: pids_named("beam.smp"),
        }
        env = base_env(workdir / "postgres-var")
        env.update(
            {
                "DATABASE_URL": db_url,
                "CACHE_URL": f"{args.redis_url.rstrip('/')}/{args.redis_db}",
                "CELERY_BROKER_URL": f"{args.amqp_url.rstrip('/')}/{vhost}",
            }
        )
        yield Backend(
            "postgres",
            env,
            count_rows,
            broker_messages,
            services,
            {
                "database": f"PostgreSQL ({db_name}, dropped afterwards)",
                "cache": f"Redis db {args.redis_db}",
                "broker": f"RabbitMQ vhost {vhost}",
            },
        )


def _drop_database(server_url: str, db_name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def _manage(env: dict[str, str], *command: str) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "manage.py"), *command],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {command[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare_database(env: dict[str, str]) -> str:
    """Migrate the fresh database and issue the partner key the load will use."""
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "createcachetable")
    code = (
        "from intake.api_auth import issue_key; "
        f"client, key = issue_key('bench partner', rate={API_RATE!r}); print('KEY', key)"
    )
    out = _manage(env, "shell", "-c", code)
    return next(line.split()[1] for line in out.splitlines() if line.startswith("KEY "))


# --- gunicorn ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerConfig:
    worker_class: str
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> ServerConfig:
        """'sync/3' or 'gthread/3x2' (workers x threads)."""
        match = re.fullmatch(r"(sync|gthread)/(\d+)(?:x(\d+))?", text.strip())
        if not match:
            raise argparse.ArgumentTypeError(
                f"server config {text!r}: use e.g. sync/3 or gthread/3x2"
            )
        return cls(match.group(1), int(match.group(2)), int(match.group(3) or 1))

    def __str__(self) -> str:
        return f"{self.worker_class}/{self.workers}" + (
            f"x{self.threads}" if self.worker_class == "gthread" else ""
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def with_niceness(cmd: list[str], niceness: int) -> list[str]:
    return ["nice", "-n", str(niceness), *cmd] if niceness else cmd


def renice(pids: list[int], niceness: int, whole_group: bool = False) -> None:
    """Set the niceness of processes; with whole_group, of their scheduler autogroup too.

    Linux with autogroup shares the CPU between sessions first and applies niceness only
    inside a session, so the bench's own sessions (gunicorn's, the bench's) get it as well.
    """
    for pid in pids:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, niceness)
            if whole_group:
                Path(f"/proc/{pid}/autogroup").write_text(str(niceness))


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], config: ServerConfig | None, log_path: Path, niceness: int = 0
) -> Iterator[tuple[str, int]]:
    """The production server on a free loopback port; stopped (TERM, then KILL) whatever happens."""
    port = free_port()
    env = dict(env, GUNICORN_BIND=f"{HOST}:{port}")
    if config is not None:
        env.update(
            WEB_CONCURRENCY=str(config.workers),
            # "gthread" is the production variant of it (gunicorn.conf.py's default).
            GUNICORN_WORKER_CLASS=(
                "tingia.workers.ThreadWorker" if config.worker_class == "gthread" else config.worker_class
            ),
            GUNICORN_THREADS=str(config.threads),
        )
    log = log_path.open("w")
    proc = _spawn([str(BIN / "gunicorn"), "-c", str(REPO_ROOT / "gunicorn.conf.py")], env, log, niceness)
    try:
        _wait_ready(proc, port, log_path)
        yield f"http://{HOST}:{port}", proc.pid
    finally:
        _stop(proc, grace=30)
        log.close()


def _spawn(command: list[str], env: dict[str, str], log, niceness: int) -> subprocess.Popen:  # noqa: ANN001
    """Start a server process in a session of its own (so _stop can kill its whole group)."""
    return subprocess.Popen(with_niceness(command, niceness), cwd=REPO_ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen, grace: float) -> None:
    """SIGTERM, then after `grace` seconds SIGKILL to the whole process group."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _wait_ready(proc: subprocess.Popen, port: int, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(
                f"http://{HOST}:{port}/api/v1/openapi.json", timeout=5
            ) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(
        f"gunicorn did not answer within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}"
    )


@contextlib.contextmanager
def outbox_relay(env: dict[str, str], log_path: Path, niceness: int = 0) -> Iterator[int | None]:
    """`manage.py outbox relay` when the server leaves publishing to it; yields its pid."""
    if env.get("TINGIA_OUTBOX_PUBLISH") != "relay":
        yield None
        return
    log = log_path.open("w")
    proc = _spawn([sys.executable, str(REPO_ROOT / "manage.py"), "outbox", "relay"], env, log, niceness)
    try:
        yield proc.pid
    finally:
        _stop(proc, grace=15)
        log.close()


def wait_published(backend: Backend, timeout: float = 30.0) -> float:
    """Seconds until every outbox row is marked enqueued (the relay caught up), or -1."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        rows = backend.count_rows()
        if rows["enqueued"] >= rows["outbox"]:
            return round(time.monotonic() - start, 2)
        time.sleep(0.05)
    return -1.0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


# --- CPU accounting: what one report costs each process, whatever else the machine runs ------

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> tuple[float, float] | None:
    """User and system (kernel) CPU time of one process so far (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) / _TICKS, int(fields[12]) / _TICKS


def pids_named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
    return pids


def machine_busy_seconds() -> float:
    """CPU time all processes of the machine spent busy (every core), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / _TICKS  # minus idle and iowait


class CpuMeter:
    """CPU seconds used by named groups of processes between start() and stop()."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]):
        self.groups = groups
        self.first: dict[str, dict[int, tuple[float, float]]] = {}
        self.busy = 0.0
        self.kernel_share: dict[
            str, float
        ] = {}  # of each group's CPU, the part spent in the kernel

    def start(self) -> None:
        self.first = {name: self._sample(pids()) for name, pids in self.groups.items()}
        self.busy = machine_busy_seconds()

    def stop(self) -> dict[str, float]:
        used = {}
        for name, pids in self.groups.items():
            now = self._sample(pids())
            user = sum(u - self.first[name].get(pid, (0.0, 0.0))[0] for pid, (u, _) in now.items())
            system = sum(
                k - self.first[name].get(pid, (0.0, 0.0))[1] for pid, (_, k) in now.items()
            )
            used[name] = user + system
            self.kernel_share[name] = (
                round(system / (user + system), 2) if user + system > 0 else 0.0
            )
        used["machine"] = machine_busy_seconds() - self.busy
        return used

    @staticmethod
    def _sample(pids: list[int]) -> dict[int, tuple[float, float]]:
        return {pid: cpu for pid in pids if (cpu := cpu_seconds(pid)) is not None}


# --- wrk --------------------------------------------------------------------------------------


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit(
            "bench/intake.py needs the HTTP load generator wrk, which is not installed.\n"
            "Install it from Debian's packages:  apt-get install -y wrk   (then run the bench again)"
        )
    return path


def run_wrk(
    url: str,
    bodies: Path,
    key: str,
    seconds: int,
    connections: int,
    threads: int,
    tag: str,
    idempotency_every: int,
    workdir: Path,
    niceness: int = 0,
) -> dict:
    """One closed-loop wrk run; returns the Lua script's counts and wrk's latency figures."""
    flags = Path(tempfile.mkdtemp(prefix=f"flags-{tag}-", dir=workdir))
    cmd = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds + 60}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        url,
        "--",
        str(bodies),
        key,
        str(seconds),
        str(connections // threads),
        str(flags),
        tag,
        str(idempotency_every),
    ]
    proc = subprocess.Popen(
        with_niceness(cmd, niceness),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    if niceness:
        renice([proc.pid], niceness, whole_group=True)
    drained = False
    try:
        while proc.poll() is None:
            if len(list(flags.glob("thread-*.done"))) >= threads:
                drained = True
                proc.send_signal(signal.SIGINT)  # wrk's own way to end early and report
                break
            time.sleep(0.02)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    line = next((ln for ln in out.splitlines() if ln.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(
            f"wrk printed no result (exit {proc.returncode}):\n{out[-2000:]}\n{err[-2000:]}"
        )
    result = json.loads(line.removeprefix("WRK_RESULT "))
    result["drained"] = drained
    return result


# --- Profiling (optional) ---------------------------------------------------------------------

# (label, pattern on one frame "function (file:line)"); the first group that matches wins
PROFILE_GROUPS = [
    ("rate limit (django-ratelimit on the cache)", re.compile(r"is_ratelimited|get_usage")),
    ("outbox hand-off to the broker after commit", re.compile(r"run_and_clear_commit_hooks")),
    (
        "opening / checking / closing the database connection",
        re.compile(
            r"(connect|ensure_connection|is_usable|close_if_unusable_or_obsolete|close_old_connections|"
            r"close_if_health_check_failed|close) \(django/db/"
        ),
    ),
    ("COMMIT of the report transaction", re.compile(r"(commit|_commit) \((django/db|psycopg)")),
    ("SQL statements (execute)", re.compile(r"(execute|_execute|executemany) \(")),
    ("Django ORM building queries and objects", re.compile(r"django/db/models")),
    ("validation (ReportForm)", re.compile(r"full_clean|is_valid \(")),
    ("JSON parse and render", re.compile(r"\b(loads|dumps|_parse_json|render_created)\b")),
    ("rest of Django: middleware, routing, view code", re.compile(r"WSGIHandler.__call__")),
]
OUTSIDE_DJANGO = "gunicorn outside Django: HTTP parsing, socket I/O"
_PLUMBING = re.compile(
    r"gunicorn/|django/core/handlers|django/utils/deprecation|core/middleware|"
    r"ninja/|^process |^<module>|threading|concurrent/futures|selectors"
)


def profile_workers(master: int, seconds: int, out: Path, mode: str) -> subprocess.Popen | None:
    """py-spy on the workers: "cpu" samples threads holding the GIL (where Python spends CPU),
    "wall" every thread in a request, waiting included (where a request's time goes)."""
    spy = BIN / "py-spy"
    if not spy.exists():
        print("  (py-spy not installed: `.venv/bin/pip install py-spy` to get a profile)")
        return None
    return subprocess.Popen(
        [
            str(spy),
            "record",
            "--pid",
            str(master),
            "--subprocesses",
            "--nonblocking",
            "--gil" if mode == "cpu" else "--idle",
            "--rate",
            "100",
            "--duration",
            str(seconds),
            "--format",
            "raw",
            "-o",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def summarise_profile(raw: Path, top: int = 15) -> dict:
    """Share of in-request samples per cost group, per own (leaf) frame, per function inclusive."""
    groups: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or not any("handle_request (" in f for f in frames):
            continue  # the master, and workers waiting for a connection
        n = int(count)
        total += n
        groups[
            next(
                (name for name, pat in PROFILE_GROUPS if any(pat.search(f) for f in frames)),
                OUTSIDE_DJANGO,
            )
        ] += n
        own[re.sub(r":\d+\)$", ")", frames[-1])] += n
        for name in {re.sub(r":\d+\)$", ")", f) for f in frames if not _PLUMBING.search(f)}:
            inclusive[name] += n

    def pct(counter: collections.Counter[str]) -> dict[str, float]:
        return {k: round(100 * v / total, 1) for k, v in counter.most_common(top)} if total else {}

    return {
        "samples": total,
        "groups_pct": pct(groups),
        "own_pct": pct(own),
        "inclusive_pct": pct(inclusive),
    }


# --- One measurement --------------------------------------------------------------------------


def measure(
    backend: Backend,
    key: str,
    config: ServerConfig | None,
    args: argparse.Namespace,
    bodies: Path,
    workdir: Path,
) -> dict:
    """Warm up, then one measured run: throughput, latency, stored vs acknowledged, CPU cost."""
    label = str(config) if config else "gunicorn.conf.py defaults"
    log = workdir / f"gunicorn-{backend.name}-{label.replace('/', '_')}.log"
    profile = workdir / f"profile-{backend.name}-{label.replace('/', '_')}.txt"
    relay_log = workdir / f"relay-{backend.name}-{label.replace('/', '_')}.log"
    with outbox_relay(backend.env, relay_log, args.niceness) as relay_pid, gunicorn(
        backend.env, config, log, args.niceness
    ) as (url, master):
        run_wrk(
            url,
            bodies,
            key,
            args.warmup,
            args.connections,
            args.wrk_threads,
            secrets.token_hex(3),
            args.idempotency_every,
            workdir,
            args.niceness,
        )
        if args.niceness:
            renice([master], args.niceness, whole_group=True)
            renice(
                backend.service_pids.get("postgresql", lambda: [])(), args.niceness
            )  # our backends only
        before = backend.count_rows()
        groups: dict[str, Callable[[], list[int]]] = {
            "gunicorn": lambda: [master, *worker_pids(master)]
        }
        if relay_pid is not None:
            groups["relay"] = lambda: [relay_pid]
        meter = CpuMeter({**groups, **backend.service_pids})
        spy = profile_workers(master, args.seconds, profile, args.profile) if args.profile else None
        load = os.getloadavg()[0]
        meter.start()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        run = run_wrk(
            url,
            bodies,
            key,
            args.seconds,
            args.connections,
            args.wrk_threads,
            secrets.token_hex(3),
            args.idempotency_every,
            workdir,
            args.niceness,
        )
        after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The relay's work for the last reports is part of their cost: wait for it.
        publish_lag = wait_published(backend)
        cpu = meter.stop()
        after = backend.count_rows()
        if spy is not None:
            spy.wait(timeout=args.seconds + 60)
    cpu["wrk"] = (after_children.ru_utime + after_children.ru_stime) - (
        children.ru_utime + children.ru_stime
    )
    delta = {name: after[name] - before[name] for name in after}
    acknowledged = run["created"] - run["replayed"]
    seconds = run["duration_us"] / 1e6
    per_report = {
        name: round(1000 * used / max(acknowledged, 1), 2)
        for name, used in cpu.items()
        if name != "machine"
    }
    bench_total = sum(used for name, used in cpu.items() if name != "machine")
    result = {
        "server": label,
        "reports_per_s": round(acknowledged / seconds, 1),
        "p50_ms": round(run["latency_us"]["p50"] / 1000, 1),
        "p90_ms": round(run["latency_us"]["p90"] / 1000, 1),
        "p99_ms": round(run["latency_us"]["p99"] / 1000, 1),
        "max_ms": round(run["latency_us"]["max"] / 1000, 1),
        "stored": delta["reports"],
        "acknowledged": acknowledged,
        "answers": run["statuses"],
        "socket_errors": {k: v for k, v in run["errors"].items() if k != "status" and v},
        "drained": run["drained"],
        "outbox_rows": delta["outbox"],
        "enqueued": delta["enqueued"],
        "publisher": "relay" if relay_pid is not None else "on commit",
        "relay_caught_up_s": publish_lag,
        "idempotency_records": delta["idempotency"],
        "contacts": delta["contacts"],
        "links": delta["links"],
        "seconds": round(seconds, 2),
        "cpu_ms_per_report": per_report,
        "cpu_ms_per_report_total": round(sum(per_report.values()), 2),
        "gunicorn_kernel_share": meter.kernel_share.get("gunicorn", 0.0),
        "other_processes_cores": round(max(cpu["machine"] - bench_total, 0.0) / seconds, 2),
        # Throughput per core left to the bench: comparable between runs on a shared machine.
        "reports_per_s_per_free_core": round(
            acknowledged
            / seconds
            / max((os.cpu_count() or 1) - max(cpu["machine"] - bench_total, 0.0) / seconds, 0.1),
            1,
        ),
        "load_avg_before": round(load, 2),
    }
    logs = log.read_text(errors="replace") + (
        relay_log.read_text(errors="replace") if relay_log.exists() else ""
    )
    problems = [
        ln
        for ln in logs.splitlines()
        if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback", ln)
        and "No hostname was supplied" not in ln
    ]  # kombu's file-system transport, once per process
    result["server_log_problems"] = len(problems)
    result["server_log_first_problem"] = problems[0][:300] if problems else ""
    if spy is not None and profile.exists():
        result["profile"] = summarise_profile(profile)
        if args.profile_out:
            shutil.copy(profile, Path(args.profile_out).with_suffix(f".{backend.name}.txt"))
    return result


def report_lines(db: str, r: dict) -> list[str]:
    verdict = "equal" if r["stored"] == r["acknowledged"] else "NOT EQUAL: a bug"
    cpu = ", ".join(f"{name} {ms:.2f}" for name, ms in r["cpu_ms_per_report"].items())
    lines = [
        f"  {db} {r['server']}: {r['reports_per_s']:.1f} reports/s, latency p50 {r['p50_ms']:.1f} ms,"
        f" p90 {r['p90_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.1f} ms"
        f" ({r['seconds']:.1f} s)",
        f"    stored {r['stored']} / acknowledged {r['acknowledged']} ({verdict});"
        f" answers {r['answers']}; outbox rows {r['outbox_rows']},"
        f" enqueued ({r['publisher']}) {r['enqueued']}, all {r['relay_caught_up_s']} s after the"
        f" last answer; idempotency records"
        f" {r['idempotency_records']}, contacts {r['contacts']}, links {r['links']}",
        f"    CPU ms per report: {cpu} (total {r['cpu_ms_per_report_total']:.2f};"
        f" gunicorn's in the kernel: {100 * r['gunicorn_kernel_share']:.0f}%); other processes"
        f" on the machine used {r['other_processes_cores']:.2f} cores meanwhile (load average"
        f" before: {r['load_avg_before']}), so {r['reports_per_s_per_free_core']:.1f} reports/s"
        " per core left to the bench",
    ]
    if r["server_log_problems"]:
        lines.append(
            f"    server log: {r['server_log_problems']} warning/error lines, first: "
            f"{r['server_log_first_problem']}"
        )
    if r["socket_errors"] or not r["drained"]:
        lines.append(f"    socket errors {r['socket_errors']}; all answers awaited: {r['drained']}")
    return lines


# --- Main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="comma-separated: sqlite, postgres (default both)",
    )
    parser.add_argument("--seconds", type=int, default=20, help="measured sending time per run")
    parser.add_argument(
        "--warmup", type=int, default=3, help="unmeasured run before each measurement"
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=16,
        help="wrk connections, closed loop (16 = the request slots of gunicorn.conf.py on 2 cores: "
        "4 processes x 4 threads)",
    )
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--idempotency-every",
        type=int,
        default=4,
        help="every Nth request carries an Idempotency-Key (0: none)",
    )
    parser.add_argument(
        "--server",
        type=ServerConfig.parse,
        default=None,
        help="override gunicorn.conf.py, e.g. gthread/3x2 or sync/4",
    )
    parser.add_argument(
        "--sweep",
        type=lambda s: [ServerConfig.parse(x) for x in s.split(",")],
        default=None,
        help="measure several server configs, e.g. sync/2,sync/4,gthread/3x2",
    )
    parser.add_argument(
        "--niceness",
        type=int,
        default=0,
        help="run gunicorn, wrk and the bench's PostgreSQL backends at this niceness (e.g. -10 "
        "as root), so other work on a shared machine disturbs the figures less",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra server environment for a diagnostic run, e.g. TINGIA_RATELIMIT=0 "
        "(printed in the figures; not the production shape)",
    )
    parser.add_argument(
        "--profile",
        choices=["cpu", "wall"],
        default=None,
        help="py-spy the workers during the measured run: cpu (GIL holders) or wall (waits too)",
    )
    parser.add_argument(
        "--publish",
        choices=["relay", "commit"],
        default="relay",
        help="who hands outbox rows to the broker: a `manage.py outbox relay` process (the "
        "production setting, default) or the web request on commit (TINGIA_OUTBOX_PUBLISH)",
    )
    parser.add_argument(
        "--profile-out",
        default="",
        help="keep py-spy's raw stacks: PATH.<database>.txt (for flame graphs or grep)",
    )
    parser.add_argument("--bodies", type=int, default=3000, help="distinct report bodies")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TINGIA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("TINGIA_BENCH_REDIS", "redis://127.0.0.1:6379")
    )
    parser.add_argument(
        "--redis-db", type=int, default=int(os.environ.get("TINGIA_BENCH_REDIS_DB", "13"))
    )
    parser.add_argument(
        "--amqp-url",
        default=os.environ.get("TINGIA_BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672"),
    )
    args = parser.parse_args(argv)
    if args.connections % args.wrk_threads:
        parser.error("--connections must be a multiple of --wrk-threads")
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    for item in args.set:
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*=.*", item):
            parser.error(f"--set {item!r}: use NAME=VALUE")
    for db in args.databases:
        if db not in ("sqlite", "postgres"):
            parser.error(f"unknown database {db!r}: use sqlite and/or postgres")
    return args


def _raise_on_term(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # unwinds through every cleanup below


def print_profile(profile: dict, mode: str) -> None:
    what = "Python CPU time (GIL held)" if mode == "cpu" else "wall time, waits included"
    print(f"  profile: share of {what} inside requests ({profile['samples']} py-spy samples)")
    for name, pct in profile["groups_pct"].items():
        print(f"    {pct:5.1f}%  {name}")
    for title, part in (
        ("own time", "own_pct"),
        ("inclusive, project and library code", "inclusive_pct"),
    ):
        print(f"  top functions ({title}):")
        for name, pct in profile[part].items():
            print(f"    {pct:5.1f}%  {name}")


def headline(results: list[dict], p99_target_ms: float) -> dict:
    """The fastest server config whose p99 meets the target (the fastest overall if none does)."""
    meeting = [r for r in results if r["p99_ms"] <= p99_target_ms]
    return max(meeting or results, key=lambda r: r["reports_per_s"])


def run_database(db: str, args: argparse.Namespace, bodies: Path, workdir: Path) -> dict:
    factory = sqlite_backend(workdir) if db == "sqlite" else postgres_backend(workdir, args)
    with factory as backend:
        backend.env["TINGIA_OUTBOX_PUBLISH"] = args.publish
        backend.env.update(item.split("=", 1) for item in args.set)
        print(
            f"{db}: {', '.join(f'{k} {v}' for k, v in backend.notes.items())}"
            + (f"; diagnostic overrides: {' '.join(args.set)}" if args.set else "")
        )
        key = prepare_database(backend.env)
        results = []
        for config in args.sweep or [args.server]:
            result = measure(backend, key, config, args, bodies, workdir)
            print("\n".join(report_lines(db, result)), flush=True)
            if result.get("profile"):
                print_profile(result["profile"], args.profile)
            if result["stored"] != result["acknowledged"]:
                print(
                    f"  BUG: {db} stored {result['stored']} reports "
                    f"but acknowledged {result['acknowledged']}"
                )
            results.append(result)
        print(
            f"  outbox tasks waiting in the broker after the runs: {backend.broker_messages()} "
            "(no worker was running)"
        )
    best = headline(results, 100.0)
    return {
        f"{db}_reports_per_s": best["reports_per_s"],
        f"{db}_p50_ms": best["p50_ms"],
        f"{db}_p99_ms": best["p99_ms"],
        f"{db}_stored": best["stored"],
        f"{db}_acknowledged": best["acknowledged"],
        f"{db}_server": best["server"],
        f"{db}_cpu_ms_per_report": best["cpu_ms_per_report_total"],
        f"{db}_other_processes_cores": best["other_processes_cores"],
        f"{db}_reports_per_s_per_free_core": best["reports_per_s_per_free_core"],
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    require_wrk()
    signal.signal(signal.SIGTERM, _raise_on_term)
    figures: dict[str, float | int | str] = {}
    with tempfile.TemporaryDirectory(prefix="tingia-bench-intake-") as tmp:
        workdir = Path(tmp)
        bodies = workdir / "bodies.jsonl"
        bodies.write_text("\n".join(report_bodies(args.bodies)) + "\n", encoding="utf-8")
        print(
            f"load: wrk with {args.wrk_threads} thread(s) and {args.connections} connections,"
            " closed loop (each connection sends its next report when the last is answered,"
            f" no fixed rate); {args.seconds} s measured after {args.warmup} s of warm-up;"
            f" {args.bodies} distinct bodies, 1 request in {args.idempotency_every} with an"
            f" Idempotency-Key; {os.cpu_count()} cores"
        )
        for db in args.databases:
            figures.update(run_database(db, args, bodies, workdir))
    figures["connections"] = args.connections
    if args.set:
        figures["diagnostic_overrides"] = " ".join(args.set)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
