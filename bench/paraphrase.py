"""vnPara: does the fused score separate "same statement, reworded" from "same topic"?

Every sentence2 is indexed as a claim (``Matcher.add`` with its accented and folded
vectors); each sentence1 is scored against its own pair with ``Matcher.compare``
(semantic, word coverage, MinHash). To halve model time the sentence1 side is embedded in
its written form only (both sides are accented here, so the folded query copy adds little).

5-fold cross-validation by pair (shuffled, seed 0): the logistic fusion is fitted on four
folds, the auto-link threshold (precision >= 0.98) and suggest threshold (precision >= 0.85)
are chosen on inner out-of-fold scores of those four folds, then everything is measured on
the fifth. Also reported: each signal's AUC alone and the lexical-only model. The final fit
on all pairs is printed as ``fitted_config``: those are the defaults in
``claimmatch/config.py``.

Run: .venv/bin/python bench/paraphrase.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

# the same vector cache as the other bench scripts (``var/cache``), unless TINGIA_CACHE says
os.environ.setdefault("TINGIA_CACHE", str(Path(__file__).resolve().parent.parent / "var" / "cache"))

from _data import load_vnpara  # noqa: E402
from _embed import form_vectors, written_form_vectors  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

from claimmatch import E5Embedder, MatchConfig, Matcher  # noqa: E402
from claimmatch.fusion import (  # noqa: E402
    LEXICAL_FEATURES,
    TEXT_FEATURES,
    fit_logistic,
    threshold_for_precision,
)

AUTOLINK_PRECISION = 0.98
SUGGEST_PRECISION = 0.85
FOLDS = 5


def pair_signals(pairs, embedder) -> list[dict[str, float]]:
    matcher = Matcher(MatchConfig(embed_query="always"), embedder)
    first_texts = [p.first for p in pairs]
    passages = form_vectors(embedder, "vnpara-s2", [p.second for p in pairs], is_query=False)
    queries = written_form_vectors(embedder, "vnpara-s1", first_texts, is_query=True)
    for i, p in enumerate(pairs):
        matcher.add(i, p.second, vectors=passages[i])
    rows = []
    for i, text in enumerate(first_texts):
        cand = matcher.compare(text, i, query_vectors=queries[i])
        rows.append({name: cand.signals.get(name, 0.0) for name in TEXT_FEATURES})
    return rows


def _matrix(rows, names) -> np.ndarray:
    return np.array([[r[n] for n in names] for r in rows], np.float64)


def _predict(bias, coef, x) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(bias + x @ coef)))


def _oof_thresholds(x, y, seed) -> tuple[float, float]:
    """Thresholds from out-of-fold scores inside the training part (no peeking at test)."""
    oof = np.zeros(len(y))
    for tr, te in KFold(FOLDS, shuffle=True, random_state=seed).split(x):
        b, c = fit_logistic(x[tr], y[tr])
        oof[te] = _predict(b, c, x[te])
    return (
        threshold_for_precision(oof, y, AUTOLINK_PRECISION),
        threshold_for_precision(oof, y, SUGGEST_PRECISION),
    )


def _at(scores, y, threshold) -> tuple[float, float]:
    fired = scores >= threshold
    tp = int(np.sum(fired & (y == 1)))
    precision = tp / int(np.sum(fired)) if np.any(fired) else 1.0
    return precision, tp / int(np.sum(y == 1))


def cross_validate(rows, y, names) -> dict[str, list[float]]:
    x = _matrix(rows, names)
    out: dict[str, list[float]] = {k: [] for k in ("auc", "al_p", "al_r", "sg_p", "sg_r")}
    for fold, (tr, te) in enumerate(KFold(FOLDS, shuffle=True, random_state=0).split(x)):
        b, c = fit_logistic(x[tr], y[tr])
        t_auto, t_sugg = _oof_thresholds(x[tr], y[tr], seed=fold + 1)
        s = _predict(b, c, x[te])
        out["auc"].append(roc_auc_score(y[te], s))
        p, r = _at(s, y[te], t_auto)
        out["al_p"].append(p)
        out["al_r"].append(r)
        p, r = _at(s, y[te], t_sugg)
        out["sg_p"].append(p)
        out["sg_r"].append(r)
    return out


def _ms(values) -> dict[str, float]:
    return {"mean": round(float(np.mean(values)), 4), "std": round(float(np.std(values)), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pairs",
        type=int,
        default=0,
        help="use only the first N pairs of a seeded (0) shuffle; 0 = all 3,083",
    )
    args = parser.parse_args()
    pairs = load_vnpara()
    if args.pairs:
        order = np.random.default_rng(0).permutation(len(pairs))[: args.pairs]
        pairs = [pairs[i] for i in sorted(order)]
    y = np.array([p.label for p in pairs])
    embedder = E5Embedder()
    t0 = time.time()
    rows = pair_signals(pairs, embedder)
    print(f"signals for {len(pairs)} pairs in {time.time() - t0:.0f}s", file=sys.stderr)

    single = {n: round(roc_auc_score(y, [r[n] for r in rows]), 4) for n in TEXT_FEATURES}
    full = cross_validate(rows, y, TEXT_FEATURES)
    lexical = cross_validate(rows, y, LEXICAL_FEATURES)
    x_all = _matrix(rows, TEXT_FEATURES)
    for name, res in (("fused (semantic+coverage+near_dup)", full), ("lexical only", lexical)):
        print(
            f"{name}: AUC {_ms(res['auc'])}, auto-link P {_ms(res['al_p'])} "
            f"R {_ms(res['al_r'])}, suggest P {_ms(res['sg_p'])} R {_ms(res['sg_r'])}"
        )
    print(f"single-signal AUC (no fitting): {single}")

    from claimmatch.fusion import fit_weights

    weights = fit_weights(rows, y)
    t_auto, t_sugg = _oof_thresholds(x_all, y, seed=0)
    fitted = {
        "weights": weights.__dict__,
        "autolink_threshold": round(t_auto, 4),
        "suggest_threshold": round(t_sugg, 4),
    }
    print("fitted_config:", json.dumps(fitted))
    print(
        json.dumps(
            {
                "pairs": len(pairs),
                "folds": FOLDS,
                "roc_auc": _ms(full["auc"]),
                "autolink_precision": _ms(full["al_p"]),
                "autolink_recall": _ms(full["al_r"]),
                "suggest_precision": _ms(full["sg_p"]),
                "suggest_recall": _ms(full["sg_r"]),
                "lexical_only_roc_auc": _ms(lexical["auc"]),
                "lexical_only_autolink_recall": _ms(lexical["al_r"]),
                "single_signal_auc": single,
            }
        )
    )


if __name__ == "__main__":
    main()
