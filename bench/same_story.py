"""Same-story retrieval on Vietnamese MDS (628 articles, 199 human-built clusters).

Every article (title + summary + body) is indexed with ``Matcher.add``; the vectors passed
with it are those of its title + summary (accented and folded), and each query is
embedded in its written form only (model time on 2 shared cores is the limit here). Each article's
first 600 body characters is a query (``Matcher.query``, its own article removed from the
answers); the other members of its cluster are the relevant answers. The same is run with
every query stripped of diacritics. Rankings compared:

- ``bm25``: the matcher's BM25 signal alone (folded syllables, boosted accented ones, pairs);
- ``semantic``: e5 cosine alone (best of accented/folded vectors);
- ``fused_default``: the matcher's own score with the vnPara-fitted default weights;
- ``learned``: a logistic combiner of the matcher's signals (semantic, coverage, MinHash,
  BM25 and ranks) fitted with 5-fold cross-validation grouped by cluster, so no story is
  both trained and scored, fitted on the kind of query (accented or stripped) it scores;
  stripped queries are embedded only with ``--embed-stripped``;
- ``bm25_cv_k1_b``: BM25 alone with k1/b chosen per fold on the other folds (``BM25_GRID``);
- ``pairwise``: a linear pairwise ranker over BM25 and e5 cosine (``pairwise_cv``), k1/b and
  weights chosen on the training folds; ``pairwise_with_time`` adds the publication-time gap;
  ``pairwise_passages_time`` adds the best e5 cosine between the query and 600-character
  passages of each article (lead and body windows), with the gap's form chosen by an inner
  CV on the training folds.

Queries stripped of diacritics are scored twice: as typed (``stripped``, lexical only unless
``--embed-stripped``) and with their accents restored from the indexed articles' own words
(``restored``, ``AccentRestorer``), which is then embedded and ranked like an accented query.

Also (with the model): ``body_credit_cv`` chooses ``MatchConfig.body_credit`` with short
title queries against articles indexed as title + summary with their body as ``body``.

Vectors are cached under ``var/cache`` (``TINGIA_CACHE``) by model and text hash.

Run: .venv/bin/python bench/same_story.py   (--no-model: lexical signals only)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
import regex

os.environ.setdefault("TINGIA_CACHE", str(Path(__file__).resolve().parent.parent / "var" / "cache"))

from _data import load_mds  # noqa: E402
from _embed import form_vectors, written_form_vectors  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

import vntext  # noqa: E402
from claimmatch import E5Embedder, MatchConfig, Matcher  # noqa: E402
from claimmatch.fusion import fit_logistic  # noqa: E402
from claimmatch.lexical import BM25Index, bigram_terms  # noqa: E402
from claimmatch.text_keys import text_keys  # noqa: E402

QUERY_CHARS = 600
K = 60
# Irrelevant candidates (the best-ranked by BM25) paired with each relevant one in training.
PAIR_NEGATIVES = 20


def head_text(d: dict) -> str:
    """Title and summary: what the model embeds for an article (whole bodies cost ~9x)."""
    return f"{d['title_tok'].replace('_', ' ')}. {d['summary_tok'].replace('_', ' ')}"


def doc_text(d: dict) -> str:
    title = d["title_tok"].replace("_", " ")
    summary = d["summary_tok"].replace("_", " ")
    return f"{title}. {summary}. {d['body']}"


_WORD_RE = regex.compile(r"[\p{L}\p{M}]+")


def _word_runs(text: str) -> list[list[regex.Match]]:
    """Runs of words separated by spaces only: punctuation breaks a run (no pair across it)."""
    runs: list[list[regex.Match]] = []
    run: list[regex.Match] = []
    last = 0
    for m in _WORD_RE.finditer(text):
        if run and text[last : m.start()].strip():
            runs.append(run)
            run = []
        run.append(m)
        last = m.end()
    if run:
        runs.append(run)
    return runs


class AccentRestorer:
    """Put the accents back on a text typed without them, from the collection's own words.

    e5 reads a long unaccented text poorly (MAP 0.46 against 0.89 accented) and BM25 loses
    its boost for accented words, so a stripped query is first given, word by word, the
    accented spelling that the indexed articles make most likely: a Viterbi pass over an
    interpolated bigram model (``lam`` bigram, the rest unigram) counted on the articles,
    candidates being the spellings whose ``vntext.fold`` equals the typed word. The query's
    own article is left out of the counts (``exclude``): a report is not in the index.
    ``lam`` was set once (0.8) and not tuned on the scores.
    """

    def __init__(self, texts: list[str]) -> None:
        self.uni: Counter[str] = Counter()
        self.bi: Counter[tuple[str, str]] = Counter()
        self.per_doc: list[tuple[Counter, Counter]] = []
        for text in texts:
            uni, bi = Counter(), Counter()
            for run in _word_runs(vntext.normalize(text)):
                ws = [m.group().lower() for m in run]
                uni.update(ws)
                bi.update(zip(ws, ws[1:]))
            self.uni.update(uni)
            self.bi.update(bi)
            self.per_doc.append((uni, bi))
        self.forms: dict[str, list[str]] = {}
        for w in self.uni:
            self.forms.setdefault(vntext.fold(w), []).append(w)
        self.total = sum(self.uni.values())

    def restore(self, text: str, exclude: int | None = None, lam: float = 0.8) -> str:
        """``text`` with each word respelled; case and everything between words kept."""
        ex_uni, ex_bi = self.per_doc[exclude] if exclude is not None else (Counter(), Counter())

        def cu(w: str) -> int:
            return self.uni[w] - ex_uni[w]

        def cb(pair: tuple[str, str]) -> int:
            return self.bi[pair] - ex_bi[pair]

        out, pos = [], 0
        for run in _word_runs(text):
            cands = [
                [w for w in self.forms.get(vntext.fold(m.group()), ()) if cu(w) > 0]
                or [m.group().lower()]
                for m in run
            ]
            layers = [{w: (math.log((cu(w) + 0.1) / self.total), "") for w in cands[0]}]
            for i in range(1, len(run)):
                layer = {}
                for w in cands[i]:
                    p_uni = (cu(w) + 0.1) / self.total
                    best, arg = -math.inf, ""
                    for v, (score, _) in layers[-1].items():
                        p_bi = cb((v, w)) / cu(v) if cu(v) > 0 else 0.0
                        val = score + math.log(lam * p_bi + (1 - lam) * p_uni)
                        if val > best:
                            best, arg = val, v
                    layer[w] = (best, arg)
                layers.append(layer)
            w = max(layers[-1], key=lambda k: layers[-1][k][0])
            seq = [w]
            for i in range(len(run) - 1, 0, -1):
                w = layers[i][w][1]
                seq.append(w)
            for m, w in zip(run, reversed(seq), strict=True):
                typed = m.group()
                if typed.isupper() and len(typed) > 1:
                    w = w.upper()
                elif typed[0].isupper():
                    w = w[0].upper() + w[1:]
                out += [text[pos : m.start()], w]
                pos = m.end()
        out.append(text[pos:])
        return "".join(out)


def average_precision(ranked: list[int], relevant: set[int]) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked, start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


FEATURES = ("semantic", "coverage", "near_dup", "bm25", "bm25_rank", "semantic_rank",
            "semantic_gap")
LEXICAL = [1, 2, 3, 4]  # no semantic columns: for queries whose vectors are not computed
# BM25 settings tried; one is chosen per fold on the other folds' queries.
BM25_GRID = tuple((k1, b) for k1 in (1.2, 2.0, 3.0, 5.0, 8.0) for b in (0.75, 0.9, 1.0))
BODY_CREDIT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def features(cands, self_id: int):
    """Candidate ids and feature rows (columns named in FEATURES) for one query."""
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
    return [c.claim_id for c in cands], np.array(rows).reshape(len(cands), len(FEATURES)), cands


def by_fused_score(rows, cands) -> np.ndarray:
    return np.argsort(-np.array([c.score for c in cands]), kind="stable")


def rankings(matcher, queries, qvecs):
    """Per query: the matcher's candidates (self removed) with features."""
    return [
        features(matcher.query(q, k=K, query_vectors=qv), i)
        for i, (q, qv) in enumerate(zip(queries, qvecs, strict=True))
    ]


