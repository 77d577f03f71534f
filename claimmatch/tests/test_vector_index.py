"""Tests of the claim vector index, its saved/mapped files and the snapshot + delta reader.

Everything is small (a few hundred vectors of 8-32 dims) so the file runs in seconds; the
real-size figures come from bench/match_latency.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from claimmatch.index_store import Change, LayeredIndex, SnapshotBuilder, snapshot_seq
from claimmatch.vector_index import (
    AnnParams,
    IndexFormatError,
    ReadOnlyIndexError,
    VectorIndex,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
# One insertion thread: the same graph on every run, so exact comparisons below are repeatable.
ACCURATE = AnnParams(dtype="f32", connectivity=16, expansion_add=128, expansion_search=256, add_threads=1)


def unit_rows(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    rows = rng.standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def brute_force(ids: np.ndarray, vectors: np.ndarray, queries: np.ndarray, k: int):
    """Reference answer written independently of the index: best score per id, top k."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    answers = []
    for row in q @ unit.T:
        best: dict[int, float] = {}
        for claim_id, score in zip(ids.tolist(), row.tolist()):
            best[claim_id] = max(score, best.get(claim_id, -2.0))
        answers.append(sorted(best.items(), key=lambda item: -item[1])[:k])
    return answers


def assert_same_hits(got, expected, tol=1e-5):
    assert len(got) == len(expected)
    for hits, want in zip(got, expected):
        assert [claim for claim, _ in hits] == [claim for claim, _ in want]
        np.testing.assert_allclose([s for _, s in hits], [s for _, s in want], atol=tol)


@pytest.fixture
def data():
    rng = np.random.default_rng(42)
    ids = np.repeat(np.arange(100, 400), 2)  # 300 claims, 2 vectors each
    vectors = unit_rows(rng, len(ids), 16)
    queries = unit_rows(rng, 12, 16)
    return ids, vectors, queries


# ---------------------------------------------------------------- VectorIndex: exact mode


def test_exact_search_returns_best_score_per_claim_once(data):
    ids, vectors, queries = data
    index = VectorIndex(16)
    index.add(ids, vectors)
    assert index.mode == "exact"
    assert len(index) == 300 and index.vector_count == 600
    got = index.search(queries, 7)
    assert_same_hits(got, brute_force(ids, vectors, queries, 7))
    for hits in got:
        assert len({claim for claim, _ in hits}) == 7


def test_claim_found_by_either_of_its_vectors(data):
    ids, vectors, _ = data
    index = VectorIndex(16)
    index.add(ids, vectors)
    folded_form_of_claim_250 = vectors[2 * (250 - 100) + 1]
    top_claim, top_score = index.search(folded_form_of_claim_250, 1)[0][0]
    assert top_claim == 250
    assert top_score == pytest.approx(1.0, abs=1e-5)


def test_cosine_ignores_vector_length(data):
    ids, vectors, queries = data
    index = VectorIndex(16)
    index.add(ids, vectors * 7.5)
    assert_same_hits(index.search(queries * 0.01, 5), brute_force(ids, vectors, queries, 5))


def test_remove_drops_every_vector_of_a_claim(data):
    ids, vectors, queries = data
    index = VectorIndex(16)
    index.add(ids, vectors)
    first = index.search(queries[:1], 1)[0][0][0]
    assert index.remove([first, 999_999]) == 2  # unknown ids are ignored
    assert first not in [c for hits in index.search(queries, 50) for c, _ in hits]
    keep = ids != first
    assert_same_hits(index.search(queries, 5), brute_force(ids[keep], vectors[keep], queries, 5))
    assert len(index) == 299


def test_replace_swaps_a_claims_vectors(data):
    ids, vectors, _ = data
    index = VectorIndex(16)
    index.add(ids, vectors)
    target = vectors[0]  # claim 100's first vector
    index.replace([300, 300], np.stack([target, target]))
    hits = index.search(target, 2)[0]
    assert {hits[0][0], hits[1][0]} == {100, 300}
    assert index.vector_count == 600
    with pytest.raises(ValueError, match="NaN"):
        index.replace([300], np.full((1, 16), np.nan))
    assert index.search(target, 2)[0] == hits  # a rejected replacement keeps the old vectors


