import pytest

from claimmatch import Candidate, FusionWeights, MatchConfig
from claimmatch.decision import decide
from claimmatch.fusion import text_score, threshold_for_precision, threshold_for_recall

CONFIG = MatchConfig(autolink_threshold=0.9, suggest_threshold=0.5, min_tokens_for_autolink=6)


def cand(score: float, reasons=("similar_meaning",), claim_id: int = 7) -> Candidate:
    return Candidate(claim_id, score, tuple(reasons), {})


def test_above_autolink_links():
    d = decide(CONFIG, 12, [cand(0.95), cand(0.6, claim_id=8)])
    assert d.action == "link" and d.claim_id == 7
    assert [c.claim_id for c in d.suggestions] == [7, 8]


def test_between_thresholds_suggests():
    d = decide(CONFIG, 12, [cand(0.4, claim_id=3), cand(0.7)])
    assert d.action == "suggest" and d.claim_id == 7
    assert [c.claim_id for c in d.suggestions] == [7]


def test_below_suggest_is_new():
    d = decide(CONFIG, 12, [cand(0.49)])
    assert d.action == "new" and d.claim_id is None and d.suggestions == ()


def test_no_candidates_is_new():
    assert decide(CONFIG, 12, []).action == "new"


def test_short_text_never_autolinks_on_text_alone():
    d = decide(CONFIG, 3, [cand(0.99, ("near_identical_text", "similar_meaning"))])
    assert d.action == "suggest"
    assert "too short" in d.explanation


@pytest.mark.parametrize("reason", ["same_link", "same_screenshot"])
def test_short_text_autolinks_on_non_text_evidence(reason):
    assert decide(CONFIG, 2, [cand(0.97, (reason,))]).action == "link"


def test_fused_score_rises_with_each_text_signal():
    w = FusionWeights()
    base = {"semantic": 0.85, "coverage": 0.3, "near_dup": 0.1}
    s0 = text_score(w, base)
    assert 0.0 < s0 < 1.0
    for name, value in (("semantic", 0.95), ("coverage", 0.9), ("near_dup", 0.9)):
        assert text_score(w, {**base, name: value}) > s0, name


def test_lexical_model_used_when_query_was_not_embedded():
    w = FusionWeights()
    low = text_score(w, {"coverage": 0.1, "near_dup": 0.0})
    high = text_score(w, {"coverage": 1.0, "near_dup": 1.0})
    assert 0.0 <= low < high <= 1.0


def test_threshold_for_precision_keeps_required_precision():
    scores = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5]
    labels = [1, 1, 1, 0, 1, 0, 0]
    assert threshold_for_precision(scores, labels, 1.0) == 0.85
    assert threshold_for_precision(scores, labels, 0.8) == 0.7
    assert threshold_for_precision([0.9, 0.8], [0, 0], 0.5) == 1.0  # unreachable: never fire


def test_threshold_for_recall_keeps_share_of_positives():
    scores = [0.9, 0.8, 0.7, 0.6]
    labels = [1, 0, 1, 1]
    assert threshold_for_recall(scores, labels, 0.5) == 0.7
    assert threshold_for_recall(scores, labels, 1.0) == 0.6


def test_config_rejects_inverted_thresholds():
    with pytest.raises(ValueError):
        MatchConfig(autolink_threshold=0.4, suggest_threshold=0.6)
    with pytest.raises(ValueError):
        MatchConfig(embed_query="sometimes")
