"""The public journey in headless Chromium: report → code → status → published → search → check.

A citizen reports a rumour through the web form and follows it with the tracking code; the
desk publishes a verdict through its own services (verifier proposes, editor approves); the
verdict then shows in search, typed with and without accents, and the check page finds the
rumour. Screenshots of the public pages at phone (360 px) and desktop (1280 px) width are
saved under var/test-artefacts/screenshots (or TINGIA_ARTEFACTS_DIR) for people to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from core.roles import EDITOR, VERIFIER
from core.tests.staff_support import make_staff
from intake.models import Report
from verification import actions
from verification.actions import VerdictText
from verification.models import ClaimState

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_public_state"),
]



RUMOUR = (
    "KHẨN: nước giếng khoan ở xã Hòa Phong nhiễm thạch tín vượt 50 lần, uống vào là ung thư, "
    "bà con tuyệt đối không dùng nước giếng nữa, chia sẻ gấp cho mọi người"
)
POST = "https://www.facebook.com/groups/hoaphong.test/posts/5512000000000001/"
TITLE = "Nước giếng khoan ở Hòa Phong không nhiễm thạch tín"
WIDTHS = (360, 1280)


def artefacts() -> Path:
    path = (
        Path(os.environ.get("TINGIA_ARTEFACTS_DIR", Path(settings.BASE_DIR) / "var" / "test-artefacts"))
        / "screenshots"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(browser, name: str) -> list[Path]:
    """Full-page screenshots of the current page at each width (the height follows the page)."""
    saved = []
    for width in WIDTHS:
        browser.driver.set_window_size(width, 900)
        height = browser.driver.execute_script("return document.documentElement.scrollHeight")
        browser.driver.set_window_size(width, min(max(int(height), 600), 6000))
        path = artefacts() / f"{name}-{width}.png"
        assert browser.driver.save_screenshot(str(path)), f"could not save {path}"
        saved.append(path)
        overflow = browser.driver.execute_script(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, f"{name} scrolls sideways at {width} px"
    browser.driver.set_window_size(1280, 1600)
    return saved


def use_vietnamese(browser) -> None:
    """Headless Chromium may ask for English whatever --lang says; the language cookie decides."""
    browser.visit("/robots.txt")
    browser.driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "vi", "path": "/"})


def publish_through_the_desk(claim_id: int):
    """A verifier proposes a verdict and another editor approves it, with the desk's own services."""
    from verification.models import Claim

    verifier, editor = make_staff("thu.verifier", VERIFIER), make_staff("hai.editor", EDITOR)
    claim = Claim.objects.get(pk=claim_id)
    actions.transition(claim, ClaimState.IN_VERIFICATION, verifier)
    actions.propose(
        claim,
        verifier,
        "fabricated",
        VerdictText(
            title=TITLE,
            claim_reviewed="Nước giếng khoan ở xã Hòa Phong nhiễm thạch tín vượt 50 lần, gây ung thư.",
            explanation="Trung tâm y tế huyện lấy mẫu ở 12 giếng; mọi mẫu đều dưới ngưỡng cho phép.\n\n"
            "Bài đăng dùng ảnh một phiếu xét nghiệm của nơi khác.",
            sources=[{"title": "Kết quả xét nghiệm (ví dụ)", "url": "https://example.org/xet-nghiem"}],
        ),
    )
    return actions.approve(claim, editor).verdict


def test_report_track_publish_search_and_check(browser, live_server, settings):
    settings.SITE_URL = live_server.url  # absolute links (status page, share links) point at this server
    use_vietnamese(browser)
    # 1. A citizen reports the rumour and gets a tracking code.
    browser.visit("/phan-anh/")
    browser.fill("text", RUMOUR)
    browser.fill("urls", POST)
    browser.press("main form button[type=submit]")
    assert browser.path.startswith("/theo-doi/")
    code = re.search(r"[2-9A-Z]{5}-[2-9A-Z]{5}", browser.find("h1 .code").text).group(0)
    report = Report.objects.get(tracking_code=code.replace("-", ""))
    assert report.claim_id is not None, "the report was not matched into a claim"

    # 2. Later they look it up with the code.
    browser.visit("/theo-doi/")
    browser.fill("code", code.lower().replace("-", " "))
    browser.press("main form button[type=submit]")
    assert browser.path == f"/theo-doi/{code}/"

    # 3. The desk publishes; the status page links to the verdict.
    verdict = publish_through_the_desk(report.claim_id)
    browser.visit(f"/theo-doi/{code}/")
    link = browser.find(f"main a[href$='{verdict.get_absolute_url()}']")
    link.click()
    browser.find("article.verdict h1")
    assert browser.path == verdict.get_absolute_url()
    assert "Tin giả" in browser.find(".badge").text and TITLE in browser.text
    screenshot(browser, "verdict")

    # 4. Search finds it, with and without accents.
    for query in ("nước giếng thạch tín", "nuoc gieng thach tin"):
        browser.visit("/")
        browser.fill("q", query)
        browser.press("form.searchbox button[type=submit]")
        first = browser.find("ol.results li h2 a")
        assert first.get_attribute("href").endswith(verdict.get_absolute_url())
        assert browser.driver.find_elements("css selector", "ol.results mark")
    screenshot(browser, "search")

    # 5. The check page finds the rumour from an unaccented copy and from the link alone.
    browser.visit("/kiem-tra/")
    browser.fill(
        "text",
        "KHAN: nuoc gieng khoan o xa Hoa Phong nhiem thach tin vuot 50 lan, uong vao la ung thu, "
        "ba con tuyet doi khong dung nuoc gieng nua, chia se gap cho moi nguoi",
    )
    browser.press("main form button[type=submit]")
    assert browser.find("ol.matches li h3 a").get_attribute("href").endswith(verdict.get_absolute_url())
    screenshot(browser, "check")
    browser.visit("/kiem-tra/")
    browser.fill("url", POST + "?fbclid=IwAR0share")
    browser.press("main form button[type=submit]")
    assert browser.find("ol.matches li h3 a").get_attribute("href").endswith(verdict.get_absolute_url())

    # 6. An unknown rumour: a plain answer and a prefilled report form.
    browser.visit("/kiem-tra/")
    browser.fill("text", "Nghe nói mai cắt điện toàn tỉnh ba ngày liền")
    browser.press("main form button[type=submit]")
    browser.find("main .notice a.button").click()
    assert browser.path == "/phan-anh/"
    assert "cắt điện toàn tỉnh" in browser.find("textarea[name='text']").get_attribute("value")

    # 7. The other public pages render at both widths.
    for path, name in (("/", "home"), ("/thong-ke/", "statistics")):
        browser.visit(path)
        browser.find("main h1")
        screenshot(browser, name)
    assert len(list(artefacts().glob("*.png"))) >= 10
