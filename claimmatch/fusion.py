"""Turn per-signal scores into one calibrated "same claim" score, and fit its weights.

A logistic model rather than rank fusion: the decision needs a number that means the same
thing from one query to the next (a probability), so one auto-link threshold can hold its
precision. Its few weights are fitted by ``bench/paraphrase.py`` and stored in the config.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from claimmatch.config import FusionWeights

TEXT_FEATURES = ("semantic", "coverage", "near_dup")
LEXICAL_FEATURES = ("coverage", "near_dup")


@dataclass(frozen=True)
class Candidate:
    """One claim that may be what the query is about, and why we think so."""

    claim_id: int
    score: float
    reasons: tuple[str, ...]
    signals: dict[str, float] = field(default_factory=dict)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def text_score(weights: FusionWeights, signals: dict[str, float]) -> float:
    """Probability-like score from the text signals; without ``semantic`` uses the lexical model."""
    coverage = signals.get("coverage", 0.0)
    near_dup = signals.get("near_dup", 0.0)
    if "semantic" in signals:
        z = (
            weights.bias
            + weights.semantic * signals["semantic"]
            + weights.coverage * coverage
            + weights.near_dup * near_dup
        )
    else:
        z = (
            weights.lexical_bias
            + weights.lexical_coverage * coverage
            + weights.lexical_near_dup * near_dup
        )
    return _sigmoid(z)


def fit_logistic(
    features: np.ndarray, labels: Sequence[int], c: float = 10.0
) -> tuple[float, np.ndarray]:
    """Fit (bias, coefficients) of a logistic regression; the benchmark scripts call this."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(np.asarray(features, np.float64), np.asarray(labels))
    return float(model.intercept_[0]), model.coef_[0].astype(np.float64)


def fit_weights(rows: Sequence[dict[str, float]], labels: Sequence[int]) -> FusionWeights:
    """Fit both the full and the lexical-only model on the same labelled pairs."""
    full = np.array([[r[name] for name in TEXT_FEATURES] for r in rows])
    lexical = np.array([[r[name] for name in LEXICAL_FEATURES] for r in rows])
    bias, coef = fit_logistic(full, labels)
    lbias, lcoef = fit_logistic(lexical, labels)
    return FusionWeights(
        bias=round(bias, 4),
        semantic=round(float(coef[0]), 4),
        coverage=round(float(coef[1]), 4),
        near_dup=round(float(coef[2]), 4),
        lexical_bias=round(lbias, 4),
        lexical_coverage=round(float(lcoef[0]), 4),
        lexical_near_dup=round(float(lcoef[1]), 4),
    )


def threshold_for_precision(
    scores: Sequence[float], labels: Sequence[int], precision: float
) -> float:
    """Lowest score threshold whose precision on these pairs is at least ``precision``.

    Returns 1.0 (never fire) if no threshold reaches it, so a poor model fails safe.
    """
    order = np.argsort(-np.asarray(scores, np.float64), kind="stable")
    s = np.asarray(scores, np.float64)[order]
    y = np.asarray(labels)[order]
    tp = np.cumsum(y == 1)
    prec = tp / np.arange(1, len(y) + 1)
    best = 1.0
    for i in range(len(s)):
        # only cut between distinct scores, otherwise the threshold would admit ties too
        if i + 1 < len(s) and s[i + 1] == s[i]:
            continue
        if prec[i] >= precision:
            best = float(s[i])
    return best


def threshold_for_recall(scores: Sequence[float], labels: Sequence[int], recall: float) -> float:
    """Highest threshold that still keeps at least ``recall`` of the positives above it."""
    pos = np.sort(np.asarray(scores, np.float64)[np.asarray(labels) == 1])[::-1]
    if len(pos) == 0:
        return 1.0
    n = max(1, math.ceil(recall * len(pos)))
    return float(pos[n - 1])
