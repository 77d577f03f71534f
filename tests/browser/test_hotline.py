"""An operator takes a call from the telephone system and logs it with the keyboard alone, in a real browser.

No element is clicked: every step is a key press (Tab, typing, Space, Enter) sent to whatever
has the focus, the way an operator with a headset works. The page's live look-up (a small
script) shows the published verdict while the operator types, and the call is stored
through intake's service like any report.
"""

from __future__ import annotations

import pytest

from core.roles import OPERATOR
from core.tests.staff_support import PASSWORD, make_staff
from hotline.models import HotlineCall
from intake.models import Report, ReporterContact
from publishing.tests.factories import published_verdict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUMOUR = "Tin nhắn nói uống nước chanh nóng chữa khỏi ung thư giai đoạn cuối trong ba ngày"


def keys(browser, *sequence: str) -> None:  # noqa: ANN001
    """Type into whatever has the focus (no element is targeted, nothing is clicked)."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser.driver).send_keys(*sequence).perform()


def focused(browser) -> dict:  # noqa: ANN001
    return browser.driver.execute_script(
        "var e = document.activeElement; return {name: e.name || '', id: e.id || '', tag: e.tagName,"
        " action: (e.form && e.form.getAttribute('action')) || ''};")


def tab_to(browser, *, name: str = "", element_id: str = "", action: str = "", limit: int = 40) -> None:  # noqa: ANN001
    """Press Tab until the wanted control has the focus (as a person would, watching the page)."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        now = focused(browser)
        if (name and now["name"] == name) or (element_id and now["id"] == element_id) or (
                action and now["action"] == action and now["tag"] == "BUTTON"):
            return
        keys(browser, Keys.TAB)
    raise AssertionError(f"Tab never reached {name or element_id or action}; focus is on {focused(browser)}")


def press_enter_and_wait(browser) -> None:  # noqa: ANN001
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.driver.find_element("tag name", "html")
    keys(browser, Keys.ENTER)

    def replaced(_driver) -> bool:  # noqa: ANN001
        try:
            old.is_enabled()
        except (StaleElementReferenceException, WebDriverException):
            return True
        return False

    WebDriverWait(browser.driver, 15).until(replaced)
    browser.wait_loaded()


def test_an_operator_logs_a_call_with_the_keyboard_only(browser):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    operator = make_staff("thu.operator", OPERATOR)
    verdict = published_verdict("Nước chanh nóng không chữa được ung thư", claim=RUMOUR)
    pending = HotlineCall.objects.create(source="telephony", external_id="pbx-1700000000.42",
                                         caller_number="0912345678")

    # Sign in: the user name field has the focus when the page opens.
    browser.driver.delete_all_cookies()
    browser.visit("/staff/login/")
    browser.wait_loaded()
    assert focused(browser)["name"] == "username"
    keys(browser, operator.username, Keys.TAB, PASSWORD)
    press_enter_and_wait(browser)
    assert browser.path == "/staff/"

    # The console lists the waiting call with its number masked; open it.
    browser.visit("/staff/hotline/")
    browser.wait_loaded()
    assert "*******678" in browser.text and "0912345678" not in browser.text
    tab_to(browser, action=f"/staff/hotline/calls/{pending.pk}/take/")
    press_enter_and_wait(browser)
    assert browser.driver.current_url.endswith(f"/staff/hotline/?call={pending.pk}")

    # The number is prefilled and focused; take down what the caller saw.
    assert focused(browser)["name"] == "contact_phone"
    assert browser.find("[name=contact_phone]").get_attribute("value") == "0912345678"
    keys(browser, Keys.TAB)
    assert focused(browser)["name"] == "text"
    keys(browser, RUMOUR)

    # The live look-up shows the published verdict while the caller is still on the line.
    WebDriverWait(browser.driver, 15).until(
        lambda d: verdict.title in d.find_element("id", "lookup-results").text)

    tab_to(browser, name="platform")
    keys(browser, "Zalo")
    tab_to(browser, name="topic")
    keys(browser, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # —, policy, economy, health
    tab_to(browser, name="province")
    keys(browser, "Huế", Keys.ESCAPE)
    tab_to(browser, name="consent")
    keys(browser, Keys.SPACE)
    tab_to(browser, element_id="save-call")
    press_enter_and_wait(browser)

    assert browser.path == "/staff/hotline/"
    report = Report.objects.get()
    assert report.display_code in browser.text
    assert report.channel == "hotline" and report.entered_by == operator and report.text == RUMOUR
    assert (report.platform, report.topic, report.province) == ("zalo", "health", "hue")
    assert ReporterContact.objects.get(report=report).phone == "+84912345678"
    pending.refresh_from_db()
    assert pending.report == report and pending.taken_by == operator
    # Ready for the next call: an empty form with the focus on the number again.
    assert focused(browser)["name"] == "contact_phone"
    assert browser.find("[name=text]").get_attribute("value") == ""
