"""Public pages: home, verdict page (URL, badge, history, withdrawal), topics, lists, errors."""

from __future__ import annotations

import pytest
from django.utils import timezone

from intake.models import Report
from verification.models import Claim, ClaimState

from .conftest import vi
from .factories import published_verdict

pytestmark = pytest.mark.django_db


def test_home_shows_latest_verdicts_entries_and_hotline_but_no_report_text(web):
    verdict = published_verdict("Vắc xin sởi an toàn", "Vắc xin sởi làm chết trẻ.")
    secret = "Nguyễn Văn A số 0912345678 nói đập Khe Mây sắp vỡ"
    Claim.objects.create(representative_text=secret, state=ClaimState.IN_VERIFICATION)
    Claim.objects.create(representative_text="Tin thứ hai đang xác minh", state=ClaimState.TRIAGED)
    page = web.get("/").content.decode()
    assert verdict.title in page and verdict.get_absolute_url() in page
    assert "18008108" in page and 'href="/phan-anh/"' in page and 'href="/kiem-tra/"' in page
    assert secret not in page and "0912345678" not in page
    assert (
        vi(
            "The centre is verifying %(n)s claim right now.",
            "The centre is verifying %(n)s claims right now.",
            2,
            n=2,
        )
        in page
    )
    assert 'action="/tim-kiem/"' in page


def test_home_lists_only_approved_neutral_titles_of_open_claims(web):
    from core.tests.staff_support import make_staff
    from verification import actions

    writer, approver = make_staff("title.writer", "verifier"), make_staff("title.approver", "editor")
    report_text = "Chị Trần Thị B ở số 12 phố Hàng Đào, 0987654321, nói nước máy nhiễm độc"

    def open_claim(text: str, state: str, title: str = "", approve: bool = True, days: int = 0) -> Claim:
        claim = Claim.objects.create(representative_text=text, state=state,
                                     first_seen=timezone.now() - timezone.timedelta(days=days))
        if title:
            actions.propose_public_title(claim, writer, title)
            if approve:
                actions.approve_public_title(claim, approver, title)
        return claim

    open_claim(report_text, ClaimState.IN_VERIFICATION, "Thông tin về chất lượng nước máy", days=2)
    open_claim("Tin về giá xăng tăng gấp đôi", ClaimState.AWAITING_REVIEW, "Thông tin về giá xăng", days=1)
    open_claim("Tin đồn chưa duyệt tiêu đề", ClaimState.TRIAGED, "Tiêu đề chưa được duyệt", approve=False)
    open_claim("Tin không có tiêu đề", ClaimState.IN_VERIFICATION)
    dismissed = open_claim("Tin đã đóng", ClaimState.IN_VERIFICATION, "Thông tin về một vụ đã đóng")
    actions.dismiss(dismissed, writer, "spam")
    concluded = published_verdict("Kết luận về cầu sập", "Cầu sập hôm qua")
    concluded.claim.public_title = "Thông tin về cầu sập (đã kết luận)"
    concluded.claim.public_title_approved_at = timezone.now()
    concluded.claim.save()

    page = web.get("/").content.decode()
    section = page[page.index('id="open-heading"'):page.index('id="topics-heading"')]
    assert "Thông tin về chất lượng nước máy" in section and "Thông tin về giá xăng" in section
    assert section.index("Thông tin về giá xăng") < section.index("Thông tin về chất lượng nước máy")  # newest first
    assert "Tiêu đề chưa được duyệt" not in page  # proposed, not approved
    assert "Thông tin về một vụ đã đóng" not in page and "đã kết luận" not in page
    for text in (report_text, "0987654321", "Hàng Đào", "Tin về giá xăng tăng gấp đôi", "Tin không có tiêu đề"):
        assert text not in page


def test_home_shows_at_most_five_titles(web):
    from core.tests.staff_support import make_staff
    from verification import actions

    writer, approver = make_staff("title.writer", "verifier"), make_staff("title.approver", "editor")
    for i in range(7):
        claim = Claim.objects.create(representative_text=f"Tin {i}", state=ClaimState.IN_VERIFICATION,
                                     first_seen=timezone.now() - timezone.timedelta(hours=i))
        actions.propose_public_title(claim, writer, f"Chủ đề số {i} đang xác minh")
        actions.approve_public_title(claim, approver, f"Chủ đề số {i} đang xác minh")
    page = web.get("/").content.decode()
    assert [f"Chủ đề số {i} đang xác minh" in page for i in range(7)] == [True] * 5 + [False] * 2


