"""Accessibility in headless Chromium: axe-core on every public page, and a keyboard-only report.

axe-core comes from the npm registry (`npm install --no-save axe-core` at the repository root,
which .ci/run does); TINGIA_AXE_JS may point elsewhere. A page passes when axe finds no
violation of "serious" or "critical" impact.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from intake.models import Report
from publishing.tests.factories import published_verdict

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_public_state"),
]



AXE = Path(
    os.environ.get("TINGIA_AXE_JS", Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js")
)
BLOCKING = {"serious", "critical"}


def axe_violations(browser) -> list[dict]:
    if not AXE.is_file():
        pytest.skip(f"axe-core not found at {AXE} (npm install --no-save axe-core)")
    driver = browser.driver
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)))"
        ".catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}])));"
    )
    return json.loads(result)


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])} nodes: "
        f"{[n.get('target') for n in v['nodes'][:3]]})"
        for v in violations
    )


def scan_pages(browser, pages: dict[str, str], shows: dict[str, str] | None = None,
               widths: tuple[int, ...] = (360, 1280)) -> dict[str, str]:
    """Blocking axe violations of each page at phone and desktop width, keyed "page @ width".

    `shows` names a text each page must show, so a redirect (to sign-in, say) cannot pass.
    """
    problems = {}
    for width in widths:
        browser.driver.set_window_size(width, 900)
        for name, path in pages.items():
            browser.visit(path)
            browser.find("main")
            if shows is not None:
                assert browser.path == path and shows[name] in browser.text, f"{name}: {browser.path} {browser.text[:300]}"
            blocking = [v for v in axe_violations(browser) if v.get("impact") in BLOCKING]
            if blocking:
                problems[f"{name} @ {width}px"] = describe(blocking)
    return problems


def test_public_pages_have_no_serious_or_critical_violations(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    browser.driver.set_script_timeout(60)
    verdict = published_verdict(
        "Nước giếng khoan không nhiễm thạch tín",
        "Nước giếng nhiễm thạch tín gây ung thư.",
        "Mẫu nước đều đạt chuẩn.\n\nẢnh xét nghiệm là của nơi khác.",
        sources=[{"title": "Kết quả xét nghiệm", "url": "https://example.org/x"}],
    )
    report = Report.objects.create(channel="web", text="nước giếng nhiễm độc", claim=verdict.claim)
    pages = {
        "home": "/",
        "report": "/phan-anh/",
        "status": f"/theo-doi/{report.display_code}/",
        "verdict": verdict.get_absolute_url(),
        "verdicts": "/xac-minh/",
        "topic": "/chu-de/y-te/",
        "search": "/tim-kiem/?q=nuoc+gieng",
        "check": "/kiem-tra/?text=nuoc+gieng+khoan+nhiem+thach+tin+gay+ung+thu",
        "check-nothing": "/kiem-tra/?text=mot+tin+chua+ai+xac+minh+ca",
        "statistics": "/thong-ke/",
        "open-data": "/du-lieu-mo/",
        "not-found": "/xac-minh/khong-co-999999/",
    }
    problems = scan_pages(browser, pages)
    assert not problems, "\n\n".join(f"{page}:\n{text}" for page, text in problems.items())


def test_a_report_can_be_sent_with_the_keyboard_alone(browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.visit("/phan-anh/")
    browser.find("main form")
    driver = browser.driver
    keys = ActionChains(driver)

    def focused(attribute: str) -> str:
        return driver.execute_script(f"return document.activeElement.getAttribute('{attribute}') || ''")

    seen = []
    for _ in range(60):  # Tab from the top of the page until the report text has the focus
        keys.send_keys(Keys.TAB).perform()
        seen.append(focused("name") or driver.execute_script("return document.activeElement.tagName"))
        if focused("name") == "text":
            break
    assert focused("name") == "text", f"the text field was never reached with Tab: {seen}"
    keys.send_keys("Tin đồn gõ bằng bàn phím: mai nghỉ học toàn thành phố vì bão").perform()
    visited = []
    for _ in range(60):  # on through every field to the send button, never into a hidden field
        keys.send_keys(Keys.TAB).perform()
        tag = driver.execute_script("return document.activeElement.tagName")
        visited.append(focused("name") or tag)
        assert focused("name") != "homepage", "the honeypot field can be reached with Tab"
        if tag == "BUTTON" and driver.execute_script("return document.activeElement.type") == "submit":
            break
    assert (
        visited[-1] in ("BUTTON",) or driver.execute_script("return document.activeElement.type") == "submit"
    ), visited
    old = driver.find_element("tag name", "html")
    keys.send_keys(Keys.ENTER).perform()
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(ec.staleness_of(old))
    assert browser.path.startswith("/theo-doi/")
    assert Report.objects.filter(text__startswith="Tin đồn gõ bằng bàn phím").exists()


def test_hotline_operator_pages_have_no_serious_or_critical_violations(browser, live_server, settings):
    """The operator console, the review list and a call page, signed in as an operator.

    The pages carry what an operator really sees: a call waiting in the console, a recorded
    call with its transcript draft (in the review list and on its call page, audio player
    included), and the console's live look-up with a known verdict.
    """
    from django.core.files.base import ContentFile
    from selenium.webdriver.support.ui import WebDriverWait

    from core.roles import OPERATOR
    from core.tests.staff_support import PASSWORD, make_staff
    from hotline.models import HotlineCall, RecordingState, TranscriptState

    settings.SITE_URL = live_server.url
    browser.driver.set_script_timeout(60)
    operator = make_staff("a11y.operator", OPERATOR)
    verdict = published_verdict("Nước chanh nóng không chữa được ung thư",
                                "Uống nước chanh nóng chữa khỏi ung thư giai đoạn cuối.")
    HotlineCall.objects.create(source="telephony", external_id="a11y-pending", caller_number="0912345678")
    report = Report.objects.create(channel="hotline", text="nước chanh nóng chữa ung thư")
    recorded = HotlineCall(source="telephony", external_id="a11y-recorded", caller_number="0987654321",
                           report=report, from_recording=True, recording_state=RecordingState.STORED,
                           transcript_state=TranscriptState.DONE, transcript="nước chanh nóng chữa ung thư",
                           audio_seconds=4.0)
    recorded.recording.save("a11y.wav", ContentFile(b"RIFF\x24\x00\x00\x00WAVEfmt "), save=False)
    recorded.save()
    browser.sign_in(operator.username, PASSWORD)
    pages = {
        "console": "/staff/hotline/",
        "review list": "/staff/hotline/review/",
        "calls": "/staff/hotline/calls/",
        "call": f"/staff/hotline/calls/{recorded.pk}/",
    }
    shows = {"console": "*******678", "review list": report.display_code,
             "calls": "*******678", "call": "nước chanh nóng chữa ung thư"}
    problems = {}
    for width in (360, 1280):
        problems.update(scan_pages(browser, pages, shows, widths=(width,)))
        # The console once its live look-up has found the published verdict.
        browser.visit("/staff/hotline/")
        browser.fill("text", "Uống nước chanh nóng chữa khỏi ung thư giai đoạn cuối")
        WebDriverWait(browser.driver, 15).until(
            lambda d: verdict.title in d.find_element("id", "lookup-results").text)
        blocking = [v for v in axe_violations(browser) if v.get("impact") in BLOCKING]
        if blocking:
            problems[f"console with look-up @ {width}px"] = describe(blocking)
    assert not problems, "\n\n".join(f"{page}:\n{text}" for page, text in problems.items())
