""" "Check before you share": the matching engine, public verdicts only, plain answers, limits."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from publishing.check import MAX_TEXT, check
from publishing.search import QueryError
from verification.models import ClaimState

from .factories import published_verdict

pytestmark = pytest.mark.django_db

RUMOUR = (
    "Đun sôi một nắm lá ổi non, uống ba lần mỗi ngày là khỏi hẳn tiểu đường tuýp 2 sau mười ngày, "
    "không cần dùng thuốc của bác sĩ nữa"
)
UNACCENTED = (
    "Dun soi mot nam la oi non, uong ba lan moi ngay la khoi han tieu duong tuyp 2 sau muoi ngay, "
    "khong can dung thuoc cua bac si nua"
)
POST = "https://www.facebook.com/groups/suckhoe.test/posts/4102938475610001/"


@pytest.fixture
def verdict():
    return published_verdict("Nước lá ổi không chữa khỏi tiểu đường", RUMOUR, urls=[POST])


def test_same_text_with_or_without_accents_finds_the_verdict(verdict):
    for text in (RUMOUR, UNACCENTED):
        result = check(text)
        assert [m.verdict.pk for m in result.matches] == [verdict.pk]
        assert result.matches[0].closeness == "strong"
        assert "near_identical_text" in result.matches[0].reasons


def test_a_link_alone_finds_the_verdict(verdict):
    result = check("", POST + "?fbclid=IwAR0abc&utm_source=zalo")
    assert [m.verdict.pk for m in result.matches] == [verdict.pk]
    assert "same_link" in result.matches[0].reasons


def test_claims_without_a_public_verdict_are_never_returned(verdict):
    published_verdict(
        "Bản nháp chưa công bố",
        "Khẩn cấp đập thủy điện Khe Mây đã nứt có thể vỡ trong đêm nay",
        state=ClaimState.AWAITING_REVIEW,
    )
    from verification.models import Verdict

    Verdict.objects.filter(title="Bản nháp chưa công bố").update(published_at=None)
    assert check("Khẩn cấp đập thủy điện Khe Mây đã nứt có thể vỡ trong đêm nay").matches == []


def test_nothing_known_says_so_and_offers_a_prefilled_report(web, verdict):
    response = web.post(
        "/kiem-tra/", {"text": "Giá xăng giảm mạnh từ tuần sau theo nguồn tin riêng", "url": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "/phan-anh/?text=" in page
    link = page.split('href="/phan-anh/?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert parse_qs(link)["text"] == ["Giá xăng giảm mạnh từ tuần sau theo nguồn tin riêng"]


def test_the_page_and_the_api_give_the_same_answer(web, verdict):
    page = web.post("/kiem-tra/", {"text": UNACCENTED, "url": ""})
    assert page.status_code == 200 and verdict.get_absolute_url() in page.content.decode()
    api = web.get("/api/v1/check", {"q": UNACCENTED}).json()
    assert api["found"] is True
    assert [m["verdict"]["id"] for m in api["matches"]] == [verdict.pk]
    assert api["matches"][0]["closeness"] == "strong"
    empty = web.get("/api/v1/check", {"q": "Một câu chẳng liên quan gì tới tin đồn nào cả ở đây"}).json()
    assert empty["found"] is False and empty["matches"] == []
    assert urlsplit(empty["report_url"]).path == "/phan-anh/"


@pytest.mark.parametrize(
    ("text", "url", "code"),
    [
        ("", "", "empty"),
        ("   \n\t ", "", "empty"),
        ("x" * (MAX_TEXT + 1), "", "text_too_long"),
        ("", "javascript:alert(1)", "invalid_url"),
        ("", "not a link at all", "invalid_url"),
        ("", "https://exa mple.com/", "invalid_url"),
    ],
)
def test_bad_input_is_refused_with_a_reason(web, text, url, code):
    with pytest.raises(QueryError) as info:
        check(text, url)
    assert info.value.code == code
    params = {k: v for k, v in (("q", text), ("url", url)) if v}
    response = web.get("/api/v1/check", params)
    assert response.status_code == 400
    assert response.json()["error"] in {code, "empty"}


@pytest.mark.parametrize(
    "text",
    [
        "' OR 1=1; --",
        "<script>alert('x')</script>",
        "\x07\x1b[31m tin",
        "{{ settings.SECRET_KEY }}",
        "\u202etin gia\u200b",
    ],
)
def test_injection_shaped_text_is_just_text(web, verdict, text):
    response = web.post("/kiem-tra/", {"text": text, "url": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "dev-only-insecure" not in page


def test_a_nul_character_is_refused_with_a_message(web):
    response = web.post("/kiem-tra/", {"text": "tin\x00gia", "url": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_form_refuses_over_long_text_on_the_page(web):
    response = web.post("/kiem-tra/", {"text": "a" * (MAX_TEXT + 5), "url": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


@override_settings(RATE_PUBLIC_CHECK="3/m")
def test_checks_are_rate_limited_per_address_across_page_and_api(web, verdict):
    for _ in range(2):
        assert web.get("/api/v1/check", {"q": RUMOUR}).status_code == 200
    assert web.post("/kiem-tra/", {"text": RUMOUR, "url": ""}).status_code == 200
    limited = web.get("/api/v1/check", {"q": RUMOUR})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert limited.json()["error"] == "rate_limited"
    page = web.post("/kiem-tra/", {"text": RUMOUR, "url": ""})
    assert page.status_code == 429


def test_the_check_reads_a_fresh_matcher_without_querying_and_sees_this_process_changes_at_once(
    django_assert_num_queries,
):
    from verification import matching
    from verification.models import Claim

    matching.reset_matcher()
    matching.get_matcher()  # a full sync
    with django_assert_num_queries(0):
        matching.get_matcher(max_staleness=60)
    claim = Claim.objects.create(
        representative_text="Uống nước lá tía tô mỗi sáng làm sạch phổi của người hút thuốc lâu năm",
        state=ClaimState.IN_VERIFICATION,
    )  # saved by this process: the matcher is marked stale
    with django_assert_num_queries(2):  # the "changed since" read and the "deleted since" (tombstones) read
        assert claim.pk in matching.get_matcher(max_staleness=60)
    with django_assert_num_queries(0):
        matching.get_matcher(max_staleness=60)