def test_english_switch_translates_the_interface(web):
    published_verdict("Vắc xin sởi an toàn", label="true")
    vi_page = web.get("/xac-minh/").content.decode()
    en = web.get("/xac-minh/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "Tin xác thực" in vi_page and "Verified true" in en and "Verdicts" in en and "Verdicts" not in vi_page
    )
    response = web.post("/i18n/setlang/", {"language": "en", "next": "/xac-minh/"})
    assert response.status_code == 302
    assert "Verified true" in web.get("/xac-minh/").content.decode()


def test_verdict_page_has_badge_claim_explanation_sources_topic_dates_and_share_links(web):
    verdict = published_verdict(
        "Nước lá ổi không chữa tiểu đường",
        "Lá ổi chữa khỏi tiểu đường.",
        "Dòng một.\n\nDòng hai <b>in đậm</b>.",
        topic="health",
        sources=[{"title": "Bộ Y tế", "url": "https://example.org/byt"}],
    )
    response = web.get(verdict.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="badge badge-fake badge-large">Tin giả<' in page
    assert "Lá ổi chữa khỏi tiểu đường." in page and "&lt;b&gt;in đậm&lt;/b&gt;" in page
    assert 'href="https://example.org/byt"' in page and "Y tế, sản phẩm y tế" in page
    assert verdict.published_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in page
    assert "facebook.com/sharer/sharer.php?u=http" in page and "t.me/share/url" in page
    assert "<script src" not in page  # no third-party script


def test_readable_url_and_canonical_redirects(web):
    verdict = published_verdict("Tin giả về vắc xin sởi")
    assert verdict.get_absolute_url() == f"/xac-minh/tin-gia-ve-vac-xin-soi-{verdict.pk}/"
    for wrong in (
        f"/xac-minh/sai-ten-{verdict.pk}/",
        f"/xac-minh/{verdict.pk}/",
        f"/xac-minh/-{verdict.pk}/",
    ):
        response = web.get(wrong)
        assert response.status_code == 301 and response["Location"] == verdict.get_absolute_url()


@pytest.mark.parametrize(
    "path",
    [
        "/xac-minh/khong-co-999999/",
        "/xac-minh/abc/",
        "/xac-minh/99999999999999999999999/",
        "/xac-minh/%3Cscript%3E-1/",
        "/chu-de/khong-co/",
    ],
)
def test_unknown_verdicts_and_topics_get_a_404_page(web, path):
    response = web.get(path)
    assert response.status_code == 404
    assert vi("Not found") in response.content.decode()


def test_drafts_are_not_public(web):
    draft = published_verdict("Bản nháp")
    draft.published_at = None
    draft.save()
    assert web.get(draft.get_absolute_url()).status_code == 404


def test_withdrawn_verdict_shows_the_notice_and_no_claim_review(web):
    verdict = published_verdict("Kết luận sẽ bị rút")
    verdict.unpublished_at = timezone.now()
    verdict.unpublish_reason = "Có thông tin mới từ cơ quan chức năng."
    verdict.save()
    response = web.get(verdict.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 410
    assert vi("This verdict has been withdrawn") in page and "Có thông tin mới từ cơ quan chức năng." in page
    assert "application/ld+json" not in page and 'content="noindex"' in page


def test_history_lists_the_desks_revisions(web):
    from verification.models import VerdictRevision

    verdict = published_verdict("Kết luận có đính chính")
    VerdictRevision.objects.create(
        verdict=verdict,
        seq=1,
        kind="published",
        label=verdict.label,
        title=verdict.title,
        claim_reviewed=verdict.claim_reviewed,
        explanation=verdict.explanation,
        at=verdict.published_at,
    )
    VerdictRevision.objects.create(
        verdict=verdict,
        seq=2,
        kind="corrected",
        label=verdict.label,
        title=verdict.title,
        claim_reviewed=verdict.claim_reviewed,
        explanation=verdict.explanation,
        note="Sửa tên cơ quan trả lời.",
    )
    page = web.get(verdict.get_absolute_url()).content.decode()
    assert vi("History") in page and "Sửa tên cơ quan trả lời." in page and vi("Corrected") in page


def test_topic_pages_and_list_pagination(web):
    for i in range(25):
        published_verdict(f"Tin y tế {i}", topic="health")
    published_verdict("Tin lừa đảo", topic="scam_link")
    page = web.get("/chu-de/y-te/").content.decode()
    assert "Tin lừa đảo" not in page and 'rel="next" href="?page=2"' in page
    assert web.get("/chu-de/y-te/", {"page": "2"}).status_code == 200
    for bad in ("3", "0", "-1", "abc", "1" * 30):
        response = web.get("/chu-de/y-te/", {"page": bad})
        assert response.status_code == 404
        assert (
            vi("There is no page %(page)s: this list has %(pages)d page(s).", page=bad[:12], pages=2)
            in response.content.decode()
        )
    assert web.get("/chu-de/health/").status_code == 301
    listing = web.get("/xac-minh/", {"label": "fabricated", "page": "2"}).content.decode()
    assert "Tin y tế 0" in listing and "label=fabricated&amp;page=1" in listing
    assert web.get("/xac-minh/", {"page": "99"}).status_code == 404


def test_status_page_links_to_the_published_verdict(web):
    verdict = published_verdict("Kết luận cho người phản ánh")
    report = Report.objects.create(channel="web", text="tin đồn", claim=verdict.claim)
    page = web.get(f"/theo-doi/{report.display_code}/").content.decode()
    assert verdict.get_absolute_url() in page


def test_cached_verdict_pages_carry_each_visitors_token_and_follow_changes(client):
    from django.test import Client

    verdict = published_verdict("Kết luận được lưu sẵn")
    first = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    second = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        page = visitor.get(verdict.get_absolute_url()).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        tokens.append(token)
        switched = visitor.post(
            "/i18n/setlang/",
            {"language": "en", "next": verdict.get_absolute_url(), "csrfmiddlewaretoken": token},
        )
        assert switched.status_code == 302, "the language switch of a cached page must work"
    assert tokens[0] != tokens[1]
    verdict.title = "Kết luận đã sửa tiêu đề"
    verdict.save()
    assert (
        "Kết luận đã sửa tiêu đề"
        in first.get(verdict.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    )


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages-test"}}


@pytest.mark.parametrize("shared", [True, False])
def test_a_page_rendered_once_serves_other_workers_through_the_shared_cache(web, settings, shared):
    from publishing import page_cache
    from verification.models import Verdict

    settings.CACHES = LOCMEM if shared else settings.CACHES
    assert page_cache.shared_enabled() is shared
    verdict = published_verdict("Kết luận lưu chung", "Tin đồn gốc")
    url = verdict.get_absolute_url()
    assert "Kết luận lưu chung" in web.get(url).content.decode()
    # A write that bypasses the stamp: only a page that was not rendered again still shows the old title.
    Verdict.objects.filter(pk=verdict.pk).update(title="Tiêu đề chưa qua biên tập")
    page_cache.clear()  # another worker: nothing in its own memory
    page = web.get(url).content.decode()
    heading = page.split('<h1 lang="vi">', 1)[1].split("</h1>", 1)[0]
    assert heading == ("Kết luận lưu chung" if shared else "Tiêu đề chưa qua biên tập")


def test_publish_correct_and_withdraw_reach_pages_in_the_shared_cache(web, settings):
    from publishing import page_cache

    settings.CACHES = LOCMEM
    verdict = published_verdict("Bản đầu tiên", "Tin đồn về điện")
    url = verdict.get_absolute_url()
    other = published_verdict("Kết luận khác", "Tin đồn khác")
    assert "Bản đầu tiên" in web.get(url).content.decode()
    assert web.get(other.get_absolute_url()).status_code == 200
    verdict.explanation = "Giải thích đã đính chính."
    verdict.save()  # a correction
    page_cache.clear()
    assert "Giải thích đã đính chính." in web.get(url).content.decode()
    verdict.unpublished_at = timezone.now()
    verdict.unpublish_reason = "Có thông tin mới."
    verdict.save()  # a withdrawal
    page_cache.clear()
    response = web.get(url)
    assert response.status_code == 410 and "Có thông tin mới." in response.content.decode()
    newer = published_verdict("Kết luận mới nhất", "Tin đồn mới")  # a publication moves every page on
    assert web.get(newer.get_absolute_url()).status_code == 200
    assert web.get(url).status_code == 410


def test_an_unreachable_shared_cache_costs_a_render_not_an_error_page(web, settings):
    from publishing import page_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    settings.RATELIMIT_ENABLE = False
    assert page_cache.shared_enabled()
    verdict = published_verdict("Kết luận khi bộ nhớ đệm hỏng")
    for _ in range(2):
        response = web.get(verdict.get_absolute_url())
        assert response.status_code == 200 and "Kết luận khi bộ nhớ đệm hỏng" in response.content.decode()
        page_cache.clear()
