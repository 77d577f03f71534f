"""Batch paths (add_many / query_many / embed_many) and the cheap-first model policy."""

from collections.abc import Sequence

import numpy as np

import vntext
from claimmatch import HashingEmbedder, MatchConfig, Matcher

CLAIMS = [
    (1, "Bộ Y tế cảnh báo tin giả: tiêm vắc xin Covid-19 gây vô sinh ở phụ nữ trẻ"),
    (2, "Giá xăng tăng mạnh từ 15 giờ chiều nay theo quyết định điều chỉnh của liên bộ",
     ["https://www.facebook.com/groups/1/posts/2/"]),
    (3, "Công an cảnh báo thủ đoạn giả danh nhân viên ngân hàng gọi điện lừa chuyển tiền"),
    (4, "Hà Nội cho học sinh nghỉ học ngày mai vì bão số 3 đổ bộ vào miền Bắc"),
]
REPORTS = [
    ("tiem vac xin covid 19 gay vo sinh o phu nu tre la tin gia",),
    ("xem cái này", ["https://facebook.com/groups/1/posts/2?fbclid=IwAR9"]),
    ("Công an cảnh báo thủ đoạn giả danh nhân viên ngân hàng gọi điện lừa chuyển tiền !!!",),
    ("Đà Nẵng cho học sinh nghỉ học ngày mai vì bão số 3 đổ bộ vào miền Trung",),
    ("một tin hoàn toàn khác về giá vàng hôm nay",),
]


class Counting(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.texts = 0

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return super()._encode(texts)


def _same(a, b):
    assert [(c.claim_id, round(c.score, 9), c.reasons) for c in a] == [
        (c.claim_id, round(c.score, 9), c.reasons) for c in b
    ]


def test_add_many_indexes_like_add_with_one_model_call():
    one_by_one = Matcher(MatchConfig(), Counting())
    for claim in CLAIMS:
        one_by_one.add(*claim)
    batched = Matcher(MatchConfig(), Counting())
    batched.add_many(CLAIMS)
    assert batched.embedder.calls == 1 and one_by_one.embedder.calls == len(CLAIMS)
    assert batched.embedder.texts == one_by_one.embedder.texts
    assert len(batched) == len(CLAIMS)
    for report in REPORTS:
        _same(batched.query(*report), one_by_one.query(*report))


def test_query_many_equals_query_in_turn_with_one_model_call():
    config = MatchConfig(embed_query="always")
    m = Matcher(config, Counting())
    m.add_many(CLAIMS)
    m.embedder.calls = 0
    batched = m.query_many(REPORTS)
    assert m.embedder.calls == 1
    for report, got in zip(REPORTS, batched):
        _same(got, m.query(*report))


def test_embed_many_matches_embed():
    m = Matcher(MatchConfig(), HashingEmbedder())
    texts = [CLAIMS[0][1], "", "ko dc"]
    for text, rows in zip(texts, m.embed_many(texts)):
        assert np.allclose(rows, m.embed(text))
    for text, rows in zip(texts, m.embed_query_many(texts)):
        assert np.allclose(rows, m.embed_query(text))


def test_cheap_first_embeds_only_what_cheap_signals_leave_open():
    m = Matcher(MatchConfig(embed_query="always"), Counting())
    m.add_many(CLAIMS)
    m.embedder.texts = 0
    results = m.query_many(REPORTS, cheap_first=True)
    decisions = [m.decide(r[0], c) for r, c in zip(REPORTS, results)]
    assert [d.action for d in decisions[:3]] == ["link", "link", "link"]
    assert [d.claim_id for d in decisions[:3]] == [1, 2, 3]
    # the shared link and the near-identical copy settle without the model ...
    assert all("semantic" not in c.signals for c in results[1] + results[2])
    # ... word overlap does not: the unaccented retelling (1 form), the other-city twin and
    # the unrelated report (2 forms each) were embedded
    assert "semantic" in results[0][0].signals
    assert m.embedder.texts == 5
    assert decisions[3].action == "suggest" and "differ" in decisions[3].explanation
    assert decisions[4].action == "new"


def test_cheap_first_gives_the_same_decisions_as_always_here():
    cheap = Matcher(MatchConfig(), HashingEmbedder())
    full = Matcher(MatchConfig(embed_query="always"), HashingEmbedder())
    for m in (cheap, full):
        m.add_many(CLAIMS)
    for report in REPORTS + [(vntext.strip_diacritics(c[1]),) for c in CLAIMS]:
        a = cheap.decide(report[0], cheap.query(*report, cheap_first=True))
        b = full.decide(report[0], full.query(*report))
        assert (a.action, a.claim_id) == (b.action, b.claim_id)


def test_batch_paths_accept_empty_input():
    m = Matcher(MatchConfig(), HashingEmbedder())
    m.add_many([])
    assert m.query_many([]) == [] and m.query_many([("x",)], k=0) == [[]]
    m.add_many([(7, "")])  # nothing to embed: indexed without vectors, no model call
    assert 7 in m
    assert m.query_many([("",)]) == [m.query("")] == [[]]


def test_settles_only_on_links_or_near_copies():
    m = Matcher(MatchConfig(), HashingEmbedder())
    m.add_many(CLAIMS)
    # shared link, near-identical copy: settled. Left to the model: the unaccented retelling
    # (it auto-links on words alone, but word overlap never settles), the other-city twin
    # (two words changed: not near-identical) and the unrelated report
    for report, expected in zip(REPORTS, [False, True, True, False, False]):
        cands = m.query(*report, cheap_only=True)
        assert all("semantic" not in c.signals for c in cands)
        assert m.settles(report[0], cands) is expected
    long_claim = ("Công an Hà Nội cảnh báo thủ đoạn giả danh nhân viên ngân hàng gọi điện cho "
                  "người dân, đề nghị cập nhật thông tin tài khoản rồi lừa chuyển tiền vào "
                  "tài khoản lạ, nhiều người đã mất tiền")
    copy_elsewhere = long_claim.replace("Hà Nội", "Huế") + " !!!"
    m = Matcher(MatchConfig(), HashingEmbedder())
    m.add(5, long_claim)
    cands = m.query(copy_elsewhere, cheap_only=True)
    assert cands[0].signals["near_dup"] >= m.config.near_identical_jaccard
    assert m.decide(copy_elsewhere, cands).action == "suggest"
    assert m.settles(copy_elsewhere, cands)  # near-identical: the model cannot fix a place
    reworded = "Bộ Y tế khẳng định: chích ngừa Covid-19 làm phụ nữ vô sinh là sai sự thật"
    assert not m.settles(reworded, m.query(reworded, cheap_only=True))
    assert m.settles("", [])  # nothing to embed


def test_claims_indexed_without_vectors_get_them_later():
    m = Matcher(MatchConfig(embed_query="always"), Counting())
    m.add(1, CLAIMS[0][1], vectors=np.zeros((0, m.embedder.dim), np.float32))
    assert m.embedder.calls == 0
    report = "chích ngừa covid làm phụ nữ vô sinh"
    assert "semantic" not in m.query(report)[0].signals  # found by words, no vectors yet
    assert m.set_vectors(1, m.embed_many([CLAIMS[0][1]])[0])
    assert "semantic" in m.query(report)[0].signals
    assert not m.set_vectors(99, np.ones((1, m.embedder.dim), np.float32))
