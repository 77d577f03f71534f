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


def test_pair_supported_needs_two_adjacent_report_words_in_the_other_text():
    from claimmatch.lexical import pair_supported

    body = {"ca canh", "cay canh", "giao hang"}
    tokens = ["ban", "ca", "canh", "khong", "giao", "hang"]
    assert pair_supported(tokens, body.__contains__) == {"ca", "canh", "giao", "hang"}
    assert pair_supported(["canh", "ca"], body.__contains__) == set()  # order matters
    assert pair_supported(["ca"], body.__contains__) == set()


def test_coverage_many_credits_partial_terms_only_when_missing():
    index = BM25Index()
    index.add(1, ["ban", "sinh", "vat", "canh"])
    index.add(2, ["gia", "xang"])
    q = {"ban": 1.0, "ca": 1.0, "canh": 1.0}
    plain = index.coverage_many(q, [1, 2])
    credited = index.coverage_many(q, [1, 2], [{"ca": 0.5, "ban": 0.5}, None])
    assert credited[1] == plain[1] == 0.0
    mass = {t: index.idf(t) for t in q}
    # "ban" is in the document already: full mass, not half; "ca" gets half of its mass
    expected = (mass["ban"] + mass["canh"] + 0.5 * mass["ca"]) / sum(mass.values())
    assert abs(credited[0] - expected) < 1e-12
    assert credited[0] > plain[0]


def test_body_words_count_in_pairs_and_never_as_scattered_syllables():
    from claimmatch import HashingEmbedder, MatchConfig, Matcher

    lead = "Bóc gỡ ổ nhóm lừa đảo rao bán sinh vật cảnh trên mạng xã hội"
    body = ("Các đối tượng đăng bài rao bán cây cảnh, cá cảnh trên Facebook, nhận tiền cọc "
            "rồi chặn liên lạc với người mua.")
    # the same syllables as the body, never adjacent in the report's order
    scattered = ("Cây đàn của cá nhân người mua, cảnh sát nhận liên hệ chặn tiền, "
                 "rồi cọc lạc mua bài với.")
    report = "Trang bán cá cảnh, cây cảnh nhận tiền cọc rồi chặn liên lạc"
    config = MatchConfig(embed_query="never", body_credit=0.5)
    with_body = Matcher(config, HashingEmbedder())
    with_body.add(1, lead, body=body)
    with_body.add(2, lead, body=scattered)
    no_body = Matcher(config, HashingEmbedder())
    no_body.add(1, lead)
    no_body.add(2, lead)
    cov = {c.claim_id: c.signals["coverage"] for c in with_body.query(report)}
    base = no_body.compare(report, 1).signals["coverage"]
    assert cov[1] > base + 0.2
    assert abs(cov[2] - base) < 1e-9
    # off switch, and remove / re-add without a body forget it
    off = Matcher(MatchConfig(embed_query="never", body_credit=0.0), HashingEmbedder())
    off.add(1, lead, body=body)
    off.add(2, lead)
    assert abs(off.compare(report, 1).signals["coverage"] - base) < 1e-9
    with_body.add(1, lead)
    assert abs(with_body.compare(report, 1).signals["coverage"] - base) < 1e-9
    assert with_body.remove(2) and not with_body._body.has_term(2, "ca canh")


def test_body_alone_brings_a_claim_into_the_candidates():
    from claimmatch import HashingEmbedder, MatchConfig, Matcher

    matcher = Matcher(MatchConfig(embed_query="never", retrieve_k=1), HashingEmbedder())
    matcher.add(1, "Cảnh báo lừa đảo trên mạng", body="rao bán cá cảnh, cây cảnh giá rẻ")
    for cid in range(2, 8):
        matcher.add(cid, f"Cảnh báo lừa đảo trên mạng xã hội số {cid}")
    found = {c.claim_id: c for c in matcher.query("bán cá cảnh giá rẻ", k=10)}
    assert 1 in found and found[1].signals.get("bm25_body", 0) > 0


def test_config_rejects_bad_body_credit():
    import pytest

    from claimmatch import MatchConfig

    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError):
            MatchConfig(body_credit=bad)
