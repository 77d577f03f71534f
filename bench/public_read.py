"""Public read path under load: verdict pages, search and "check before you share".

What runs: 10,000 published verdicts generated from real Vietnamese texts of the shared data
sets (claims from vn-news-dataset-v2 posts and VAFC/VnExpress sentences, explanations from
VAFC and VnExpress articles), in SQLite (the embedded default) with stored e5 vectors and
folded search text; gunicorn with gunicorn.conf.py (DEBUG off, rate limits on with a high
check rate so the limiter's cache writes are still paid); wrk with bench/public_read_wrk.lua.

Each kind of request gets a freshly started server. Its master builds the search index and
the matcher before forking the workers (publishing.warm; the time until the server answers
is printed as server_ready_s), so the first run is cold only in caches (no rendered page,
no highlighted word, with e5 no model loaded) and the second is warm:
- search:  GET /tim-kiem/?q=… (2 to 6 words of a title, half typed without accents) at a
           paced rate (default 20 requests/s);
- check:   GET /api/v1/check?q=… with texts of up to 300 characters (3 in 4 a published claim,
           some cut, 1 in 4 news text from vietnamese-mds-200 that no verdict was made from;
           half typed without accents), paced the same way;
           long (250-300 characters) and short (<= 80) queries are also measured apart;
- verdict pages: as fast as the server answers (closed loop): uniformly over all 10,000 on a
           cold server, then over a hot set (Zipf over 500 pages, after a 30 s pass that fills
           each worker's page cache), then uniformly again (mostly cache misses: every miss renders).

The dataset (rows, vectors, folded text) is built once and cached as a SQLite file under
~/.cache/tingia (TINGIA_CACHE); embedding 10,000 claims with e5 takes minutes the first time.

Run: .venv/bin/python bench/public_read.py                   (about 6 minutes once cached)
     .venv/bin/python bench/public_read.py --rate 20 --seconds 30 --verdicts 10000
     .venv/bin/python bench/public_read.py --embedder hashing --cache-url redis://127.0.0.1:6379/9
Servers listen on ports 18200-18299. Besides latency, each run reports the server's CPU time
per request (the gunicorn process group's), which does not depend on the machine's load.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from _data import REPO_ROOT, cache_dir, production_env, shared_data

BIN = Path(sys.executable).parent
LUA = Path(__file__).resolve().parent / "public_read_wrk.lua"
HOST = "127.0.0.1"
DATASET_VERSION = "public-read-v1"
TOPICS = [
    "policy_law",
    "economy_finance",
    "health",
    "disaster_epidemic",
    "security_order",
    "fake_account",
    "scam_link",
    "other",
]
LABELS = [("fabricated", 0.6), ("distorted", 0.3), ("true", 0.1)]


# --- data ----------------------------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def source_texts() -> tuple[list[str], list[list[str]]]:
    """(short real posts, articles as sentence lists) from the shared data sets."""
    root = shared_data()
    posts: list[str] = []
    seen = set()
    for name in ("train_data.csv", "val_data.csv"):
        with (root / "vn-news-dataset-v2" / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                text = " ".join(row["content"].split())
                if 40 <= len(text) and text not in seen:
                    seen.add(text)
                    posts.append(text)
    articles = []
    for name in ("vafc_debunks.jsonl", "vnexpress_news.jsonl"):
        with (root / "vafc-tingia-crawl" / name).open(encoding="utf-8") as fh:
            articles.extend(_sentences(json.loads(line)["text"]) for line in fh if line.strip())
    return posts, [a for a in articles if len(a) >= 3]


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def build_dataset(n: int, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    posts, articles = source_texts()
    sentences = [s for a in articles for s in a if 50 <= len(s) <= 260]
    bases = posts + sentences
    rows, seen = [], set()
    i = 0
    while len(rows) < n:
        base = bases[i % len(bases)]
        i += 1
        extra = " ".join(rng.choice(sentences).split()[: rng.randint(5, 12)])
        claim = _cut(base if i <= len(bases) else f"{base}, {extra}", 300)
        if claim in seen:
            continue
        seen.add(claim)
        words = claim.split()
        title = " ".join(words[: rng.randint(8, 14)]).rstrip(",.;:")
        title = "Sự thật về tin: " + title[:1].upper() + title[1:]
        article = rng.choice(articles)
        start = rng.randrange(0, max(1, len(article) - 3))
        explanation = _cut(" ".join(article[start : start + rng.randint(3, 6)]), 900)
        label = rng.choices([k for k, _ in LABELS], [w for _, w in LABELS])[0]
        rows.append(
            {
                "claim": claim,
                "title": _cut(title, 200),
                "explanation": explanation,
                "label": label,
                "topic": rng.choice(TOPICS),
                "days_ago": rng.uniform(0, 1000),
                "hours": rng.uniform(1, 96),
            }
        )
    return rows


def strip_accents(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


# --- building the database (runs in a child process with Django set up) --------------------------


def _fold(row: dict) -> tuple[str, str]:
    from publishing.indexing import fold_verdict

    return fold_verdict(row["title"], row["claim"], row["explanation"])


def load_into_database(rows_file: Path) -> None:
    """Child process: rows + stored vectors + folded search text, with bulk inserts."""
    import django

    django.setup()
    from multiprocessing import Pool

    import numpy as np
    from _embed import form_vectors
    from django.utils import timezone
    from django.utils.text import slugify

    from claimmatch.embedding import E5Embedder
    from publishing.models import SearchEntry
    from verification.matching import vectors_to_bytes
    from verification.models import Claim, ClaimState, Verdict
    from vntext import fold

    rows = json.loads(rows_file.read_text(encoding="utf-8"))
    print(f"  embedding {len(rows)} claims", file=sys.stderr, flush=True)
    claims_text = [r["claim"] for r in rows]
    if os.environ.get("TINGIA_MATCHING_EMBEDDER") == "hashing":
        from claimmatch import HashingEmbedder, MatchConfig, Matcher

        matcher = Matcher(MatchConfig(), embedder=HashingEmbedder())
        vectors = [matcher.embed(text) for text in claims_text]
    else:  # the e5 vectors are cached by text, so a second build does not run the model again
        vectors = form_vectors(E5Embedder(), "public-read-claims", claims_text, is_query=False)
    print("  folding verdict texts for search", file=sys.stderr, flush=True)
    with Pool(max(1, os.cpu_count() or 1)) as pool:
        folded = pool.map(_fold, rows, chunksize=64)
    now = timezone.now()
    claims, verdicts = [], []
    for row, vec in zip(rows, vectors, strict=True):
        published = now - timezone.timedelta(days=row["days_ago"])
        claims.append(
            Claim(
                representative_text=row["claim"],
                topic=row["topic"],
                state=ClaimState.PUBLISHED,
                report_count=1,
                first_seen=published - timezone.timedelta(hours=row["hours"]),
                last_seen=published,
                concluded_at=published,
                created_at=published,
                embedding=vectors_to_bytes(np.asarray(vec)),
            )
        )
    Claim.objects.bulk_create(claims, batch_size=500)
    claims = list(Claim.objects.order_by("pk"))
    for row, claim in zip(rows, claims, strict=True):
        verdicts.append(
            Verdict(
                claim=claim,
                label=row["label"],
                title=row["title"],
                slug=slugify(fold(row["title"]).replace("đ", "d"))[:100] or "xac-minh",
                claim_reviewed=row["claim"],
                explanation=row["explanation"],
                published_at=claim.concluded_at,
            )
        )
    Verdict.objects.bulk_create(verdicts, batch_size=500)
    verdicts = list(Verdict.objects.select_related("claim").order_by("pk"))
    SearchEntry.objects.bulk_create(
        [
            SearchEntry(
                verdict=v,
                title_key=t,
                body_key=b,
                topic=v.claim.topic,
                label=v.label,
                published_at=v.published_at,
                verdict_updated_at=v.updated_at,
            )
            for v, (t, b) in zip(verdicts, folded, strict=True)
        ],
        batch_size=500,
    )
    print(f"  stored {len(verdicts)} verdicts", file=sys.stderr, flush=True)


def env_for(var_dir: Path, embedder: str, cache_url: str = "") -> dict[str, str]:
    env = production_env(var_dir)
    env.update(
        {
            "TINGIA_RATE_CHECK": "100000000/h",
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "bench")]),
            "TINGIA_CACHE": str(cache_dir()),
            "TINGIA_MATCHING_EMBEDDER": embedder,
        }
    )
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env


# Web processes run several requests at once on 2 cores: one thread per numeric library each.
WEB_THREADS_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "TINGIA_EMBED_THREADS": "1"}


def manage(env: dict[str, str], *command: str) -> None:
    done = subprocess.run(
        [str(BIN / "python"), str(REPO_ROOT / "manage.py"), *command],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(command)} failed:\n{done.stderr[-3000:]}")


def migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(REPO_ROOT.glob("*/migrations/0*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def template_database(rows: list[dict], embedder: str) -> Path:
    """The loaded SQLite file for these rows, vectors and migrations, built once and cached."""
    key = hashlib.sha256((DATASET_VERSION + json.dumps(rows, ensure_ascii=False)).encode()).hexdigest()[:12]
    path = cache_dir() / f"public-read-{key}-{embedder}-{migrations_fingerprint()}.sqlite3"
    if path.exists():
        return path
    with tempfile.TemporaryDirectory(prefix="tingia-public-build-") as tmp:
        var_dir = Path(tmp)
        env = env_for(var_dir, embedder)
        print("Building the benchmark database (once) ...", file=sys.stderr, flush=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "createcachetable")
        rows_file = var_dir / "rows.json"
        rows_file.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run(
            [str(BIN / "python"), __file__, "--load-into", str(rows_file)], env=env, cwd=REPO_ROOT
        )
        if done.returncode != 0:
            raise RuntimeError("loading the benchmark database failed")
        import sqlite3

        with contextlib.closing(sqlite3.connect(var_dir / "tingia.sqlite3")) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(var_dir / "tingia.sqlite3", path.with_suffix(".tmp"))
        path.with_suffix(".tmp").replace(path)
    return path


# --- requests ----------------------------------------------------------------------------------


def verdict_paths(db_file: Path) -> list[str]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as db:
        return [
            f"/xac-minh/{slug}-{pk}/"
            for pk, slug in db.execute("SELECT id, slug FROM verification_verdict ORDER BY id")
        ]


def search_paths(rows: list[dict], count: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(count):
        words = rng.choice(rows)["title"].split()[4:]  # after "Sự thật về tin:"
        take = rng.randint(2, min(6, max(2, len(words))))
        start = rng.randrange(0, max(1, len(words) - take + 1))
        query = " ".join(words[start : start + take]).strip(",.;:")
        if rng.random() < 0.5:
            query = strip_accents(query)
        out.append("/tim-kiem/?q=" + quote(query))
    return out


def unverified_texts(rows: list[dict]) -> list[str]:
    """Real Vietnamese news text that no verdict of the benchmark database was made from.

    The database's claims come from vn-news-dataset-v2 posts and vafc-tingia-crawl sentences,
    so a "post nobody verified" must come from elsewhere: vietnamese-mds-200 article bodies
    (a different corpus), cut at sentence starts, minus any that shares its first 40
    characters with a claim. (Until 23 Nov 2026 these were vn-news posts, all of which
    are claims in the database: nearly every check was a near-duplicate, settled without
    the sentence model.)
    """
    claims = {" ".join(row["claim"].split())[:40] for row in rows}
    out = []
    with (shared_data() / "vietnamese-mds-200" / "documents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            body = " ".join(json.loads(line)["body"].split())
            for sentence in _sentences(body):
                if len(sentence) >= 40 and sentence[:40] not in claims:
                    out.append(sentence)
    return out


def check_texts(
    rows: list[dict], unverified: list[str], count: int, rng: random.Random, lengths: tuple[int, int]
) -> list[str]:
    """Check queries: 3 in 4 a published claim (some cut, half without accents), 1 in 4 text
    nobody verified; texts shorter than the range are extended with unverified sentences
    (a forwarded message with words around it)."""
    low, high = lengths
    out = []
    while len(out) < count:
        if rng.random() < 0.75:
            text = rng.choice(rows)["claim"]
            words = text.split()
            if len(words) > 8 and rng.random() < 0.5:
                words = words[1:-1]  # reworded a little: first and last word cut
            text = " ".join(words)
        else:
            text = rng.choice(unverified)
        while len(text) < low:
            text = text + " " + rng.choice(unverified)
        text = _cut(text, high)
        if rng.random() < 0.5:
            text = strip_accents(text)
        if low <= len(text) <= high:
            out.append(text)
    return out


def check_paths(texts: list[str]) -> list[str]:
    return ["/api/v1/check?q=" + quote(t) for t in texts]


def zipf_paths(paths: list[str], count: int, rng: random.Random, hot: int = 500) -> list[str]:
    weights = [1 / (rank + 1) for rank in range(hot)]
    chosen = rng.sample(paths, hot)
    return rng.choices(chosen, weights, k=count)


# --- server and load ---------------------------------------------------------------------------


SERVER_GROUPS: dict[str, int] = {}  # server url -> process group of its gunicorn (master + workers)


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by a process group, workers recycled meanwhile included.

    Under a loaded machine wall-clock latency mostly measures the queue for a core; the
    server's CPU time per request is the figure that does not depend on the neighbours.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:  # utime, stime, and cutime, cstime: the master's reaped workers
            total += sum(int(x) for x in fields[11:15])
    return total / ticks


PORTS = range(18200, 18300)  # this bench's own range, so parallel benches never collide


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@contextlib.contextmanager
def server(
    template: Path, workdir: Path, tag: str, embedder: str, cache_url: str = "", ready: dict | None = None
) -> Iterator[str]:
    """A gunicorn on a copy of the database; `ready[tag]` gets the seconds until it answered.

    The master builds the search index and the matcher before forking (publishing.warm),
    so "ready" includes that build.
    """
    var_dir = workdir / tag
    var_dir.mkdir()
    shutil.copyfile(template, var_dir / "tingia.sqlite3")
    for folder in ("queue/messages", "queue/control"):
        (var_dir / folder).mkdir(parents=True, exist_ok=True)
    env = env_for(var_dir, embedder, cache_url)
    env.update(WEB_THREADS_ENV)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    if cache_url.startswith("redis"):
        import redis

        redis.Redis.from_url(cache_url).flushdb()  # nothing from an earlier server
    port = free_port()
    env.update({"GUNICORN_BIND": f"{HOST}:{port}", "GUNICORN_TIMEOUT": "900"})
    log = (var_dir / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(REPO_ROOT / "gunicorn.conf.py")],
        env=env,
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://{HOST}:{port}"
    started = time.monotonic()
    try:
        deadline = time.monotonic() + 900
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{(var_dir / 'gunicorn.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/robots.txt", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer in 900 s")
            time.sleep(0.5)
        if ready is not None:
            ready[tag] = round(time.monotonic() - started, 1)
        SERVER_GROUPS[url] = proc.pid
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def run_wrk(
    url: str, paths: list[str], workdir: Path, seconds: int, connections: int, threads: int, pause_ms: int
) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("bench/public_read.py needs wrk: apt-get install -y wrk")
    paths_file = workdir / f"paths-{secrets.token_hex(4)}.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "--latency",
        "-s",
        str(LUA),
        url,
        "--",
        str(paths_file),
        str(pause_ms),
    ]
    group = SERVER_GROUPS.get(url)
    cpu_before = group_cpu_seconds(group) if group else 0.0
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 180)
    cpu_used = (group_cpu_seconds(group) - cpu_before) if group else float("nan")
    line = next((row for row in done.stdout.splitlines() if row.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    raw = json.loads(line.split(" ", 1)[1])
    seconds_run = raw["duration_us"] / 1e6
    ok = sum(n for code, n in raw["statuses"].items() if code.startswith("2"))
    lat = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "rate": round(raw["requests"] / seconds_run, 1),
        "ok": ok,
        "non_2xx": raw["requests"] - ok,
        "errors": sum(raw["errors"].values()),
        "p50_ms": round(lat["p50"] / 1000, 1),
        "p90_ms": round(lat["p90"] / 1000, 1),
        "p99_ms": round(lat["p99"] / 1000, 1),
        "max_ms": round(lat["max"] / 1000, 1),
        "server_cpu_ms_per_request": round(1000 * cpu_used / max(1, raw["requests"]), 2),
    }


def time_e5_queries(texts: list[str]) -> dict[str, float]:
    """Milliseconds the e5 model takes to embed one check query (both forms), in this process."""
    sys.path.insert(0, str(REPO_ROOT))
    from claimmatch import E5Embedder
    from claimmatch.matcher import embed_forms
    from claimmatch.text_keys import text_keys

    embedder = E5Embedder()
    embedder.embed_queries(["khởi động"])  # load the model first
    times = []
    for text in texts:
        forms = embed_forms(text_keys(text))
        start = time.perf_counter()
        embedder.embed_queries(forms)
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return {
        "count": len(times),
        "p50_ms": round(times[len(times) // 2], 1),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
    }


def timed_get(url: str, timeout: float = 1800) -> float:
    start = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        answer.read()
    return time.monotonic() - start


def warm_all_workers(
    url: str, paths: list[str], parallel: int = 6, fast: float = 2.0, limit: float = 1800
) -> float:
    """Seconds until `parallel` requests at once all answer within `fast` seconds.

    The master builds the matcher before forking (publishing.warm), so every worker starts
    with it; with e5 each worker still loads the model on its first check. Concurrent
    requests reach every worker, so once a whole round is fast, every worker is warm.
    """
    from concurrent.futures import ThreadPoolExecutor

    start = time.monotonic()
    i = 0
    with ThreadPoolExecutor(parallel) as pool:
        while time.monotonic() - start < limit:
            batch = [url + paths[(i + k) % len(paths)] for k in range(parallel)]
            i += parallel
            if max(pool.map(timed_get, batch)) < fast:
                return round(time.monotonic() - start, 1)
    return float("nan")


def paced(rate: float, connections: int) -> int:
    return max(1, int(connections * 1000 / rate))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--verdicts", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=20.0, help="search and check requests per second")
    parser.add_argument("--seconds", type=int, default=30, help="length of each measured run")
    parser.add_argument("--page-connections", type=int, default=24)
    parser.add_argument(
        "--embedder",
        choices=("e5", "hashing"),
        default="e5",
        help="sentence model of the matcher: e5 (production) or hashing (no model; check "
        "figures then leave out the model, see --time-e5-queries)",
    )
    parser.add_argument(
        "--time-e5-queries",
        type=int,
        default=0,
        help="also time this many e5 query embeddings in-process (the model's share of a check)",
    )
    parser.add_argument(
        "--cache-url",
        default="",
        help="shared cache of the servers (e.g. redis://127.0.0.1:6379/15); default: the embedded "
        "database cache, on which rendered pages stay in each worker's memory only",
    )
    parser.add_argument("--load-into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_into:
        load_into_database(args.load_into)
        return
    started = time.monotonic()
    load_before = os.getloadavg()
    rng = random.Random(7)
    rows = build_dataset(args.verdicts)
    unverified = unverified_texts(rows)
    template = template_database(rows, args.embedder)
    results: dict[str, dict] = {}
    ready: dict[str, float] = {}
    conns = max(2, round(args.rate))  # one request a second per connection: latency barely slows the rate
    pause = paced(args.rate, conns)
    with tempfile.TemporaryDirectory(prefix="tingia-public-read-") as tmp:
        workdir = Path(tmp)
        pages = verdict_paths(template)
        searches = search_paths(rows, 3000, rng)
        checks = check_paths(check_texts(rows, unverified, 3000, rng, (20, 300)))
        long_checks = check_paths(check_texts(rows, unverified, 1500, rng, (250, 300)))
        short_checks = check_paths(check_texts(rows, unverified, 1500, rng, (20, 80)))
        hot_pages = zipf_paths(pages, 20000, rng)
        uniform_pages = rng.sample(pages, len(pages))
        with server(template, workdir, "search", args.embedder, args.cache_url, ready) as url:
            print("search: cold, then warm", file=sys.stderr, flush=True)
            results["search_cold"] = run_wrk(url, searches, workdir, args.seconds, conns, 1, pause)
            results["search_warm"] = run_wrk(url, searches[::-1], workdir, args.seconds, conns, 1, pause)
        with server(template, workdir, "check", args.embedder, args.cache_url, ready) as url:
            print(
                "check: first answer, all workers warm, then warm runs (mixed, long, short)",
                file=sys.stderr,
                flush=True,
            )
            cold_start = {
                "first_answer_s": round(timed_get(url + checks[0]), 1),
                "all_workers_warm_s": warm_all_workers(url, checks[1:]),
            }
            print(f"  check cold start: {cold_start}", file=sys.stderr, flush=True)
            results["check_warm"] = run_wrk(url, checks[::-1], workdir, args.seconds, conns, 1, pause)
            results["check_long_warm"] = run_wrk(url, long_checks, workdir, args.seconds, conns, 1, pause)
            results["check_short_warm"] = run_wrk(url, short_checks, workdir, args.seconds, conns, 1, pause)
        with server(template, workdir, "pages", args.embedder, args.cache_url, ready) as url:
            print("verdict pages: cold uniform, warm hot set, warm uniform", file=sys.stderr, flush=True)
            results["pages_cold_uniform"] = run_wrk(
                url, uniform_pages, workdir, 20, args.page_connections, 2, 0
            )
            run_wrk(url, sorted(set(hot_pages)) * 4, workdir, 30, args.page_connections, 2, 0)  # fill caches
            results["pages_warm_hot"] = run_wrk(url, hot_pages, workdir, 20, args.page_connections, 2, 0)
            results["pages_warm_uniform"] = run_wrk(
                url, uniform_pages[::-1], workdir, 20, args.page_connections, 2, 0
            )
    for name, figures in results.items():
        print(f"{name:22s} {json.dumps(figures)}")
    e5 = (
        time_e5_queries(check_texts(rows, unverified, args.time_e5_queries, rng, (250, 300)))
        if args.time_e5_queries
        else {}
    )
    summary = {
        "verdicts": args.verdicts,
        "target_rate": args.rate,
        "embedder": args.embedder,
        "cache": "redis" if args.cache_url.startswith("redis") else (args.cache_url or "database"),
        "server_ready_s": ready,
        "search_rate": results["search_warm"]["rate"],
        "search_p99_ms_warm": results["search_warm"]["p99_ms"],
        "search_p99_ms_cold": results["search_cold"]["p99_ms"],
        "check_rate": results["check_warm"]["rate"],
        "check_p99_ms_warm": results["check_warm"]["p99_ms"],
        "check_cold_first_answer_s": cold_start["first_answer_s"],
        "check_cold_all_workers_warm_s": cold_start["all_workers_warm_s"],
        "check_long_p99_ms": results["check_long_warm"]["p99_ms"],
        "check_long_p50_ms": results["check_long_warm"]["p50_ms"],
        "check_short_p99_ms": results["check_short_warm"]["p99_ms"],
        "search_p50_ms_warm": results["search_warm"]["p50_ms"],
        "check_p50_ms_warm": results["check_warm"]["p50_ms"],
        "pages_rps_warm_hot": results["pages_warm_hot"]["rate"],
        "pages_rps_warm_uniform": results["pages_warm_uniform"]["rate"],
        "pages_rps_cold_uniform": results["pages_cold_uniform"]["rate"],
        "pages_p99_ms_warm_hot": results["pages_warm_hot"]["p99_ms"],
        "cpu_ms_per_request": {name: r["server_cpu_ms_per_request"] for name, r in results.items()},
        "non_2xx": sum(r["non_2xx"] for r in results.values()),
        "socket_errors": sum(r["errors"] for r in results.values()),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "seconds": round(time.monotonic() - started),
        **{f"e5_query_{k}": v for k, v in e5.items()},
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
