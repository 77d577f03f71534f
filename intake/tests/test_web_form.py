"""The public form without JavaScript, on a small phone, with the keyboard alone, and with a
screen reader: labels, error announcements, kept values."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from .conftest import FORM

pytestmark = pytest.mark.django_db

CONTROLS = {"input", "select", "textarea", "button"}


class Page(HTMLParser):
    """The parts of a page these tests look at: controls, labels, ids, scripts, alerts."""

    def __init__(self, html: str):
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: dict[str, dict[str, str]] = {}
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.hidden_depth = 0
        self._stack: list[bool] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids[a["id"]] = {"tag": tag, **a}
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in CONTROLS:
            self.controls.append({"tag": tag, "in_hidden": str(self.hidden_depth > 0), **a})
        if tag not in {"input", "meta", "link", "br", "img", "option"}:
            hides = a.get("aria-hidden") == "true"
            self._stack.append(hides)
            self.hidden_depth += hides

    def handle_endtag(self, tag: str) -> None:
        if tag not in {"input", "meta", "link", "br", "img", "option"} and self._stack:
            self.hidden_depth -= self._stack.pop()


def visible_controls(page: Page) -> list[dict[str, str]]:
    return [c for c in page.controls
            if c.get("type") not in {"hidden", "submit"} and c["tag"] != "button" and c["in_hidden"] == "False"]


def test_the_form_needs_no_javascript_and_fits_a_phone(web):
    html = web.get(FORM).content.decode()
    page = Page(html)
    assert not [t for t, _ in page.tags if t == "script"]
    assert any(t == "meta" and a.get("name") == "viewport" and "width=device-width" in a.get("content", "")
               for t, a in page.tags)
    forms = [a for t, a in page.tags if t == "form" and a.get("method") == "post"]
    # Screenshots go with a plain form post.
    assert [f.get("enctype") for f in forms].count("multipart/form-data") == 1
    assert any(c["tag"] == "button" and c.get("type") == "submit" for c in page.controls)
    # Province suggestions are a native <datalist>, no script needed.
    province = page.ids["id_province"]
    assert province["list"] in page.ids and page.ids[province["list"]]["tag"] == "datalist"


def test_every_control_has_a_label_and_keyboard_order_follows_the_page(web):
    page = Page(web.get(FORM).content.decode())
    controls = visible_controls(page)
    assert len(controls) >= 10
    for control in controls:
        assert control.get("id") in page.label_for, control
    for control in page.controls:
        assert int(control.get("tabindex", "0")) <= 0, control  # no positive tabindex reorders focus
    # Phones get the right keyboards and browsers can fill contact details.
    assert page.ids["id_contact_phone"]["type"] == "tel"
    assert page.ids["id_contact_email"]["type"] == "email"
    assert page.ids["id_contact_email"]["autocomplete"] == "email"
    assert page.ids["id_images"]["type"] == "file" and "multiple" in page.ids["id_images"]


def test_the_honeypot_is_hidden_from_people_screen_readers_and_the_tab_key(web):
    page = Page(web.get(FORM).content.decode())
    honeypot = next(c for c in page.controls if c.get("name") == "homepage")
    assert honeypot["in_hidden"] == "True"
    assert honeypot["tabindex"] == "-1"
    assert honeypot["autocomplete"] == "off"


def test_help_texts_are_tied_to_their_inputs(web):
    page = Page(web.get(FORM).content.decode())
    for field in ("text", "urls", "images", "province", "contact_phone"):
        control = page.ids[f"id_{field}"]
        assert f"id_{field}_helptext" in control.get("aria-describedby", "").split(), field
        assert f"id_{field}_helptext" in page.ids


def test_errors_are_announced_linked_and_tied_to_their_inputs(web):
    response = web.post(FORM, {"text": "Tin giả", "urls": "ftp://x.example", "contact_email": "sai",
                               "consent": "on", "homepage": ""})
    assert response.status_code == 400
    page = Page(response.content.decode())
    alerts = [a for t, a in page.tags if a.get("role") == "alert"]
    assert alerts, "the error summary must be announced"
    links = {a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#id_")}
    assert {"#id_urls", "#id_contact_email"} <= links
    for field in ("urls", "contact_email"):
        control = page.ids[f"id_{field}"]
        assert control.get("aria-invalid") == "true"
        assert f"id_{field}_error" in control["aria-describedby"].split()
        assert f"id_{field}_error" in page.ids
    assert page.ids["id_text"].get("aria-invalid") is None  # only wrong fields are marked


def test_what_was_typed_is_kept_when_there_is_an_error(web):
    typed = {"text": "Có tin \"giả\" <lan truyền> & chia sẻ", "urls": "https://example.com/a\nhttps://example.com/b",
             "platform": "tiktok", "topic": "health", "province": "Atlantis", "contact_name": "Trần Thị Mai",
             "contact_email": "mai@example.com", "contact_phone": "0912 345 678", "consent": "on", "homepage": ""}
    response = web.post(FORM, typed)
    assert response.status_code == 400
    html = response.content.decode()
    page = Page(html)
    assert "Có tin &quot;giả&quot; &lt;lan truyền&gt; &amp; chia sẻ" in html  # kept, and escaped
    assert "https://example.com/a\nhttps://example.com/b" in html
    assert page.ids["id_province"]["value"] == "Atlantis"
    assert page.ids["id_contact_name"]["value"] == "Trần Thị Mai"
    assert page.ids["id_contact_email"]["value"] == "mai@example.com"
    assert page.ids["id_contact_phone"]["value"] == "0912 345 678"
    assert "checked" in page.ids["id_consent"]
    selected = [a.get("value") for t, a in page.tags if t == "option" and "selected" in a]
    assert "tiktok" in selected and "health" in selected


def test_a_share_link_can_prefill_the_form(web):
    html = web.get(FORM, {"text": "Xem tin này", "urls": "https://example.com/x"}).content.decode()
    assert "Xem tin này" in html and "https://example.com/x" in html