def test_exclude_hides_claims_and_still_fills_k(data):
    ids, vectors, queries = data
    index = VectorIndex(16)
    index.add(ids, vectors)
    full = index.search(queries[:1], 10)[0]
    hidden = {claim for claim, _ in full[:4]}
    got = index.search(queries[:1], 10, exclude=hidden)[0]
    assert len(got) == 10 and not hidden & {claim for claim, _ in got}
    assert [c for c, _ in got[:6]] == [c for c, _ in full[4:]]


def test_k_larger_than_collection_and_empty_index():
    index = VectorIndex(4)
    assert index.search(np.ones(4), 3) == [[]]
    index.add([1, 1, 2], np.eye(4)[:3])
    assert [c for c, _ in index.search(np.ones(4), 10)[0]] in ([1, 2], [2, 1])
    assert index.search(np.ones((2, 4)), 0) == [[], []]


@pytest.mark.parametrize(
    "vectors, message",
    [
        (np.ones((2, 3)), "shaped"),
        (np.array([[np.nan, 0, 0, 1]]), "NaN"),
        (np.zeros((1, 4)), "all-zero"),
        ("not numbers", "numeric"),
    ],
)
def test_bad_vectors_get_a_clear_error(vectors, message):
    index = VectorIndex(4)
    with pytest.raises(ValueError, match=message):
        index.add([1] * len(np.atleast_2d(vectors)) if not isinstance(vectors, str) else [1],
                  vectors)
    assert len(index) == 0


def test_bad_ids_and_settings_get_a_clear_error():
    index = VectorIndex(4)
    with pytest.raises(ValueError, match="ids"):
        index.add([1], np.ones((2, 4)))
    with pytest.raises(ValueError, match="non-negative"):
        index.add([-3], np.ones((1, 4)))
    with pytest.raises(ValueError, match="metric"):
        VectorIndex(4, metric="l2")
    with pytest.raises(ValueError, match="dim"):
        VectorIndex(0)
    with pytest.raises(ValueError, match="queries"):
        index.search(np.ones(5), 3)


# ---------------------------------------------------------------- VectorIndex: ANN mode


def test_switches_to_hnsw_past_threshold_and_keeps_results(data):
    ids, vectors, queries = data
    index = VectorIndex(16, exact_below=200, ann=ACCURATE)
    index.add(ids[:100], vectors[:100])
    assert index.mode == "exact"
    index.add(ids[100:], vectors[100:])
    assert index.mode == "ann"
    assert_same_hits(index.search(queries, 5), brute_force(ids, vectors, queries, 5))


def test_hnsw_remove_and_add_after_switch(data):
    ids, vectors, queries = data
    index = VectorIndex(16, exact_below=50, ann=ACCURATE)
    index.add(ids, vectors)
    gone = [c for c, _ in index.search(queries[:3], 2)[0]]
    index.remove(gone)
    rng = np.random.default_rng(5)
    extra = unit_rows(rng, 4, 16)
    index.add([900, 900, 901, 901], extra)
    keep = ~np.isin(ids, gone)
    all_ids = np.concatenate([ids[keep], [900, 900, 901, 901]])
    all_vectors = np.concatenate([vectors[keep], extra])
    assert_same_hits(index.search(queries, 5), brute_force(all_ids, all_vectors, queries, 5))
    assert len(index) == 300 - 2 + 2


def test_hnsw_search_widens_when_many_best_claims_are_hidden(data):
    ids, vectors, queries = data
    index = VectorIndex(16, exact_below=100, ann=ACCURATE)
    index.add(ids, vectors)
    ranked = [c for c, _ in brute_force(ids, vectors, queries[:1], 300)[0]]
    hidden = np.array(ranked[:120])  # far more than the first look-up asks for
    keep = ~np.isin(ids, hidden)
    got = index.search(queries[:1], 5, exclude=hidden)
    assert_same_hits(got, brute_force(ids[keep], vectors[keep], queries[:1], 5))


def cone_rows(rng: np.random.Generator, n: int, dim: int = 16, rank: int = 5) -> np.ndarray:
    """Unit vectors in a narrow cone whose spread lies mostly in ``rank`` directions, like e5's."""
    spread = rng.standard_normal((n, rank)) @ rng.standard_normal((rank, dim))
    rows = 0.3 * spread + 0.02 * rng.standard_normal((n, dim))
    rows[:, 0] += 3.0  # the shared direction that makes every pair look alike
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