def bm25_grid_cv(texts, variants, gold, clusters, config: MatchConfig,
                 pools: dict | None = None) -> dict:
    """BM25 alone (the matcher's terms: folded words, boosted accented words, word pairs)
    with k1/b chosen per fold on the other four folds (grouped by cluster).

    News articles are long and repeat their key words, unlike claims, so the claim
    defaults (k1 1.2, b 0.75) need not suit them; choosing on the scored fold would flatter
    the figure, hence the folds. ``pools``, if given, receives each setting's top-K
    (ids, scores) per query, for the pairwise ranker."""
    doc_terms = []
    for text in texts:
        keys = text_keys(text)
        doc_terms.append(list(keys.folded_tokens) + list(keys.exact_tokens)
                         + bigram_terms(keys.folded_tokens))
    ap: dict[tuple[float, float], dict[str, np.ndarray]] = {}
    for k1, b in BM25_GRID:
        index = BM25Index(k1, b)
        for i, terms in enumerate(doc_terms):
            index.add(i, terms)
        ap[(k1, b)] = {}
        for name, queries in variants.items():
            scores = []
            for i, q in enumerate(queries):
                keys = text_keys(q)
                weights: dict[str, float] = {}
                for t in keys.folded_tokens:
                    weights[t] = weights.get(t, 0.0) + 1.0
                for t in keys.exact_tokens:
                    weights[t] = weights.get(t, 0.0) + config.exact_token_boost
                for t in bigram_terms(keys.folded_tokens):
                    weights[t] = weights.get(t, 0.0) + config.bigram_weight
                hits = [(d, sc) for d, sc in index.top(weights, K + 1) if d != i][:K]
                ranked = [d for d, _ in hits]
                scores.append(average_precision(ranked, gold[i]))
                if pools is not None:
                    pools.setdefault((k1, b), {}).setdefault(name, []).append(
                        (np.array(ranked, np.int64), np.array([sc for _, sc in hits])))
            ap[(k1, b)][name] = np.array(scores)
    out = {"_ap": ap}
    for name in variants:
        fold_maps, chosen = [], []
        for tr, te in GroupKFold(5).split(np.arange(len(gold)), groups=clusters):
            best = max(BM25_GRID, key=lambda kb: ap[kb][name][tr].mean())
            chosen.append(list(best))
            fold_maps.append(float(ap[best][name][te].mean()))
        out[name] = {
            "map": {"mean": round(float(np.mean(fold_maps)), 4),
                    "std": round(float(np.std(fold_maps)), 4)},
            "k1_b_per_fold": chosen,
            "claim_defaults_map": round(float(ap[(1.2, 0.75)][name].mean()), 4),
        }
    return out


