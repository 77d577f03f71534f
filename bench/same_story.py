"""Same-story retrieval on Vietnamese MDS (628 articles, 199 human-built clusters).

Every article (title + summary + body) is indexed with ``Matcher.add``; the vectors passed
with it are those of its title + summary (accented and folded), and each query is
embedded in its written form only (model time on 2 shared cores is the limit here). Each article's
first 600 body characters is a query (``Matcher.query``, its own article removed from the
answers); the other members of its cluster are the relevant answers. The same is run with
every query stripped of diacritics. Rankings compared:

- ``bm25``: the matcher's BM25 signal alone (folded syllables + boosted accented ones);
- ``semantic``: e5 cosine alone (best of accented/folded vectors);
- ``fused_default``: the matcher's own score with the vnPara-fitted default weights;
- ``learned``: a logistic combiner of the matcher's signals (semantic, coverage, MinHash,
  BM25 and ranks) fitted with 5-fold cross-validation grouped by cluster, so no story is
  both trained and scored; the stripped queries reuse the models fitted on accented ones.

Run: .venv/bin/python bench/same_story.py   (--no-model: lexical signals only)
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from _data import load_mds
from _embed import form_vectors, written_form_vectors
from sklearn.model_selection import GroupKFold

import vntext
from claimmatch import E5Embedder, MatchConfig, Matcher
from claimmatch.fusion import fit_logistic

QUERY_CHARS = 600
K = 60


def head_text(d: dict) -> str:
    """Title and summary: what the model embeds for an article (whole bodies cost ~9x)."""
    return f"{d['title_tok'].replace('_', ' ')}. {d['summary_tok'].replace('_', ' ')}"


def doc_text(d: dict) -> str:
    title = d["title_tok"].replace("_", " ")
    summary = d["summary_tok"].replace("_", " ")
    return f"{title}. {summary}. {d['body']}"


def average_precision(ranked: list[int], relevant: set[int]) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked, start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def features(cands, self_id: int):
    cands = [c for c in cands if c.claim_id != self_id]
    bm = [c.signals.get("bm25", 0.0) for c in cands]
    top_bm = max(bm, default=0.0) or 1.0
    sem = [c.signals.get("semantic", 0.0) for c in cands]
    rank_bm = {i: r for r, i in enumerate(np.argsort(-np.array(bm)), 1)} if cands else {}
    rank_sem = {i: r for r, i in enumerate(np.argsort(-np.array(sem)), 1)} if cands else {}
    rows = [
        [
            sem[i],
            c.signals.get("coverage", 0.0),
            c.signals.get("near_dup", 0.0),
            bm[i] / top_bm,
            1.0 / rank_bm[i],
            1.0 / rank_sem[i],
            sem[i] - max(sem),
        ]
        for i, c in enumerate(cands)
    ]
    return [c.claim_id for c in cands], np.array(rows).reshape(len(cands), 7), cands


def by_fused_score(rows, cands) -> np.ndarray:
    return np.argsort(-np.array([c.score for c in cands]), kind="stable")


def rankings(matcher, docs, queries, qvecs):
    out = []
    for i, (q, qv) in enumerate(zip(queries, qvecs, strict=True)):
        out.append(features(matcher.query(q, k=K, query_vectors=qv), i))
    return out


def evaluate(per_query, gold, order_fn) -> dict[str, float]:
    aps, r5 = [], []
    for (ids, rows, cands), g in zip(per_query, gold, strict=True):
        ranked = [ids[j] for j in order_fn(rows, cands)]
        aps.append(average_precision(ranked, g))
        r5.append(len(set(ranked[:5]) & g) / len(g))
    return {"map": round(float(np.mean(aps)), 4), "recall_at_5": round(float(np.mean(r5)), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="lexical signals only")
    args = parser.parse_args()
    docs = load_mds()
    embedder = E5Embedder()
    texts = [doc_text(d) for d in docs]
    clusters = np.array([d["cluster_id"] for d in docs])
    gold = [
        {j for j in range(len(docs)) if clusters[j] == clusters[i] and j != i}
        for i in range(len(docs))
    ]
    mode = "never" if args.no_model else "always"
    matcher = Matcher(MatchConfig(retrieve_k=K, embed_query=mode), embedder)
    t0 = time.time()
    heads = [head_text(d) for d in docs]
    if args.no_model:
        vectors = [None] * len(docs)
    else:
        vectors = form_vectors(embedder, "mds-heads", heads, is_query=False)
    for i, (text, vec) in enumerate(zip(texts, vectors, strict=True)):
        matcher.add(i, text, vectors=vec)
    print(f"indexed {len(docs)} docs in {time.time() - t0:.0f}s", file=sys.stderr)

    variants = {
        "accented": [d["body"][:QUERY_CHARS] for d in docs],
        "stripped": [vntext.strip_diacritics(d["body"][:QUERY_CHARS]) for d in docs],
    }
    per_variant = {}
    for name, queries in variants.items():
        if args.no_model:
            qvecs = [None] * len(queries)
        else:
            qvecs = written_form_vectors(embedder, f"mds-q-{name}", queries, is_query=True)
        t1 = time.time()
        per_variant[name] = rankings(matcher, docs, queries, qvecs)
        print(f"{name}: {(time.time() - t1) / len(docs) * 1000:.0f} ms/query", file=sys.stderr)

    results: dict[str, dict] = {}
    for name, per_query in per_variant.items():
        res = {
            "bm25": evaluate(per_query, gold, lambda r, c: np.argsort(-r[:, 3], kind="stable")),
            "semantic": evaluate(per_query, gold, lambda r, c: np.argsort(-r[:, 0], kind="stable")),
            "fused_default": evaluate(per_query, gold, by_fused_score),
        }
        results[name] = res

    # learned combiner: folds grouped by cluster, fitted on accented queries only
    folds = []
    idx = np.arange(len(docs))
    for tr, te in GroupKFold(5).split(idx, groups=clusters):
        acc = per_variant["accented"]
        x = np.concatenate([acc[i][1] for i in tr])
        y = np.concatenate([[1 if d in gold[i] else 0 for d in acc[i][0]] for i in tr])
        bias, coef = fit_logistic(x, y, c=1.0)
        folds.append((te, bias, coef))
    for name, per_query in per_variant.items():
        fold_scores = []
        for te, bias, coef in folds:
            fold_scores.append(
                evaluate(
                    [per_query[i] for i in te],
                    [gold[i] for i in te],
                    lambda r, c, b=bias, w=coef: np.argsort(-(r @ w + b), kind="stable"),
                )
            )
        results[name]["learned"] = {
            k: {
                "mean": round(float(np.mean([f[k] for f in fold_scores])), 4),
                "std": round(float(np.std([f[k] for f in fold_scores])), 4),
            }
            for k in ("map", "recall_at_5")
        }
    for name, res in results.items():
        print(f"{name}: {res}")
    print(
        json.dumps(
            {
                "queries": len(docs),
                "map_accented": results["accented"]["learned"]["map"],
                "map_stripped": results["stripped"]["learned"]["map"],
                "recall_at_5_accented": results["accented"]["learned"]["recall_at_5"],
                "recall_at_5_stripped": results["stripped"]["learned"]["recall_at_5"],
                "by_ranking": results,
            }
        )
    )


if __name__ == "__main__":
    main()