REDUCED = AnnParams(dtype="f32", connectivity=16, expansion_add=128, expansion_search=256,
                    add_threads=1, reduce_to=6, rerank=60)


def reduced_index(seed: int, n_queries: int):
    """300 claims x 2 cone vectors in a REDUCED index, queries from the same cone, and the rng."""
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(300), 2)
    vectors = cone_rows(rng, len(ids))
    queries = cone_rows(rng, n_queries)
    index = VectorIndex(16, exact_below=100, ann=REDUCED)
    index.add(ids, vectors)
    return rng, ids, vectors, queries, index


def test_reduced_graph_with_rerank_returns_exact_claims_and_scores():
    rng, ids, vectors, queries, index = reduced_index(8, 10)
    assert index.mode == "ann"
    # Scores are the exact cosines of the full vectors, not the 6-dim graph's distances.
    assert_same_hits(index.search(queries, 5), brute_force(ids, vectors, queries, 5))
    # Adding after the switch projects with the directions fitted then; removing still works.
    extra = cone_rows(rng, 4)
    index.add([900, 900, 901, 901], extra)
    gone = [c for c, _ in index.search(queries[:1], 2)[0]]
    index.remove(gone)
    all_ids = np.concatenate([ids, [900, 900, 901, 901]])
    all_vectors = np.concatenate([vectors, extra])
    keep = ~np.isin(all_ids, gone)
    assert_same_hits(index.search(queries, 5),
                     brute_force(all_ids[keep], all_vectors[keep], queries, 5))


def test_reduced_graph_alone_misranks_and_rerank_depth_fixes_it():
    rng = np.random.default_rng(9)
    ids = np.arange(600)
    vectors = cone_rows(rng, 600, rank=12)  # 2 graph dims keep only part of the spread
    queries = cone_rows(rng, 20, rank=12)
    params = AnnParams(dtype="f32", connectivity=16, expansion_add=128, expansion_search=600,
                       add_threads=1, reduce_to=2, rerank=1)
    index = VectorIndex(16, exact_below=100, ann=params)
    index.add(ids, vectors)
    truth = [[c for c, _ in row] for row in brute_force(ids, vectors, queries, 5)]

    def recall() -> float:
        found = [[c for c, _ in row] for row in index.search(queries, 5)]
        return float(np.mean([len(set(f) & set(t)) / 5 for f, t in zip(found, truth)]))

    shallow = recall()  # only the graph's own top 5 get re-scored
    index.set_rerank(600)  # every row re-scored: exact
    assert shallow < 0.9 and recall() == 1.0


def test_default_settings_reduce_wide_vectors_and_find_the_exact_claims():
    rng = np.random.default_rng(11)
    ids = np.repeat(np.arange(400), 2)
    vectors = cone_rows(rng, len(ids), dim=160, rank=40)
    queries = cone_rows(rng, 10, dim=160, rank=40)
    index = VectorIndex(160, exact_below=200)  # production AnnParams: 128 of 160 dims
    index.add(ids, vectors)
    assert index.mode == "ann" and index.ann_params.reduce_to == 128
    # Full vectors are kept as f16, so scores match the exact ones to about 1e-3.
    assert_same_hits(index.search(queries, 5), brute_force(ids, vectors, queries, 5), tol=2e-3)


def test_reduce_to_needs_rerank_and_rerank_stays_positive():
    with pytest.raises(ValueError, match="rerank"):
        AnnParams(reduce_to=8, rerank=0)
    index = VectorIndex(16, exact_below=50, ann=REDUCED)
    index.add(np.arange(60), cone_rows(np.random.default_rng(1), 60))
    with pytest.raises(ValueError, match="rerank"):
        index.set_rerank(0)