def _per_query_z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-9)


# How the publication-time gap enters the ranker; one is chosen per fold by an inner CV on
# the training folds. Same-story articles are hours apart (95% within a day, the median
# candidate of another story 3.4 days), so hours resolve the part of the scale that matters.
GAP_FORMS = ("log_days", "log_hours", "log_hours_z")


def ranker_rows(ids: np.ndarray, bm25: np.ndarray, query: int, matrices=(), gap=None,
                gap_form: str = "log_days") -> np.ndarray:
    """Feature rows of one query's BM25 candidates, each signal normalised within the query
    (a score means little across queries; its standing among the candidates does).

    ``matrices``: query x article similarity matrices (e5 cosines), each giving the raw
    value and its z-score within the query."""
    cols = [bm25 / (bm25.max() or 1.0), _per_query_z(bm25)]
    for matrix in matrices:
        sim = matrix[query, ids]
        cols += [sim, _per_query_z(sim)]
    if gap is not None:
        g = gap[query, ids]
        if gap_form == "log_days":
            cols.append(np.log1p(g))
        else:
            hours = np.log1p(24.0 * g)
            cols.append(hours)
            if gap_form == "log_hours_z":
                cols.append(_per_query_z(hours))
    return np.stack(cols, 1)


def _fit_pairwise(rows: dict, pool, queries, gold):
    from sklearn.linear_model import LogisticRegression

    x, y = [], []
    for i in queries:
        ids = pool[i][0]
        pos = [j for j, d in enumerate(ids) if d in gold[i]]
        neg = [j for j, d in enumerate(ids) if d not in gold[i]][:PAIR_NEGATIVES]
        for j in pos:
            for n in neg:
                diff = rows[i][j] - rows[i][n]
                x += [diff, -diff]
                y += [1, 0]
    model = LogisticRegression(C=1.0, fit_intercept=False, max_iter=3000)
    model.fit(np.array(x), np.array(y))
    return model.coef_[0]


def _rank(rows: dict, pool, queries, gold, w) -> tuple[list[float], list[float]]:
    aps, r5 = [], []
    for i in queries:
        ranked = list(pool[i][0][np.argsort(-(rows[i] @ w), kind="stable")])
        aps.append(average_precision(ranked, gold[i]))
        r5.append(len(set(ranked[:5]) & gold[i]) / len(gold[i]))
    return aps, r5


