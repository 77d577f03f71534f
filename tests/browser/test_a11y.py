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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_public_state():
    """No search index, rendered page or topic name left over from a test on other data."""
    from publishing import page_cache
    from publishing.search_index import reset_index
    from publishing.topic_pages import forget_names

    reset_index()
    page_cache.clear()
    forget_names()
    yield
    reset_index()
    page_cache.clear()


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
    problems = {}
    for width in (360, 1280):
        browser.driver.set_window_size(width, 900)
        for name, path in pages.items():
            browser.visit(path)
            browser.find("main")
            blocking = [v for v in axe_violations(browser) if v.get("impact") in BLOCKING]
            if blocking:
                problems[f"{name} @ {width}px"] = describe(blocking)
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
