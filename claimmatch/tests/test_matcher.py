"""Matcher behaviour with the deterministic trigram embedder (no model load)."""

import unicodedata

import numpy as np
import pytest

import vntext
from claimmatch import HashingEmbedder, MatchConfig, Matcher

CLAIMS = {
    1: "Bộ Y tế cảnh báo tin giả: tiêm vắc xin Covid-19 gây vô sinh ở phụ nữ trẻ",
    2: "Giá xăng tăng mạnh từ 15 giờ chiều nay theo quyết định điều chỉnh của liên bộ",
    3: "Công an cảnh báo thủ đoạn giả danh nhân viên ngân hàng gọi điện lừa chuyển tiền",
    4: "Hà Nội cho học sinh nghỉ học ngày mai vì bão số 3 đổ bộ vào miền Bắc",
    5: "Trung tâm tiếp nhận phản ánh tin giả có đường dây nóng miễn phí 18008108",
}


@pytest.fixture
def matcher() -> Matcher:
    m = Matcher(MatchConfig(), HashingEmbedder())
    for cid, text in CLAIMS.items():
        m.add(cid, text)
    return m


@pytest.mark.parametrize(
    "query",
    [
        "tiêm vắc xin Covid-19 gây vô sinh ở phụ nữ trẻ, Bộ Y tế nói là tin giả",  # accented
        "tiem vac xin covid 19 gay vo sinh o phu nu tre la tin gia",  # no diacritics
        "tiêm vx covid ko dc vì gây vô sinh phụ nữ trẻ hả mn",  # chat spelling
        "Bộ Y tế khẳng định: chích ngừa Covid-19 làm phụ nữ vô sinh là sai sự thật",  # reworded
    ],
)
def test_query_finds_its_claim_in_every_spelling(matcher, query):
    assert matcher.query(query)[0].claim_id == 1


def test_candidates_are_sorted_and_scored_between_0_and_1(matcher):
    cands = matcher.query("giá xăng chiều nay tăng mạnh", k=5)
    assert cands[0].claim_id == 2
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)
    assert all(0.0 <= c.score <= 1.0 for c in cands)
    assert len(matcher.query("giá xăng", k=1)) == 1


def test_reason_near_identical_text_and_same_words(matcher):
    top = matcher.query(CLAIMS[3] + " !!!")[0]
    assert top.claim_id == 3
    assert "near_identical_text" in top.reasons and "same_words" in top.reasons
    assert top.signals["near_dup"] >= 0.8 and top.signals["coverage"] >= 0.9


def test_reason_similar_meaning_from_vectors():
    m = Matcher(MatchConfig(embed_query="always"), HashingEmbedder())
    m.add(1, CLAIMS[1])
    top = m.query(CLAIMS[1].lower())[0]
    assert top.signals["semantic"] >= 0.9
    assert "similar_meaning" in top.reasons


def test_reason_same_link_and_it_links_a_short_report(matcher):
    url = "https://example.vn/tin-tuc/clip-gay-soc-123.html"
    matcher.add(10, "Clip gây sốc lan truyền", urls=[url])
    cands = matcher.query("xem cái này", urls=[url])
    assert cands[0].claim_id == 10 and "same_link" in cands[0].reasons
    assert matcher.decide("xem cái này", cands).action == "link"


def test_link_written_inside_the_text_counts(matcher):
    matcher.add(11, "Tin đồn về bài báo này", urls=["https://example.vn/bai-viet/tin-don-456"])
    top = matcher.query("ai kiểm tra giúp https://example.vn/bai-viet/tin-don-456 với")[0]
    assert top.claim_id == 11 and "same_link" in top.reasons


def test_homepage_link_is_not_evidence(matcher):
    matcher.add(12, "Bài báo về giá vàng hôm nay", urls=["https://vnexpress.net/"])
    cands = matcher.query("xem đi", urls=["https://vnexpress.net/"])
    assert all("same_link" not in c.reasons for c in cands)


def test_link_shared_by_many_claims_is_not_evidence():
    m = Matcher(MatchConfig(max_claims_per_link=2), HashingEmbedder())
    url = "https://example.vn/chuyen-muc/video"
    for cid in range(3):
        m.add(cid, f"tin số {cid}", urls=[url])
    assert all("same_link" not in c.reasons for c in m.query("xem", urls=[url]))


def test_remove_forgets_a_claim(matcher):
    assert matcher.remove(2) is True
    assert 2 not in matcher and len(matcher) == 4
    assert all(c.claim_id != 2 for c in matcher.query(CLAIMS[2], k=10))
    assert matcher.remove(2) is False


def test_add_same_id_replaces_the_claim(matcher):
    new_text = "Nội dung hoàn toàn mới về giá sầu riêng xuất khẩu sang Trung Quốc"
    matcher.add(4, new_text)
    assert len(matcher) == 5
    assert matcher.query(new_text)[0].claim_id == 4
    old = [c for c in matcher.query(CLAIMS[4]) if c.claim_id == 4]
    assert not old or old[0].signals["near_dup"] < 0.2