def pairwise_cv(pools, ap, name, gold, clusters, matrices=(), gap=None,
                gap_forms=("log_days",)) -> dict:
    """A linear pairwise ranker (logistic regression on feature differences of a relevant
    and an irrelevant candidate of the same query, RankNet-style) over BM25, e5 cosines
    (``matrices``) and, optionally, the publication-time gap. Five folds grouped by
    cluster: k1/b, the gap's form (inner 4-fold CV, grouped by cluster, when several are
    given) and the weights are chosen on the four training folds only, then the fifth is
    ranked.

    Pairwise because the pointwise combiner did not beat BM25 alone: what matters is the
    order within a query, and differences cancel what a query's scores share."""
    maps, r5s, chosen, forms = [], [], [], []
    all_q = np.arange(len(gold))
    for tr, te in GroupKFold(5).split(all_q, groups=clusters):
        k1b = max(BM25_GRID, key=lambda kb: ap[kb][name][tr].mean())
        chosen.append(list(k1b))
        pool = pools[k1b][name]
        rows_by_form = {
            form: {i: ranker_rows(pool[i][0], pool[i][1], i, matrices, gap, form)
                   for i in all_q}
            for form in gap_forms
        }
        form = gap_forms[0]
        if len(gap_forms) > 1:
            inner_map = {}
            for f, rows in rows_by_form.items():
                aps = []
                for itr, ite in GroupKFold(4).split(tr, groups=clusters[tr]):
                    w = _fit_pairwise(rows, pool, tr[itr], gold)
                    aps += _rank(rows, pool, tr[ite], gold, w)[0]
                inner_map[f] = np.mean(aps)
            form = max(gap_forms, key=lambda f: inner_map[f])
        forms.append(form)
        rows = rows_by_form[form]
        w = _fit_pairwise(rows, pool, tr, gold)
        aps, r5 = _rank(rows, pool, te, gold, w)
        maps.append(np.mean(aps))
        r5s.append(np.mean(r5))
    out = {
        "map": {"mean": round(float(np.mean(maps)), 4), "std": round(float(np.std(maps)), 4)},
        "recall_at_5": {"mean": round(float(np.mean(r5s)), 4),
                        "std": round(float(np.std(r5s)), 4)},
        "k1_b_per_fold": chosen,
    }
    if gap is not None:
        out["gap_form_per_fold"] = forms
    return out


def evaluate(per_query, gold, order_fn) -> dict[str, float]:
    aps, r5 = [], []
    for (ids, rows, cands), g in zip(per_query, gold, strict=True):
        ranked = [ids[j] for j in order_fn(rows, cands)]
        aps.append(average_precision(ranked, g))
        r5.append(len(set(ranked[:5]) & g) / len(g))
    return {"map": round(float(np.mean(aps)), 4), "recall_at_5": round(float(np.mean(r5)), 4)}


def cross_validated(per_query, gold, clusters, columns) -> dict[str, dict[str, float]]:
    """Logistic combiner over ``columns``: 5 folds grouped by cluster (no story is both
    fitted and scored), fitted on the same kind of query (accented or stripped) it scores."""
    fold_scores = []
    for tr, te in GroupKFold(5).split(np.arange(len(gold)), groups=clusters):
        x = np.concatenate([per_query[i][1][:, columns] for i in tr])
        y = np.concatenate([[1 if d in gold[i] else 0 for d in per_query[i][0]] for i in tr])
        bias, coef = fit_logistic(x, y, c=1.0)
        fold_scores.append(
            evaluate(
                [per_query[i] for i in te],
                [gold[i] for i in te],
                lambda r, c, b=bias, w=coef: np.argsort(-(r[:, columns] @ w + b), kind="stable"),
            )
        )
    return {
        k: {
            "mean": round(float(np.mean([f[k] for f in fold_scores])), 4),
            "std": round(float(np.std([f[k] for f in fold_scores])), 4),
        }
        for k in ("map", "recall_at_5")
    }


def semantic_matrix(query_rows: list[np.ndarray], doc_rows: list[np.ndarray]) -> np.ndarray:
    """Best cosine over (query row, article row) pairs, queries x articles, self set to 0."""
    q = np.concatenate(query_rows)
    per_form = [np.stack([rows[f] for rows in doc_rows]) for f in range(doc_rows[0].shape[0])]
    sem = np.max([q @ forms.T for forms in per_form], axis=0)
    np.fill_diagonal(sem, 0.0)
    return sem