def test_reduced_index_round_trips_through_a_mapped_file(tmp_path):
    rng, ids, vectors, queries, index = reduced_index(10, 8)
    path = tmp_path / "reduced.tgvi"
    index.save(path)
    expected = brute_force(ids, vectors, queries, 6)
    mapped = VectorIndex.load(path, mmap=True)
    assert mapped.read_only and mapped.ann_params == REDUCED
    assert_same_hits(mapped.search(queries, 6), expected)
    copy = VectorIndex.load(path, mmap=False)
    extra = cone_rows(rng, 2)
    copy.add([777, 777], extra)
    assert_same_hits(copy.search(queries, 6),
                     brute_force(np.concatenate([ids, [777, 777]]),
                                 np.concatenate([vectors, extra]), queries, 6))
    mapped.save(tmp_path / "again.tgvi")  # re-saving a mapped reduced index keeps everything
    assert_same_hits(VectorIndex.load(tmp_path / "again.tgvi").search(queries, 6), expected)


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("exact_below", [10**6, 100])
def test_save_and_load_round_trip(tmp_path, data, exact_below):
    ids, vectors, queries = data
    index = VectorIndex(16, exact_below=exact_below, ann=ACCURATE)
    index.add(ids, vectors)
    path = tmp_path / "claims.tgvi"
    index.save(path, meta={"seq": 41})
    expected = index.search(queries, 6)
    for mmap in (True, False):
        loaded = VectorIndex.load(path, mmap=mmap)
        assert loaded.mode == index.mode and loaded.meta == {"seq": 41}
        assert loaded.read_only is mmap
        assert len(loaded) == 300
        assert_same_hits(loaded.search(queries, 6), expected, tol=1e-6)
    assert VectorIndex.read_meta(path) == {"seq": 41}
    assert [p.name for p in tmp_path.iterdir()] == ["claims.tgvi"]  # no temporary left


def test_mapped_index_refuses_changes_but_a_copy_accepts_them(tmp_path, data):
    ids, vectors, queries = data
    index = VectorIndex(16)
    index.add(ids, vectors)
    path = tmp_path / "claims.tgvi"
    index.save(path)
    mapped = VectorIndex.load(path, mmap=True)
    with pytest.raises(ReadOnlyIndexError):
        mapped.add([1], vectors[:1])
    with pytest.raises(ReadOnlyIndexError):
        mapped.remove([100])
    copy = VectorIndex.load(path, mmap=False)
    copy.remove([100])
    assert len(copy) == 299 and len(mapped) == 300


def test_resaving_a_mapped_hnsw_index_copies_it(tmp_path, data):
    ids, vectors, queries = data
    index = VectorIndex(16, exact_below=100, ann=ACCURATE)
    index.add(ids, vectors)
    index.save(tmp_path / "a.tgvi")
    VectorIndex.load(tmp_path / "a.tgvi").save(tmp_path / "b.tgvi", meta={"seq": 2})
    again = VectorIndex.load(tmp_path / "b.tgvi")
    assert again.meta == {"seq": 2}
    assert_same_hits(again.search(queries, 4), index.search(queries, 4), tol=1e-6)


def test_atomic_save_keeps_old_file_for_mapped_readers(tmp_path, data, monkeypatch):
    ids, vectors, queries = data
    path = tmp_path / "claims.tgvi"
    first = VectorIndex(16)
    first.add(ids[:200], vectors[:200])
    first.save(path, meta={"seq": 1})
    reader = VectorIndex.load(path)
    before = reader.search(queries, 3)

    second = VectorIndex(16)
    second.add(ids, vectors)
    second.save(path, meta={"seq": 2})
    assert_same_hits(reader.search(queries, 3), before, tol=0)  # old mapping still intact
    assert VectorIndex.load(path).meta == {"seq": 2}

    def failing_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        first.save(path, meta={"seq": 3})
    monkeypatch.undo()
    assert VectorIndex.load(path).meta == {"seq": 2}  # a failed save leaves the old file
    assert [p.name for p in tmp_path.iterdir()] == ["claims.tgvi"]


@pytest.mark.parametrize(
    "content",
    [b"", b"not an index at all", b"TGVIDX\x00\x01" + (10**12).to_bytes(8, "little")],
)
def test_garbage_files_raise_index_format_error(tmp_path, content):
    path = tmp_path / "bad.tgvi"
    path.write_bytes(content)
    with pytest.raises(IndexFormatError):
        VectorIndex.load(path)


