"""Search: diacritics-insensitive, ranked (BM25 computed in Python), highlighted, paginated."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from publishing import search_index
from publishing.indexing import reconcile
from publishing.models import SearchEntry
from publishing.search import QueryError, search
from publishing.search_index import TITLE_WEIGHT, get_index
from verification.models import Verdict

from .factories import published_verdict

pytestmark = pytest.mark.django_db


def test_query_without_accents_finds_accented_verdict_and_marks_the_words(web):
    target = published_verdict("Tin giả về vắc xin sởi gây tử vong", "Vắc xin sởi đợt này làm chết trẻ em.")
    published_verdict("Giá vàng hôm nay không tăng", "Giá vàng tăng gấp đôi trong một đêm.")
    page = search("tin gia vac xin")
    assert [hit.verdict.pk for hit in page.hits] == [target.pk]
    title = str(page.hits[0].title)
    assert "<mark>vắc</mark> <mark>xin</mark>" in title and "<mark>giả</mark>" in title
    response = web.get("/tim-kiem/", {"q": "tin gia vac xin"})
    assert response.status_code == 200
    assert "<mark>vắc</mark>" in response.content.decode()
    accented = search("tin giả vắc xin")
    assert [hit.verdict.pk for hit in accented.hits] == [target.pk]


def test_title_matches_rank_above_body_matches():
    body_only = published_verdict(
        "Cảnh báo lừa đảo qua tin nhắn", "Tin nhắn giả mạo.", "Kẻ gian nhắc tới lá ổi trong tin nhắn."
    )
    in_title = published_verdict("Nước lá ổi không chữa tiểu đường", "Uống nước lá ổi khỏi bệnh.")
    assert [hit.verdict.pk for hit in search("la oi").hits] == [in_title.pk, body_only.pk]


def _reference_bm25(query_terms: list[str]) -> list[int]:
    """An independent, plain-Python BM25 over the stored folded text: what search must equal."""
    docs = {
        e.verdict_id: Counter(e.body_key.split())
        + Counter({t: TITLE_WEIGHT * c for t, c in Counter(e.title_key.split()).items()})
        for e in SearchEntry.objects.all()
    }
    n = len(docs)
    avg = sum(sum(d.values()) for d in docs.values()) / n
    terms = sorted(set(query_terms))
    idf = {}
    for term in terms:
        df = sum(1 for d in docs.values() if term in d)
        idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
    scores, cover = {}, {}
    for pk, d in docs.items():
        length = sum(d.values())
        for term in terms:
            if term in d:
                tf = d[term]
                scores[pk] = scores.get(pk, 0.0) + idf[term] * tf * 2.2 / (
                    tf + 1.2 * (0.25 + 0.75 * length / avg)
                )
                cover[pk] = cover.get(pk, 0.0) + idf[term]
    total = sum(idf.values())
    kept = [
        (pk, round(s, 9)) for pk, s in scores.items() if len(terms) == 1 or cover[pk] / total >= 0.5 - 1e-9
    ]
    return [pk for pk, _ in sorted(kept, key=lambda item: (-item[1], -item[0]))]


CORPUS = [
    ("Ngân hàng Đông Phong không phá sản", "Tin ngân hàng Đông Phong sắp phá sản lan trên Zalo."),
    ("Tin nhắn ngân hàng đòi cập nhật sinh trắc học là lừa đảo", "Đường link giả mạo ngân hàng."),
    ("Không có chuyện đổi tiền mới", "Tờ 500.000 đồng vẫn có giá trị, ngân hàng nhà nước khẳng định."),
    ("Vắc xin sởi an toàn", "Không có trẻ tử vong sau tiêm vắc xin sởi."),
    ("Clip lũ quét là cảnh cũ", "Video lũ quét quay ở nước ngoài nhiều năm trước."),
    ("Công văn nghỉ học là giả", "Sở giáo dục không cho học sinh nghỉ học vì cúm."),
]


@pytest.mark.parametrize(
    "query", ["ngan hang", "ngân hàng lừa đảo", "vac xin", "nghi hoc cum", "tien moi ngan hang"]
)
def test_ranking_equals_an_independent_bm25_on_this_database(query):
    for title, claim in CORPUS:
        published_verdict(title, claim)
    from vntext import search_key

    expected = _reference_bm25(search_key(query).split())
    assert expected, "the corpus must match the query"
    got = [hit.verdict.pk for hit in search(query, page_size=50).hits]
    assert got == expected


def test_changes_go_through_the_overlay_and_give_the_same_ranking_as_a_rebuild():
    for title, claim in CORPUS:
        published_verdict(title, claim)
    get_index()  # base built now
    extra = published_verdict(
        "Ngân hàng không khóa tài khoản chưa sinh trắc học", "Ngân hàng khóa tài khoản."
    )
    first = Verdict.objects.order_by("pk").first()
    first.title = "Đông Phong vẫn hoạt động bình thường"
    first.save()
    overlay_index = get_index()
    assert overlay_index.overlay_size > 0
    overlay = [hit.verdict.pk for hit in search("ngan hang tai khoan", page_size=50).hits]
    search_index.reset_index()
    rebuilt = [hit.verdict.pk for hit in search("ngan hang tai khoan", page_size=50).hits]
    assert get_index().overlay_size == 0
    assert overlay == rebuilt and extra.pk == rebuilt[0]


def test_pages_of_ten_and_a_clear_answer_past_the_end(web):
    for i in range(23):
        published_verdict(f"Tin đồn số {i} về lừa đảo", f"Lừa đảo kiểu {i}.")
    first, third = search("lua dao", 1), search("lua dao", 3)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (23, 3, 10, 3)
    everything = [h.verdict.pk for p in (1, 2, 3) for h in search("lua dao", p).hits]
    assert len(set(everything)) == 23
    with pytest.raises(QueryError) as info:
        search("lua dao", 4)
    assert info.value.code == "page_out_of_range"
    response = web.get("/tim-kiem/", {"q": "lua dao", "page": "4"})
    assert response.status_code == 404 and "3" in response.content.decode()
    assert web.get("/tim-kiem/", {"q": "lua dao", "page": "abc"}).status_code == 404
    assert web.get("/tim-kiem/", {"q": "lua dao", "page": "2"}).status_code == 200


def test_withdrawn_and_new_verdicts_show_up_at_once():
    keep = published_verdict("Đập thủy điện không bị nứt", "Đập thủy điện nứt sắp vỡ.")
    gone = published_verdict("Đập thủy điện cũ đã được gia cố", "Đập sắp vỡ.")
    assert {h.verdict.pk for h in search("dap thuy dien").hits} == {keep.pk, gone.pk}
    from django.utils import timezone

    gone.unpublished_at = timezone.now()
    gone.unpublish_reason = "Sai thông tin về địa điểm."
    gone.save()
    assert [h.verdict.pk for h in search("dap thuy dien").hits] == [keep.pk]
    assert not SearchEntry.objects.filter(verdict=gone).exists()


def test_reconcile_repairs_writes_that_bypass_signals():
    verdict = published_verdict("Tin đồn về muối i-ốt", "Muối i-ốt gây bệnh.")
    Verdict.objects.filter(pk=verdict.pk).update(
        title="Tin đồn về nước mắm", updated_at=verdict.updated_at.replace(year=2030)
    )
    search_index.reset_index()
    assert [h.verdict.pk for h in search("nuoc mam").hits] == [verdict.pk]
    assert reconcile() == 0  # the search already repaired it
    SearchEntry.objects.all().delete()
    assert reconcile() == 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "%27%3B DROP TABLE",
        "\u202e\u200b",
        "🙂🙂🙂",
    ],
)
def test_odd_queries_get_a_page_not_an_error(web, query):
    published_verdict("Cảnh báo lừa đảo", "Lừa đảo qua mạng.")
    response = web.get("/tim-kiem/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_over_long_query_is_refused_clearly(web):
    response = web.get("/tim-kiem/", {"q": "a" * 600})
    assert response.status_code == 400
    assert "500" in response.content.decode()
    with pytest.raises(QueryError):
        search("x" * 5000)