def body_chunks(docs, size: int = QUERY_CHARS, last: int = 6 * QUERY_CHARS):
    """The articles' bodies past the query-sized lead, in ``size``-character windows up to
    ``last`` characters (pieces under 100 characters dropped): (owner article, text)."""
    owner, chunks = [], []
    for i, d in enumerate(docs):
        body = d["body"]
        for start in range(size, min(len(body), last), size):
            if len(body[start : start + size]) > 100:
                owner.append(i)
                chunks.append(body[start : start + size])
    return np.array(owner), chunks


def passage_matrix(queries: np.ndarray, leads: np.ndarray, chunks: np.ndarray,
                   owner: np.ndarray) -> np.ndarray:
    """Best e5 cosine between each query and any 600-character passage of each article (its
    lead or a later window of its body), queries x articles, self set to 0.

    The title + summary vectors miss what a query shares with an article's body; passages
    of the query's own length are compared like with like (both in query form)."""
    best = queries @ leads.T
    sims = queries @ chunks.T
    for j in np.unique(owner):
        best[:, j] = np.maximum(best[:, j], sims[:, owner == j].max(1))
    np.fill_diagonal(best, 0.0)
    return best


def time_gap_days(docs) -> np.ndarray:
    """|publication time of a - publication time of b| in days, articles x articles."""
    t = np.array([datetime.strptime(d["time"], "%d/%m/%Y %H:%M").timestamp() / 86400.0
                  for d in docs])
    return np.abs(t[:, None] - t[None, :])


