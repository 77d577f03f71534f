"""CLEF CheckThat! 2022 task 2A (English): tweets -> 14,231 Snopes fact-checks.

Pipeline (all CPU): candidates from e5-small (the ``claimmatch`` embedder) over the
``vclaim`` field and from ``claimmatch``'s BM25 over all fields; then a learned combiner
(logistic regression from ``claimmatch.fusion``) re-ranks them with features: cosine,
BM25 per field, word coverage, ranks, and the gap between the tweet's date and the
fact-check's date. 5-fold cross-validation over train+dev queries
(1,196, shuffled with seed 0): the combiner is fitted on four folds and scored on the
fifth. Baselines without training (BM25 alone, e5 alone, reciprocal-rank fusion) are
printed for comparison, and so is the combiner without each feature group.

Corpus vectors are cached under ~/.cache/tingia (TINGIA_CACHE) by model and text hash;
the first run embeds ~15k short texts (the vclaim field and the tweets).

Run: .venv/bin/python bench/claim_retrieval.py
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from datetime import datetime

import numpy as np
from _data import cached_embeddings, load_clef
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import KFold

from claimmatch import E5Embedder
from claimmatch.fusion import fit_logistic
from claimmatch.lexical import BM25Index
from claimmatch.text_keys import text_keys

FIELDS = ("vclaim", "title", "subtitle")
DENSE_FIELDS = ("vclaim",)
POOL_K = 30
FOLDS = 5
URL_RE = re.compile(r"(https?://\S+|pic\.twitter\.com/\S+)")
TAIL_RE = re.compile(r"\s+—\s+(?P<name>[^—]*?)\s*\(@\w+\)\s*(?P<date>\w+ \d{1,2}, \d{4})\s*\"?$")


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


def terms(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in text_keys(text).folded_tokens:
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
    return total / len(relevant) if relevant else 0.0


def metrics(rankings: list[list[int]], gold: list[set[int]]) -> dict[str, float]:
    map5 = np.mean([average_precision(r, g, 5) for r, g in zip(rankings, gold, strict=True)])
    mrr = np.mean(
        [next((1.0 / i for i, d in enumerate(r, 1) if d in g), 0.0) for r, g in zip(rankings, gold)]
    )
    r10 = np.mean([len(set(r[:10]) & g) / len(g) for r, g in zip(rankings, gold)])
    p1 = np.mean([1.0 if r and r[0] in g else 0.0 for r, g in zip(rankings, gold)])
    return {"map_at_5": float(map5), "mrr": float(mrr), "recall_at_10": float(r10), "p_at_1": p1}


class Retriever:
    def __init__(self, vclaims: list[dict], embedder: E5Embedder) -> None:
        self.vclaims = vclaims
        self.bm25 = {f: BM25Index() for f in (*FIELDS, "all")}
        for i, v in enumerate(vclaims):
            for f in FIELDS:
                self.bm25[f].add(i, list(text_keys(field_text(v, f)).folded_tokens))
            joined = " ".join(field_text(v, f) for f in FIELDS)
            self.bm25["all"].add(i, list(text_keys(joined).folded_tokens))
        self.vectors = {
            f: cached_embeddings(
                embedder.name,
                "clef-" + f,
                [field_text(v, f) for v in vclaims],
                embedder.embed_passages,
            )
            for f in DENSE_FIELDS
        }
        self.dates = [_parse_date(v.get("date"), "%d %B %Y") for v in vclaims]

    def features(self, qvec: np.ndarray, qtext: str, qdate: datetime | None):
        """Candidate ids and their feature rows for one query (plus ranks for baselines)."""
        qterms = terms(qtext)
        cos = {f: self.vectors[f] @ qvec for f in DENSE_FIELDS}
        dense_rank = np.argsort(-cos["vclaim"])
        bm_all = self.bm25["all"].top(qterms, 200)
        pool = set(dense_rank[:POOL_K].tolist())
        pool |= {int(i) for i, _ in bm_all[:POOL_K]}
        ids = sorted(pool)
        bm = {f: self.bm25[f].score_of(qterms, ids) for f in (*FIELDS, "all")}
        rank_dense = {int(d): r for r, d in enumerate(dense_rank[:200], 1)}
        rank_bm = {int(d): r for r, (d, _) in enumerate(bm_all, 1)}
        top_cos = float(cos["vclaim"][dense_rank[0]])
        top_bm = {f: max(bm[f], default=0.0) or 1.0 for f in bm}
        rows = []
        for n, i in enumerate(ids):
            gap = 0.0
            if qdate and self.dates[i]:
                gap = (qdate - self.dates[i]).days
            rows.append(
                [
                    *(float(cos[f][i]) for f in DENSE_FIELDS),
                    float(cos["vclaim"][i]) - top_cos,
                    *(bm[f][n] / top_bm[f] for f in (*FIELDS, "all")),
                    self.bm25["all"].coverage(qterms, i),
                    1.0 / rank_dense.get(i, 300),
                    1.0 / rank_bm.get(i, 300),
                    math.copysign(math.log1p(abs(gap)), gap) / 8.0,
                    1.0 if gap < -3 else 0.0,  # fact-check written after the tweet? usual
                ]
            )
        return ids, np.array(rows), dense_rank, bm_all


# columns: 0 cosine to vclaim, 1 gap to the best cosine, 2-5 BM25 vclaim/title/subtitle/all,
# 6 coverage, 7 dense rank, 8 BM25 rank, 9-10 date gap
FEATURE_GROUPS = {
    "dense": [0, 1, 7],
    "bm25": [2, 3, 4, 5, 6, 8],
    "date": [9, 10],
}


def main() -> None:
    data = load_clef()
    embedder = E5Embedder()
    t0 = time.time()
    retriever = Retriever(data.vclaims, embedder)
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

    baselines = {
        "bm25": metrics([[int(d) for d, _ in q[3][:100]] for q in per_query], gold),
        "e5": metrics([q[2][:100].tolist() for q in per_query], gold),
    }
    rrf = []
    for ids, _, dense_rank, bm_all in per_query:
        score: dict[int, float] = {}
        for r, d in enumerate(dense_rank[:100], 1):
            score[int(d)] = score.get(int(d), 0.0) + 1.0 / (60 + r)
        for r, (d, _) in enumerate(bm_all[:100], 1):
            score[int(d)] = score.get(int(d), 0.0) + 1.0 / (60 + r)
        rrf.append(sorted(score, key=lambda d: -score[d])[:100])
    baselines["rrf"] = metrics(rrf, gold)
    recall_pool = float(np.mean([len(set(q[0]) & g) / len(g) for q, g in zip(per_query, gold)]))

    def cv(columns: list[int], model: str = "logistic") -> list[dict[str, float]]:
        folds = []
        for tr, te in KFold(FOLDS, shuffle=True, random_state=0).split(np.arange(len(gold))):
            x = np.concatenate([per_query[i][1][:, columns] for i in tr])
            y = np.concatenate([[1 if d in gold[i] else 0 for d in per_query[i][0]] for i in tr])
            if model == "logistic":
                bias, coef = fit_logistic(x, y, c=1.0)
                score = lambda rows, b=bias, w=coef: rows @ w + b  # noqa: E731
            else:  # gradient-boosted trees: can learn interactions the linear model cannot
                gbm = HistGradientBoostingClassifier(
                    max_iter=200, learning_rate=0.05, random_state=0
                )
                gbm.fit(x, y)
                score = lambda rows, m=gbm: m.predict_proba(rows)[:, 1]  # noqa: E731
            rankings = []
            for i in te:
                ids, rows = per_query[i][0], per_query[i][1][:, columns]
                s = score(rows)
                rankings.append([ids[j] for j in np.argsort(-s, kind="stable")])
            folds.append(metrics(rankings, [gold[i] for i in te]))
        return folds

    all_cols = list(range(per_query[0][1].shape[1]))
    full = cv(all_cols)
    boosted = cv(all_cols, model="gbm")
    ablations = {}
    for group, cols in FEATURE_GROUPS.items():
        kept = [c for c in all_cols if c not in cols]
        ablations[f"without_{group}"] = round(float(np.mean([f["map_at_5"] for f in cv(kept)])), 4)

    def summary(folds):
        return {
            k: {"mean": round(float(np.mean([f[k] for f in folds])), 4),
                "std": round(float(np.std([f[k] for f in folds])), 4)}
            for k in ("map_at_5", "mrr", "recall_at_10", "p_at_1")
        }

    result = summary(full)
    print("baselines (no training, all 1,196 queries):")
    for name, m in baselines.items():
        print(f"  {name}: " + ", ".join(f"{k} {v:.4f}" for k, v in m.items()))
    print(f"candidate pool recall: {recall_pool:.4f}; features {feat_time * 1000:.0f} ms/query")
    print(f"learned combiner, {FOLDS}-fold CV: {result}")
    print(f"boosted-trees combiner, {FOLDS}-fold CV: {summary(boosted)}")
    print(f"ablations (CV MAP@5): {ablations}")
    print(
        json.dumps(
            {
                "queries": len(gold),
                "folds": FOLDS,
                "map_at_5": result["map_at_5"],
                "mrr": result["mrr"],
                "recall_at_10": result["recall_at_10"],
                "p_at_1": result["p_at_1"],
                "baseline_bm25_map_at_5": round(baselines["bm25"]["map_at_5"], 4),
                "baseline_e5_map_at_5": round(baselines["e5"]["map_at_5"], 4),
                "baseline_rrf_map_at_5": round(baselines["rrf"]["map_at_5"], 4),
                "candidate_pool_recall": round(recall_pool, 4),
                "ablation_map_at_5": ablations,
                "boosted_trees_map_at_5": summary(boosted)["map_at_5"],
            }
        )
    )


if __name__ == "__main__":
    main()
