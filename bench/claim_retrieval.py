"""CLEF CheckThat! 2022 task 2A (English): tweets -> 14,231 Snopes fact-checks.

Pipeline (all CPU):

1. Candidates: the top ``POOL_K`` fact-checks by e5-small cosine (the ``claimmatch``
   embedder: "query: " prefix on the tweet, "passage: " on the fact-check, unit vectors)
   and the top ``POOL_K`` by ``claimmatch`` BM25 over all fields (folded words; BM25
   with word pairs, ``claimmatch.lexical.bigram_terms``, is a feature and a baseline).
2. Features per candidate: cosine per embedded field and the best of them, its rank and
   gap to the query's best cosine; BM25 per field (vclaim / title / subtitle / all), raw
   and relative to the query's best, its rank; IDF-weighted word coverage; the gap between
   the tweet's date (from its signature) and the fact-check's date.
3. A learned re-ranker, 5-fold cross-validated over train+dev queries (1,196, shuffled
   with seed 0): fitted on four folds, scored on the fifth. Its hyperparameters are chosen
   inside the four training folds (an inner split), never on the fold being scored.

This re-ranker is CLEF-specific (English tweets, Snopes fields, tweet dates) and lives
here, not in ``claimmatch``: the Vietnamese product's fusion is the calibrated logistic
score in ``claimmatch.fusion``. What the product shares with this script is the embedder,
the BM25 index with word pairs, and coverage.

Baselines without training (BM25 alone, e5 alone per field, reciprocal-rank fusion) are
printed for comparison, on all queries and on the dev split alone.

Vectors are cached (model name + text hash) under ``var/cache`` (``TINGIA_CACHE``); the
first run embeds ~15k short texts per field, which takes an hour or more on a busy
2-core machine. ``--dense-fields vclaim,title`` adds the title vectors.

Run: .venv/bin/python bench/claim_retrieval.py
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

os.environ.setdefault("TINGIA_CACHE", str(Path(__file__).resolve().parent.parent / "var" / "cache"))

from _data import cached_embeddings, load_clef  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

from claimmatch import E5Embedder  # noqa: E402
from claimmatch.fusion import fit_logistic  # noqa: E402
from claimmatch.lexical import BM25Index, bigram_terms  # noqa: E402
from claimmatch.text_keys import text_keys  # noqa: E402

FIELDS = ("vclaim", "title", "subtitle")
POOL_K = 50
FOLDS = 5
URL_RE = re.compile(r"(https?://\S+|pic\.twitter\.com/\S+)")
TAIL_RE = re.compile(r"\s+—\s+(?P<name>[^—]*?)\s*\(@\w+\)\s*(?P<date>\w+ \d{1,2}, \d{4})\s*\"?$")
# Candidate hyperparameters of the boosted trees; one is picked per outer fold on an
# inner split of that fold's training queries.
GBM_GRID = (
    {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15},
    {"max_iter": 300, "learning_rate": 0.05, "max_leaf_nodes": 31, "l2_regularization": 1.0},
    {"max_iter": 150, "learning_rate": 0.1, "max_leaf_nodes": 7},
)


def clean_tweet(text: str) -> tuple[str, datetime | None]:
    """Tweet text plus author name, without links and the dated signature; and its date."""
    text = text.strip().strip('"').replace('""', '"')
    date = None
    m = TAIL_RE.search(text)
    if m:
        date = _parse_date(m.group("date"), "%B %d, %Y")
        text = text[: m.start()] + " — " + m.group("name")
    return URL_RE.sub(" ", text).strip(), date


def _parse_date(text: str | None, fmt: str) -> datetime | None:
    try:
        return datetime.strptime((text or "").strip(), fmt)
    except ValueError:
        return None


def doc_terms(text: str, pairs: bool) -> list[str]:
    toks = list(text_keys(text).folded_tokens)
    return toks + (bigram_terms(toks) if pairs else [])


def terms(text: str, pairs: bool = True) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in doc_terms(text, pairs):
        out[t] = out.get(t, 0.0) + 1.0
    return out


def field_text(v: dict, field: str) -> str:
    return (v.get(field) or "").strip()


def average_precision(ranked: list[int], relevant: set[int], k: int | None) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k] if k else ranked, start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant) if relevant else 0.0  # as the CheckThat! scorer does


def metrics(rankings: list[list[int]], gold: list[set[int]]) -> dict[str, float]:
    map5 = np.mean([average_precision(r, g, 5) for r, g in zip(rankings, gold, strict=True)])
    mrr = np.mean(
        [next((1.0 / i for i, d in enumerate(r, 1) if d in g), 0.0) for r, g in zip(rankings, gold)]
    )
    r10 = np.mean([len(set(r[:10]) & g) / len(g) for r, g in zip(rankings, gold)])
    p1 = np.mean([1.0 if r and r[0] in g else 0.0 for r, g in zip(rankings, gold)])
    return {
        "map_at_5": float(map5), "mrr": float(mrr), "recall_at_10": float(r10), "p_at_1": float(p1)
    }


class Retriever:
    def __init__(self, vclaims: list[dict], embedder: E5Embedder, dense_fields: list[str]):
        self.vclaims = vclaims
        self.dense_fields = dense_fields
        self.bm25 = {f: BM25Index() for f in (*FIELDS, "all")}
        self.bm25_plain = BM25Index()  # single words only: the baseline without pairs
        for i, v in enumerate(vclaims):
            words = {f: list(text_keys(field_text(v, f)).folded_tokens) for f in FIELDS}
            for f in FIELDS:
                self.bm25[f].add(i, words[f] + bigram_terms(words[f]))
            joined = [w for f in FIELDS for w in words[f]]
            self.bm25["all"].add(i, joined + [p for f in FIELDS for p in bigram_terms(words[f])])
            self.bm25_plain.add(i, joined)
        self.vectors = {
            f: cached_embeddings(
                embedder.name,
                "clef-" + f,
                [field_text(v, f) for v in vclaims],
                embedder.embed_passages,
            )
            for f in dense_fields
        }
        self.dates = [_parse_date(v.get("date"), "%d %B %Y") for v in vclaims]

    def features(self, qvec: np.ndarray, qtext: str, qdate: datetime | None) -> dict:
        """Candidate ids and their feature rows for one query, plus baseline rankings."""
        qterms = terms(qtext)
        cos = {f: self.vectors[f] @ qvec for f in self.dense_fields}
        best_cos = np.max(np.stack([cos[f] for f in self.dense_fields]), axis=0)
        dense_rank = np.argsort(-best_cos)[:200]
        per_field_rank = {f: np.argsort(-cos[f])[:100] for f in self.dense_fields}
        words = terms(qtext, False)
        bm_all = self.bm25["all"].top(qterms, 100)
        # English tweets: BM25 over single words ranks better than with word pairs (the
        # pairs are kept as features); Vietnamese is the other way round (same_story.py)
        bm_plain = self.bm25_plain.top(words, 200)
        pool = set(dense_rank[:POOL_K].tolist()) | {int(i) for i, _ in bm_plain[:POOL_K]}
        ids = sorted(pool)
        bm = {f: np.array(self.bm25[f].score_of(qterms, ids)) for f in (*FIELDS, "all")}
        plain = np.array(self.bm25_plain.score_of(words, ids))
        top_plain = float(plain.max(initial=0.0)) or 1.0
        cover = self.bm25["all"].coverage_many(
            {t: w for t, w in qterms.items() if " " not in t}, ids
        )
        rank_dense = {int(d): r for r, d in enumerate(dense_rank, 1)}
        rank_bm = {int(d): r for r, (d, _) in enumerate(bm_plain, 1)}
        top_cos = float(best_cos[dense_rank[0]])
        pool_cos = best_cos[ids]
        spread = float(np.std(pool_cos)) or 1.0
        top_bm = {f: float(bm[f].max(initial=0.0)) or 1.0 for f in bm}
        rows = []
        for n, i in enumerate(ids):
            gap = 0.0
            if qdate and self.dates[i]:
                gap = (qdate - self.dates[i]).days
            rows.append(
                [
                    float(best_cos[i]),
                    float(best_cos[i]) - top_cos,
                    (float(best_cos[i]) - float(pool_cos.mean())) / spread,
                    1.0 / rank_dense.get(i, 300),
                    *(float(cos[f][i]) for f in self.dense_fields),
                    *(bm[f][n] / top_bm[f] for f in (*FIELDS, "all")),
                    *(math.log1p(bm[f][n]) for f in (*FIELDS, "all")),
                    plain[n] / top_plain,
                    cover[n],
                    1.0 / rank_bm.get(i, 300),
                    math.copysign(math.log1p(abs(gap)), gap) / 8.0,
                    1.0 if gap < -3 else 0.0,  # fact-check written after the tweet? unusual
                    1.0 if qdate and self.dates[i] else 0.0,
                ]
            )
        return {
            "ids": ids,
            "rows": np.array(rows),
            "dense": dense_rank[:100].tolist(),
            "dense_by_field": {f: r.tolist() for f, r in per_field_rank.items()},
            "bm25": [int(d) for d, _ in bm_all[:100]],
            "bm25_plain": [int(d) for d, _ in bm_plain[:100]],
        }


def feature_groups(n_dense: int) -> dict[str, list[int]]:
    """Column indices of each feature group (see ``Retriever.features``)."""
    d0 = 4 + n_dense
    return {
        "dense": list(range(0, d0)),
        "bm25": list(range(d0, d0 + 11)),
        "date": [d0 + 11, d0 + 12, d0 + 13],
    }


def fit_gbm(x: np.ndarray, y: np.ndarray, params: dict) -> HistGradientBoostingClassifier:
    model = HistGradientBoostingClassifier(random_state=0, **params)
    model.fit(x, y)
    return model


def rank_with(per_query: list[dict], idx, columns, score) -> list[list[int]]:
    out = []
    for i in idx:
        ids, rows = per_query[i]["ids"], per_query[i]["rows"][:, columns]
        s = score(rows)
        out.append([ids[j] for j in np.argsort(-s, kind="stable")])
    return out


def train_xy(per_query, gold, idx, columns):
    x = np.concatenate([per_query[i]["rows"][:, columns] for i in idx])
    y = np.concatenate([[1 if d in gold[i] else 0 for d in per_query[i]["ids"]] for i in idx])
    return x, y


def cv(per_query, gold, columns, model: str, log=None) -> list[dict[str, float]]:
    folds = []
    for fold, (tr, te) in enumerate(
        KFold(FOLDS, shuffle=True, random_state=0).split(np.arange(len(gold)))
    ):
        x, y = train_xy(per_query, gold, tr, columns)
        if model == "logistic":
            bias, coef = fit_logistic(x, y, c=1.0)
            score = lambda rows, b=bias, w=coef: rows @ w + b  # noqa: E731
        else:
            # hyperparameters chosen on an inner split of the training queries only
            rng = np.random.default_rng(fold)
            inner = rng.permutation(tr)
            cut = len(inner) * 3 // 4
            ix, iy = train_xy(per_query, gold, inner[:cut], columns)
            best, best_map = GBM_GRID[0], -1.0
            for params in GBM_GRID:
                m = fit_gbm(ix, iy, params)
                r = rank_with(
                    per_query, inner[cut:], columns, lambda rows, m=m: m.predict_proba(rows)[:, 1]
                )
                val = metrics(r, [gold[i] for i in inner[cut:]])["map_at_5"]
                if val > best_map:
                    best, best_map = params, val
            if log is not None:
                log.append({"fold": fold, "params": best, "inner_map_at_5": round(best_map, 4)})
            gbm = fit_gbm(x, y, best)
            score = lambda rows, m=gbm: m.predict_proba(rows)[:, 1]  # noqa: E731
        folds.append(metrics(rank_with(per_query, te, columns, score), [gold[i] for i in te]))
    return folds


def summary(folds: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        k: {
            "mean": round(float(np.mean([f[k] for f in folds])), 4),
            "std": round(float(np.std([f[k] for f in folds])), 4),
        }
        for k in ("map_at_5", "mrr", "recall_at_10", "p_at_1")
    }


def rrf(rankings: list[list[int]], k: int = 60) -> list[int]:
    score: dict[int, float] = {}
    for ranking in rankings:
        for r, d in enumerate(ranking, 1):
            score[d] = score.get(d, 0.0) + 1.0 / (k + r)
    return sorted(score, key=lambda d: -score[d])[:100]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dense-fields", default="vclaim", help="comma-separated, of " + ",".join(FIELDS)
    )
    parser.add_argument("--no-ablations", action="store_true", help="skip the per-group ablations")
    args = parser.parse_args()
    dense_fields = [f for f in args.dense_fields.split(",") if f]
    data = load_clef()
    embedder = E5Embedder()
    t0 = time.time()
    retriever = Retriever(data.vclaims, embedder, dense_fields)
    index_of = {v["vclaim_id"]: i for i, v in enumerate(data.vclaims)}
    cleaned = [clean_tweet(t) for t in data.queries]
    qvecs = cached_embeddings(
        embedder.name, "clef-tweet", [c for c, _ in cleaned], embedder.embed_queries
    )
    gold = [{index_of[v] for v in data.relevant[q]} for q in data.query_ids]
    print(f"indexed + embedded in {time.time() - t0:.0f}s", file=sys.stderr)

    t1 = time.time()
    per_query = [
        retriever.features(qvecs[i], cleaned[i][0], cleaned[i][1]) for i in range(len(gold))
    ]
    feat_time = (time.time() - t1) / len(gold)

    named = {
        "bm25_words": [q["bm25_plain"] for q in per_query],
        "bm25_words_and_pairs": [q["bm25"] for q in per_query],
        "e5_best_field": [q["dense"] for q in per_query],
        **{f"e5_{f}": [q["dense_by_field"][f] for q in per_query] for f in dense_fields},
        "rrf_e5_bm25": [rrf([q["dense"], q["bm25"]]) for q in per_query],
    }
    dev_idx = _dev_indices(data)
    baselines = {name: metrics(r, gold) for name, r in named.items()}
    baselines_dev = {
        name: metrics([r[i] for i in dev_idx], [gold[i] for i in dev_idx])
        for name, r in named.items()
    }
    recall_pool = float(np.mean([len(set(q["ids"]) & g) / len(g) for q, g in zip(per_query, gold)]))

    all_cols = list(range(per_query[0]["rows"].shape[1]))
    logistic = cv(per_query, gold, all_cols, "logistic")
    chosen: list[dict] = []
    boosted = cv(per_query, gold, all_cols, "gbm", log=chosen)
    ablations = {}
    if not args.no_ablations:
        for group, cols in feature_groups(len(dense_fields)).items():
            kept = [c for c in all_cols if c not in cols]
            ablations[f"without_{group}"] = summary(cv(per_query, gold, kept, "gbm"))["map_at_5"]

    result = summary(boosted)
    print(f"baselines (no training, all {len(gold)} queries):")
    for name, m in baselines.items():
        print(f"  {name}: " + ", ".join(f"{k} {v:.4f}" for k, v in m.items()))
    print(f"baselines on the dev split alone ({len(dev_idx)} queries):")
    for name, m in baselines_dev.items():
        print(f"  {name}: " + ", ".join(f"{k} {v:.4f}" for k, v in m.items()))
    print(f"candidate pool recall: {recall_pool:.4f}; features {feat_time * 1000:.0f} ms/query")
    print(f"logistic combiner, {FOLDS}-fold CV: {summary(logistic)}")
    print(f"boosted-trees combiner, {FOLDS}-fold CV: {result}")
    print(f"hyperparameters chosen per fold (inner split): {chosen}")
    print(f"ablations of the boosted trees (CV MAP@5): {ablations}")
    print(
        json.dumps(
            {
                "queries": len(gold),
                "folds": FOLDS,
                "dense_fields": dense_fields,
                "map_at_5": result["map_at_5"],
                "mrr": result["mrr"],
                "recall_at_10": result["recall_at_10"],
                "p_at_1": result["p_at_1"],
                "logistic_map_at_5": summary(logistic)["map_at_5"],
                "baseline_map_at_5": {k: round(v["map_at_5"], 4) for k, v in baselines.items()},
                "baseline_dev_map_at_5": {
                    k: round(v["map_at_5"], 4) for k, v in baselines_dev.items()
                },
                "candidate_pool_recall": round(recall_pool, 4),
                "ablation_map_at_5": ablations,
                "gbm_params_per_fold": [c["params"] for c in chosen],
            }
        )
    )


def _dev_indices(data) -> list[int]:
    """Positions of the dev-split queries (their ids come from queries-dev.tsv)."""
    from _data import shared_data

    path = shared_data() / "clef2022-checkthat-2a-en" / "queries-dev.tsv"
    with path.open(encoding="utf-8") as fh:
        dev_ids = {line.split("\t", 1)[0] for line in fh if line.strip()}
    return [i for i, q in enumerate(data.query_ids) if q in dev_ids]


if __name__ == "__main__":
    main()
