"""Real-browser tests: headless Debian Chromium, driven by Selenium, against pytest-django's live server.

Nothing is downloaded: the browser is /usr/bin/chromium and the driver /usr/bin/chromedriver
(Debian packages `chromium` and `chromium-driver`), both passed explicitly, and Selenium
Manager is switched off. Without them every test here is skipped with the reason shown.

Helpers for any page: `browser.visit(path)`, `browser.fill(name, value)`, `browser.press(text)`,
`browser.sign_in(user, password, device)` (types a real TOTP code when the site asks for one).
"""

from __future__ import annotations

import time

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("TINGIA_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("TINGIA_CHROMEDRIVER", "/usr/bin/chromedriver"))
WAIT_SECONDS = 15
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
    "--window-size=1280,1600", "--lang=vi",
)


def _missing() -> str:
    if not CHROMIUM.is_file():
        return f"Chromium is not installed at {CHROMIUM} (Debian package `chromium`)"
    if not CHROMEDRIVER.is_file():
        return f"chromedriver is not installed at {CHROMEDRIVER} (Debian package `chromium-driver`)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (requirements/desk.txt)"
    return ""


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Every test in this folder is a browser test, skipped with the reason when Chromium is missing."""
    reason = _missing()
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


class Browser:
    """A thin layer over a Selenium driver that speaks in what a person does on a page."""

    def __init__(self, driver: Any, base_url: str):
        self.driver = driver
        self.base_url = base_url.rstrip("/")

    # --- reading ---------------------------------------------------------------------------
    @property
    def path(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.driver.current_url).path

    @property
    def text(self) -> str:
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.common.by import By

        for attempt in range(5):  # the document may be swapped while we read it
            try:
                self.wait_loaded()
                return self.driver.find_element(By.TAG_NAME, "body").text
            except (StaleElementReferenceException, WebDriverException):
                if attempt == 4:
                    raise
                time.sleep(0.2)
        return ""

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, WAIT_SECONDS).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    # --- doing -----------------------------------------------------------------------------
    def visit(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def fill(self, name: str, value: str, *, within: str = "") -> None:
        """Type into the field called `name` (inside the form matched by `within`, if given)."""
        field = self.find(f"{within} [name='{name}']".strip())
        if field.get_attribute("type") == "date":
            # Date inputs take keystrokes in the browser's locale format; set the ISO value.
            self.driver.execute_script("arguments[0].value = arguments[1];", field, value)
            return
        if field.tag_name == "select":
            from selenium.webdriver.support.ui import Select

            Select(field).select_by_value(value)
            return
        field.clear()
        field.send_keys(value)

    def choose(self, name: str, value: str, *, within: str = "") -> None:
        """Tick a radio button or a checkbox by its value."""
        self.find(f"{within} input[name='{name}'][value='{value}']".strip()).click()

    def press(self, css: str) -> None:
        """Click the button matched by `css` and wait until the next page has loaded."""
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        for attempt in range(3):  # the element may belong to a document still being replaced
            try:
                self.wait_loaded()
                button = self.find(css)
                old = self.driver.find_element("tag name", "html")
                button.click()
                break
            except (StaleElementReferenceException, WebDriverException):
                if attempt == 2:
                    raise
                time.sleep(0.3)

        def replaced(_driver: Any) -> bool:
            # Chromium reports a node of a replaced document either as stale or with an
            # "inspector error": both mean the old page is gone.
            try:
                old.is_enabled()
            except (StaleElementReferenceException, WebDriverException):
                return True
            return False

        WebDriverWait(self.driver, WAIT_SECONDS).until(replaced)
        self.wait_loaded()

    def wait_loaded(self) -> None:
        """Wait until the new document has finished loading (its body can be read)."""
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def sign_in(self, username: str, password: str, device: Any = None) -> None:
        """Sign in through the staff login page, then the two-factor page if the site shows it."""
        self.driver.delete_all_cookies()
        self.visit("/staff/login/")
        self.fill("username", username)
        self.fill("password", password)
        self.press("form[action='/staff/login/'] button[type=submit]")
        if self.path in ("/staff/2fa/verify/", "/staff/2fa/setup/"):
            if device is None:
                raise AssertionError(f"{username} was asked for a two-factor code but has no test device")
            from core.tests.staff_support import totp_code

            self.fill("token", totp_code(device))
            self.press("main form button[type=submit]")
        assert self.path.startswith("/staff/") and not self.path.startswith("/staff/login"), self.text[:500]


@pytest.fixture
def browser(live_server: Any) -> Iterator[Browser]:
    """A fresh headless Chromium per test, with its own throw-away profile."""
    reason = _missing()
    if reason:
        pytest.skip(f"browser test skipped: {reason}")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # belt and braces: Selenium Manager never goes online
    profile = tempfile.mkdtemp(prefix="tingia-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield Browser(driver, live_server.url)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def fresh_public_state():
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