def test_truncated_file_raises_index_format_error(tmp_path, data):
    ids, vectors, _ = data
    index = VectorIndex(16)
    index.add(ids, vectors)
    path = tmp_path / "claims.tgvi"
    index.save(path)
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(IndexFormatError, match="truncated"):
        VectorIndex.load(path)


_CHILD = """
import json, sys
import numpy as np
from claimmatch.vector_index import VectorIndex
queries = np.array(json.loads(sys.argv[1]), dtype=np.float32)
with open("/proc/self/maps") as maps:
    before = maps.read()
out = []
for path in sys.argv[2:]:
    index = VectorIndex.load(path, mmap=True)
    hits = index.search(queries, 5)
    with open("/proc/self/maps") as maps:
        mapped = path not in before and any(line.rstrip().endswith(path) for line in maps)
    out.append({"hits": hits, "mapped": mapped, "mode": index.mode})
print(json.dumps(out))
"""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_two_processes_share_one_mapped_file(tmp_path, data):
    ids, vectors, queries = data
    indexes = {}
    for exact_below in (10**6, 100):  # one exact file, one HNSW file
        index = VectorIndex(16, exact_below=exact_below, ann=ACCURATE)
        index.add(ids, vectors)
        path = tmp_path / f"shared-{index.mode}.tgvi"
        index.save(path)
        indexes[str(path)] = index
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    args = [sys.executable, "-c", _CHILD, json.dumps(queries[:4].tolist()), *indexes]
    children = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
                for _ in range(2)]
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
        for result, index in zip(json.loads(out), indexes.values()):
            assert result["mapped"] is True  # mapped from the file, not read into private memory
            assert result["mode"] == index.mode
            hits = [[tuple(hit) for hit in row] for row in result["hits"]]
            assert_same_hits(hits, index.search(queries[:4], 5), tol=1e-6)


# ---------------------------------------------------------------- threads


@pytest.mark.parametrize("exact_below", [10**6, 150])
def test_concurrent_adds_and_searches_match_a_fresh_exact_index(data, exact_below):
    ids, vectors, queries = data
    index = VectorIndex(16, exact_below=exact_below, ann=ACCURATE)
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(part: int) -> None:
        try:
            for start in range(part * 2, len(ids), 8):  # 4 writers, interleaved claims
                index.add(ids[start : start + 2], vectors[start : start + 2])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    def reader() -> None:
        try:
            while not stop.is_set():
                for hits in index.search(queries, 5):
                    assert len({c for c, _ in hits}) == len(hits)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(part,)) for part in range(4)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert not errors
    fresh = VectorIndex(16, exact_below=10**6)
    fresh.add(ids, vectors)
    assert len(index) == len(fresh) == 300
    assert_same_hits(index.search(queries, 5), fresh.search(queries, 5))


# ---------------------------------------------------------------- snapshot + delta


def rows_of(ids: np.ndarray, vectors: np.ndarray):
    for claim_id in np.unique(ids).tolist():
        yield claim_id, vectors[ids == claim_id]


@pytest.mark.parametrize("exact_below", [10**6, 100])
def test_layered_index_equals_exact_index_of_the_current_state(tmp_path, data, exact_below):
    ids, vectors, queries = data
    path = tmp_path / "snap.tgvi"
    builder = SnapshotBuilder(path, 16, exact_below=exact_below, ann=ACCURATE)
    assert builder.build(rows_of(ids[:400], vectors[:400]), seq=10)  # claims 100..299
    layered = LayeredIndex(16, path)
    assert layered.snapshot_seq == 10

    rng = np.random.default_rng(9)
    new_vectors = unit_rows(rng, 6, 16)
    top = layered.search(queries[:1], 1)[0][0][0]
    changes = [
        Change(350, 11, vectors[500:502]),  # a claim added after the snapshot
        Change(150, 12, new_vectors[:2]),  # a snapshot claim whose vectors changed
        Change(top, 13, None),  # a snapshot claim deleted
        Change(120, 9, None),  # older than the snapshot: already covered, ignored
        Change(350, 11, vectors[500:502]),  # delivered twice
    ]
    assert layered.apply(changes) == 3
    state = {int(c): vectors[ids == c] for c in np.unique(ids[:400]).tolist()}
    state[350] = vectors[500:502]
    state[150] = new_vectors[:2]
    del state[top]
    expect_ids = np.concatenate([[c] * len(v) for c, v in state.items()])
    expect_vectors = np.concatenate(list(state.values()))
    assert_same_hits(layered.search(queries, 6),
                     brute_force(expect_ids, expect_vectors, queries, 6), tol=1e-5)
    assert layered.delta_claims == 3 and layered.watermark == 13


