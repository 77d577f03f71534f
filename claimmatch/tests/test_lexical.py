from claimmatch.lexical import BM25Index
from claimmatch.text_keys import text_keys


def terms(text: str) -> list[str]:
    keys = text_keys(text)
    return list(keys.folded_tokens) + list(keys.exact_tokens)


def weighted(text: str, boost: float = 0.5) -> dict[str, float]:
    keys = text_keys(text)
    out: dict[str, float] = {}
    for t in keys.folded_tokens:
        out[t] = out.get(t, 0.0) + 1.0
    for t in keys.exact_tokens:
        out[t] = out.get(t, 0.0) + boost
    return out


def test_ranks_document_sharing_rare_words_first():
    index = BM25Index()
    index.add(1, terms("giá xăng tăng mạnh từ chiều nay"))
    index.add(2, terms("công an cảnh báo lừa đảo qua điện thoại"))
    index.add(3, terms("giá vàng giảm nhẹ trong phiên sáng nay"))
    top = index.top(weighted("xang tang gia"), 3)
    assert top[0][0] == 1
    assert {key for key, _ in top} == {1, 3}


def test_accented_words_break_ties_between_words_that_fold_alike():
    index = BM25Index()
    index.add("sell", terms("bán nhà giá rẻ"))
    index.add("friend", terms("bạn nhà giá rẻ"))
    accented = index.top(weighted("bạn nhà"), 2)
    assert accented[0][0] == "friend"
    assert accented[0][1] > accented[1][1]
    plain = dict(index.top(weighted("ban nha"), 2))
    assert abs(plain["sell"] - plain["friend"]) < 1e-9


def test_remove_and_re_add_keep_statistics_consistent():
    index = BM25Index()
    index.add(1, ["tin", "gia"])
    index.add(2, ["tin", "that"])
    assert index.remove(1) is True
    assert index.remove(1) is False
    assert 1 not in index and len(index) == 1
    assert index.top({"gia": 1.0}, 5) == []
    index.add(1, ["gia", "gia"])
    index.add(1, ["moi"])  # re-adding replaces
    assert index.top({"gia": 1.0}, 5) == []
    assert index.top({"moi": 1.0}, 5)[0][0] == 1


def test_coverage_is_share_of_query_idf_mass_found():
    index = BM25Index()
    index.add(1, ["vac", "xin", "vo", "sinh"])
    index.add(2, ["gia", "xang"])
    index.add(3, ["vac", "xin", "mien", "phi"])
    assert index.coverage({"vac": 1.0, "xin": 1.0, "vo": 1.0, "sinh": 1.0}, 1) == 1.0
    partial = index.coverage({"vo": 1.0, "sinh": 1.0, "xang": 1.0}, 1)
    assert 0.0 < partial < 1.0
    assert index.coverage({"vac": 1.0}, 2) == 0.0
    assert index.coverage({}, 1) == 0.0
    assert index.coverage({"vac": 1.0}, "missing") == 0.0


def test_empty_index_and_empty_query_give_no_hits():
    index = BM25Index()
    assert index.top({"tin": 1.0}, 3) == []
    index.add(1, ["tin"])
    assert index.top({}, 3) == []
    assert index.score_of({"tin": 1.0}, [1, 99])[1] == 0.0


def test_bigram_terms_join_adjacent_syllables_and_stay_apart_from_unigrams():
    from claimmatch.lexical import bigram_terms, is_unigram

    assert bigram_terms(["sinh", "vien", "bi", "lua"]) == ["sinh vien", "vien bi", "bi lua"]
    assert bigram_terms(["mot"]) == [] and bigram_terms([]) == []
    assert is_unigram("vien")
    assert not is_unigram("sinh vien")
    assert not is_unigram("=viên")


def test_matcher_bigrams_rank_the_two_syllable_word_over_scattered_syllables():
    from claimmatch import HashingEmbedder, MatchConfig, Matcher

    texts = {
        1: "sinh viên bị lừa mất tiền qua điện thoại",
        2: "viên thuốc lạ gây sinh bệnh, mất tiền điện thoại",
    }
    scores = {}
    for weight in (0.0, 1.0):
        matcher = Matcher(MatchConfig(embed_query="never", bigram_weight=weight), HashingEmbedder())
        for cid, text in texts.items():
            matcher.add(cid, text)
        q = matcher._prepare("sinh vien mat tien")
        scores[weight] = dict(matcher._bm25.top(q.terms, 2))
        # the fused score's coverage reads single syllables only, whatever the weight
        assert all(" " not in t for t in q.folded_terms)
    assert abs(scores[0.0][1] - scores[0.0][2]) < 0.2 * scores[0.0][1]
    assert scores[1.0][1] > scores[1.0][2] * 1.3


def test_config_rejects_bad_bm25_parameters():
    import pytest

    from claimmatch import MatchConfig

    for bad in ({"bm25_k1": 0.0}, {"bm25_b": 1.5}, {"bigram_weight": -1.0}):
        with pytest.raises(ValueError):
            MatchConfig(**bad)