def body_credit_cv(docs, embedder, heads, head_vectors, clusters, gold) -> dict:
    """Choose ``MatchConfig.body_credit`` on MDS, not on the dev reports nor on vnPara.

    Short, report-like queries (each article's title) against every article indexed the
    way a verdict is: title + summary as the claim's text (with its vectors) and the body
    as ``body``. Ranked by the matcher's own fused score (vnPara weights); ``body_credit``
    is chosen per fold on the other four folds (grouped by cluster) by MAP. Also printed:
    how often the best wrong article reaches the suggest threshold, the cost of the credit.
    """
    titles = [d["title_tok"].replace("_", " ") for d in docs]
    title_vectors = form_vectors(embedder, "mds-titles", titles, is_query=True)
    ap, wrong = {}, {}
    for credit in BODY_CREDIT_GRID:
        config = MatchConfig(body_credit=credit, retrieve_k=K, embed_query="always")
        matcher = Matcher(config, embedder)
        for i, d in enumerate(docs):
            matcher.add(i, heads[i], vectors=head_vectors[i], body=d["body"])
        aps, over = [], []
        for i, title in enumerate(titles):
            cands = [c for c in matcher.query(title, k=K, query_vectors=title_vectors[i])
                     if c.claim_id != i]
            aps.append(average_precision([c.claim_id for c in cands], gold[i]))
            worst = max((c.score for c in cands if c.claim_id not in gold[i]), default=0.0)
            over.append(worst >= config.suggest_threshold)
        ap[credit], wrong[credit] = np.array(aps), np.array(over)
    fold_maps, chosen = [], []
    for tr, te in GroupKFold(5).split(np.arange(len(gold)), groups=clusters):
        best = max(BODY_CREDIT_GRID, key=lambda c: (ap[c][tr].mean(), -c))
        chosen.append(best)
        fold_maps.append(float(ap[best][te].mean()))
    return {
        "map": {"mean": round(float(np.mean(fold_maps)), 4),
                "std": round(float(np.std(fold_maps)), 4)},
        "body_credit_per_fold": chosen,
        "map_by_credit": {str(c): round(float(ap[c].mean()), 4) for c in BODY_CREDIT_GRID},
        "wrong_over_suggest_by_credit": {str(c): round(float(wrong[c].mean()), 4)
                                         for c in BODY_CREDIT_GRID},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="lexical signals only")
    parser.add_argument("--embed-stripped", action="store_true",
                        help="embed the stripped queries too (e5 reads them poorly; ~10 min)")
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
    t0 = time.time()
    restorer = AccentRestorer(texts)
    variants["restored"] = [restorer.restore(q, exclude=i)
                            for i, q in enumerate(variants["stripped"])]
    restored_ok, restored_all = 0, 0
    for original, restored in zip(variants["accented"], variants["restored"], strict=True):
        a, b = vntext.normalize(original).lower().split(), restored.lower().split()
        if len(a) == len(b):
            restored_ok += sum(x == y for x, y in zip(a, b, strict=True))
            restored_all += len(a)
    restoration = {"word_accuracy": round(restored_ok / restored_all, 4),
                   "seconds": round(time.time() - t0, 1)}
    print(f"accents restored: {restoration}", file=sys.stderr)
    per_variant, semantic, qvecs_by_name = {}, {}, {}
    for name, queries in variants.items():
        # Each query is embedded in its written form only (half the model time); a
        # stripped query (only with --embed-stripped: e5 reads a 600-character text without
        # accents poorly, MAP 0.46 earlier) meets the folded copy of each article's vectors.
        if args.no_model or (name == "stripped" and not args.embed_stripped):
            qvecs = [None] * len(queries)
        else:
            qvecs = written_form_vectors(embedder, f"mds-q-{name}", queries, is_query=True)
            semantic[name] = semantic_matrix(qvecs, vectors)
            qvecs_by_name[name] = qvecs
        t1 = time.time()
        per_variant[name] = rankings(matcher, queries, qvecs)
        print(f"{name}: {(time.time() - t1) / len(docs) * 1000:.0f} ms/query", file=sys.stderr)

    col = {name: i for i, name in enumerate(FEATURES)}
    results: dict[str, dict] = {}
    for name, per_query in per_variant.items():
        res = {
            "bm25": evaluate(
                per_query, gold, lambda r, c: np.argsort(-r[:, col["bm25"]], kind="stable")
            ),
            "fused_default": evaluate(per_query, gold, by_fused_score),
            "learned_lexical": cross_validated(per_query, gold, clusters, LEXICAL),
        }
        if name in semantic:
            res["semantic"] = evaluate(
                per_query, gold, lambda r, c: np.argsort(-r[:, col["semantic"]], kind="stable")
            )
            res["learned"] = cross_validated(per_query, gold, clusters, list(range(len(FEATURES))))
        else:
            res["learned"] = res["learned_lexical"]
        results[name] = res
    pools: dict = {}
    grid = bm25_grid_cv(texts, variants, gold, clusters, matcher.config, pools)
    ap = grid.pop("_ap")
    gap = time_gap_days(docs)
    passages = {}
    if not args.no_model:
        owner, chunks = body_chunks(docs)
        chunk_rows = np.concatenate(
            written_form_vectors(embedder, "mds-chunks", chunks, is_query=True))
        leads = np.concatenate(qvecs_by_name["accented"])  # every article's first 600 chars
        for name, qvecs in qvecs_by_name.items():
            passages[name] = passage_matrix(np.concatenate(qvecs), leads, chunk_rows, owner)
    for name, res in results.items():
        res["bm25_cv_k1_b"] = grid[name]
        sem = semantic.get(name)
        mats = [] if sem is None else [sem]
        res["pairwise"] = pairwise_cv(pools, ap, name, gold, clusters, mats)
        res["pairwise_with_time"] = pairwise_cv(pools, ap, name, gold, clusters, mats, gap)
        if name in passages:
            res["pairwise_passages_time"] = pairwise_cv(
                pools, ap, name, gold, clusters, mats + [passages[name]], gap, GAP_FORMS)
        print(f"{name}: {res}")
    body = None
    if not args.no_model:
        body = body_credit_cv(docs, embedder, heads, vectors, clusters, gold)
        print(f"body credit (title queries): {body}")

    def best(name: str) -> dict:
        return results[name].get("pairwise_passages_time",
                                 results[name]["pairwise_with_time"])["map"]

    print(
        json.dumps(
            {
                "queries": len(docs),
                "best_map_accented": best("accented"),
                "best_map_stripped": best("restored") if "restored" in passages
                else results["stripped"]["pairwise_with_time"]["map"],
                "accent_restoration": restoration,
                "pairwise_map_accented": results["accented"]["pairwise"]["map"],
                "pairwise_map_stripped": results["stripped"]["pairwise"]["map"],
                "pairwise_with_time_map_accented":
                    results["accented"]["pairwise_with_time"]["map"],
                "pairwise_with_time_map_stripped":
                    results["stripped"]["pairwise_with_time"]["map"],
                "bm25_cv_map_accented": grid["accented"]["map"],
                "bm25_cv_map_stripped": grid["stripped"]["map"],
                "map_accented": results["accented"]["learned"]["map"],
                "map_stripped": results["stripped"]["learned"]["map"],
                "body_credit_title_queries": body,
                "by_ranking": results,
            }
        )
    )


if __name__ == "__main__":
    main()