def test_layered_index_ignores_out_of_order_older_change(tmp_path, data):
    ids, vectors, _ = data
    layered = LayeredIndex(16)
    layered.apply([Change(7, 5, vectors[:2])])
    assert layered.apply([Change(7, 4, None)]) == 0  # an older change arriving late
    assert layered.search(vectors[0], 1)[0][0][0] == 7
    layered.apply([Change(7, 6, None)])
    assert layered.search(vectors[0], 1) == [[]]


def test_reload_takes_newer_snapshot_and_drops_covered_delta(tmp_path, data):
    ids, vectors, queries = data
    path = tmp_path / "snap.tgvi"
    builder = SnapshotBuilder(path, 16)
    builder.build(rows_of(ids[:200], vectors[:200]), seq=1)
    layered = LayeredIndex(16, path)
    layered.apply([Change(int(c), 2 + i, vectors[ids == c])
                   for i, c in enumerate(np.unique(ids[200:]).tolist())])
    assert layered.delta_claims == 200
    before = layered.search(queries, 5)
    assert not layered.reload()  # same file: nothing to do

    assert builder.build(rows_of(ids[:300], vectors[:300]), seq=51)  # covers seqs 2..51
    assert layered.reload()
    assert layered.snapshot_seq == 51 and layered.delta_claims == 150
    assert_same_hits(layered.search(queries, 5), before, tol=1e-6)
    assert_same_hits(layered.search(queries, 5), brute_force(ids, vectors, queries, 5))


def test_refresh_pulls_changes_after_watermark_with_overlap(data):
    ids, vectors, queries = data
    log = [Change(int(c), i + 1, vectors[ids == c]) for i, c in enumerate(np.unique(ids).tolist())]
    asked: list[int] = []

    def fetch(after: int):
        asked.append(after)
        return [change for change in log if change.seq > after]

    layered = LayeredIndex(16)
    assert layered.refresh(fetch) == 300
    assert layered.refresh(fetch, overlap=5) == 0  # the re-read window is applied once only
    assert asked == [0, 295]
    assert_same_hits(layered.search(queries, 5), brute_force(ids, vectors, queries, 5))


def test_concurrent_apply_and_search_on_layered_index(tmp_path, data):
    ids, vectors, queries = data
    path = tmp_path / "snap.tgvi"
    SnapshotBuilder(path, 16).build(rows_of(ids[:300], vectors[:300]), seq=0 + 1)
    layered = LayeredIndex(16, path)
    claims = np.unique(ids[300:]).tolist()
    errors: list[BaseException] = []

    def writer(part: int) -> None:
        try:
            for i, claim in enumerate(claims[part::3]):
                layered.apply([Change(claim, 2 + part * 1000 + i, vectors[ids == claim])])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(30):
                layered.search(queries, 5)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert_same_hits(layered.search(queries, 5), brute_force(ids, vectors, queries, 5))


def test_builder_is_single_owner_and_never_goes_backwards(tmp_path, data):
    ids, vectors, _ = data
    path = tmp_path / "snap.tgvi"
    builder = SnapshotBuilder(path, 16, lock_timeout=0.05)
    assert snapshot_seq(path) is None
    assert builder.build(rows_of(ids[:20], vectors[:20]), seq=5)
    assert not builder.build(rows_of(ids, vectors), seq=5)  # already covered
    assert not builder.build(rows_of(ids, vectors), seq=3)  # older than the file
    from filelock import FileLock

    with FileLock(str(builder.lock_path)):  # another owner is building right now
        assert not builder.build(rows_of(ids, vectors), seq=9)
    assert snapshot_seq(path) == 5
    assert builder.build(rows_of(ids, vectors), seq=9)
    assert snapshot_seq(path) == 9
    assert VectorIndex.read_meta(path)["claims"] == 300