def test_stored_vectors_rebuild_the_same_ranking(matcher):
    rebuilt = Matcher(MatchConfig(), HashingEmbedder())
    for cid, text in CLAIMS.items():
        rebuilt.add(cid, text, vectors=matcher.embed(text))
    q = "lừa đảo giả danh ngân hàng gọi điện"
    assert [c.claim_id for c in rebuilt.query(q)] == [c.claim_id for c in matcher.query(q)]


def test_embed_gives_accented_and_folded_rows(matcher):
    assert matcher.embed("Tin giả về vắc xin").shape == (2, 256)
    assert matcher.embed("tin gia").shape == (1, 256)


def test_wrong_vector_shape_is_a_clear_error(matcher):
    with pytest.raises(ValueError, match="shape"):
        matcher.add(20, "tin", vectors=np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        matcher.add(21, "tin", vectors=np.full((1, 256), np.nan))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😡🔥🔥",
        "https://example.vn/bai-viet/abc",
        "tin giả " * 1250,  # 10,000 characters
        "Tin giả 假新闻 фейк новости خبر كاذب về vắc xin",
        unicodedata.normalize("NFD", CLAIMS[1]),
        "\u200b\u200b\x00\ufffd",
    ],
)
def test_bad_or_odd_input_never_crashes(matcher, text):
    cands = matcher.query(text)
    decision = matcher.decide(text, cands)
    assert decision.action in {"link", "suggest", "new"}
    matcher.add(99, text)
    assert 99 in matcher


def test_nfd_input_matches_like_nfc(matcher):
    nfd = unicodedata.normalize("NFD", CLAIMS[1])
    assert matcher.query(nfd)[0].claim_id == 1
    assert matcher.query(nfd)[0].score == pytest.approx(matcher.query(CLAIMS[1])[0].score)


def test_empty_text_gives_no_candidates_and_new(matcher):
    assert matcher.query("") == []
    assert matcher.decide("", []).action == "new"


def test_non_string_text_and_ids_are_rejected(matcher):
    with pytest.raises(TypeError):
        matcher.query(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        matcher.add("7", "tin")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        matcher.query("tin", urls="https://example.vn/a")  # a str is not a list of links


def test_exact_copy_autolinks_and_unrelated_is_new(matcher):
    copy = CLAIMS[3]
    assert matcher.match(copy).action == "link"
    unrelated = "Đội tuyển bóng đá nữ giành huy chương vàng tại đại hội thể thao khu vực"
    assert matcher.match(unrelated).action == "new"


def test_short_exact_copy_only_suggests():
    m = Matcher(MatchConfig(), HashingEmbedder())
    m.add(1, "vắc xin gây vô sinh")
    d = m.match("vắc xin gây vô sinh")
    assert d.action == "suggest" and d.claim_id == 1


def test_near_identical_query_skips_the_model():
    calls = []

    class Counting(HashingEmbedder):
        def embed_queries(self, texts):
            calls.append(list(texts))
            return super().embed_queries(texts)

    m = Matcher(MatchConfig(embed_query="needed"), Counting())
    for cid, text in CLAIMS.items():
        m.add(cid, text)
    m.query(CLAIMS[2])
    assert calls == []
    m.query("xăng lên giá")
    assert len(calls) == 1


def test_unaccented_query_of_unaccented_claim(matcher):
    matcher.add(30, vntext.strip_diacritics("Uống nước chanh nóng mỗi sáng chữa khỏi ung thư"))
    assert matcher.query("uống nước chanh nóng chữa ung thư")[0].claim_id == 30


def _screenshot(seed: int, size=(360, 720), fmt="PNG") -> bytes:
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", (360, 720), "white")
    draw = ImageDraw.Draw(img)
    for _ in range(40):  # blocks of "text" and pictures, like a chat screenshot
        x, y = rng.randrange(0, 300), rng.randrange(0, 680)
        draw.rectangle([x, y, x + rng.randrange(20, 60), y + rng.randrange(8, 40)], fill=(0, 0, 0))
    img = img.resize(size)
    out = io.BytesIO()
    img.save(out, fmt, quality=70) if fmt == "JPEG" else img.save(out, fmt)
    return out.getvalue()


def test_reason_same_screenshot_survives_resize_and_recompression(matcher):
    from claimmatch import images

    original = images.image_hash(_screenshot(1))
    resent = images.image_hash(_screenshot(1, size=(270, 540), fmt="JPEG"))
    other = images.image_hash(_screenshot(2))
    matcher.add(40, "Ảnh chụp màn hình tin nhắn lạ", image_hashes=[original])
    cands = matcher.query("cái ảnh này thật không", image_hashes=[resent])
    assert cands[0].claim_id == 40 and "same_screenshot" in cands[0].reasons
    assert matcher.decide("cái ảnh này thật không", cands).action == "link"
    assert all(
        "same_screenshot" not in c.reasons
        for c in matcher.query("ảnh khác", image_hashes=[other])
    )


def test_malformed_image_hash_is_a_clear_error(matcher):
    with pytest.raises(ValueError, match="image hash"):
        matcher.add(41, "tin", image_hashes=["not-a-hash"])
