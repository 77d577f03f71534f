"""Bad input on the public form: a clear message in the page's language (Vietnamese by default),
what the person typed kept, nothing stored, never a 500."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from intake.models import Report

from .conftest import FORM, noisy_jpeg, png_bytes, png_declaring, vi, vi_plural

pytestmark = pytest.mark.django_db

TEXT = "Tin đồn: nhà máy nước bị nhiễm độc, đừng uống nước máy"


def post_form(client, **fields):
    data = {"text": "", "urls": "", "platform": "", "topic": "", "province": "", "contact_name": "",
            "contact_email": "", "contact_phone": "", "homepage": ""}
    data.update(fields)
    return client.post(FORM, data)


def page(response) -> str:
    return response.content.decode()


def alert(html: str) -> str:
    """The error summary the page announces (role=alert)."""
    match = re.search(r'<div class="alert" role="alert" id="form-problems">(.*?)</div>', html, re.S)
    assert match, "no role=alert summary on the page"
    return match.group(1)


def test_the_page_speaks_vietnamese_by_default_and_english_on_request(web):
    assert 'lang="vi"' in page(web.get(FORM))
    assert 'lang="en"' in page(web.get(FORM, HTTP_ACCEPT_LANGUAGE="en"))


def test_an_empty_report_is_refused_with_a_message(web):
    response = post_form(web)
    assert response.status_code == 400
    assert vi("The report is empty: write what you saw, add a link or attach a screenshot.") in alert(page(response))
    assert not Report.objects.exists()


def test_too_long_text_is_refused_and_kept_to_shorten(web):
    text = "Đoạn văn rất dài " + "x" * 10_100
    response = post_form(web, text=text)
    assert response.status_code == 400
    html = page(response)
    assert vi("The text is too long: at most %(limit_value)d characters (you sent %(show_value)d).",
              limit_value=10_000, show_value=len(text)) in html
    assert text in html  # the person keeps what they wrote
    assert 'maxlength="10000"' not in html  # a browser would silently cut a long paste


def test_invalid_and_non_http_links_are_refused(web):
    response = post_form(web, text=TEXT, urls="https://example.com/ok\nftp://example.com/x")
    assert response.status_code == 400
    assert vi("“%(url)s” is not a valid web address. Links must start with http:// or https://.",
              url="ftp://example.com/x") in alert(page(response))
    assert "https://example.com/ok\nftp://example.com/x" in page(response)


def test_more_than_ten_links_are_refused(web):
    urls = "\n".join(f"https://example.com/{i}" for i in range(11))
    response = post_form(web, urls=urls)
    assert response.status_code == 400
    assert vi("Give at most %(max)s links (you gave %(count)s).", max=10, count=11) in alert(page(response))


def test_raw_invalid_utf8_bytes_get_a_clear_page(web):
    body = "text=Tin%20gi%E1%BA%A3&urls=".encode() + b"&contact_name=\xff\xfe\xc3\x28"
    response = web.generic("POST", FORM, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert vi("The form was sent with a broken character encoding. Please type it again and send it.") in page(response)
    assert 'role="alert"' in page(response)
    assert not Report.objects.exists()


def test_percent_encoded_invalid_utf8_is_refused_on_the_field(web):
    body = b"text=Tin%20%FF%FE%20gi%E1%BA%A3&urls=&contact_name="
    response = web.generic("POST", FORM, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert vi("This contains characters that could not be read (broken encoding). "
              "Please type or paste it again.") in alert(page(response))


def test_control_characters_are_refused(web):
    response = post_form(web, text="Tin\x00 giả\x07")
    assert response.status_code == 400
    assert vi("This contains invisible control characters. Please remove them.") in alert(page(response))
    assert not Report.objects.exists()


def test_unknown_platform_topic_and_province_are_refused(web):
    response = post_form(web, text=TEXT, platform="myspace", topic="aliens", province="Atlantis")
    assert response.status_code == 400
    summary = alert(page(response))
    assert vi("“%(value)s” is not a known province or city.", value="Atlantis") in summary
    assert summary.count(vi("“%(value)s” is not a known value. Allowed values: %(allowed)s.",
                            value="myspace", allowed="facebook, tiktok, youtube, zalo, website, other")) == 1
    assert "aliens" in summary


def test_invalid_email_and_phone_are_refused_and_kept(web):
    response = post_form(web, text=TEXT, contact_email="khong-phai-email", contact_phone="12345", consent="on")
    assert response.status_code == 400
    html = page(response)
    assert vi("Enter a Vietnamese phone number, for example 0912 345 678.") in alert(html)
    assert 'value="khong-phai-email"' in html and 'value="12345"' in html
    assert not Report.objects.exists()


def test_non_image_and_corrupt_uploads_are_refused_and_must_be_attached_again(web):
    files = [SimpleUploadedFile("ghi-chu.png", b"not an image"), SimpleUploadedFile("anh.jpg", noisy_jpeg()[:300])]
    response = web.post(FORM, {"text": TEXT, "images": files})
    assert response.status_code == 400
    html = page(response)
    assert vi("%(name)s is not an image we accept (JPEG, PNG, WebP, GIF or BMP), or it is damaged.",
              name="ghi-chu.png") in html
    assert vi("%(name)s is not an image we accept (JPEG, PNG, WebP, GIF or BMP), or it is damaged.",
              name="anh.jpg") in html
    assert vi_plural("You attached %(count)d file. Files are not kept when the form has a problem: "
                     "please attach it again.",
                     "You attached %(count)d files. Files are not kept when the form has a problem: "
                     "please attach them again.", 2) in html
    assert TEXT in html


def test_files_are_said_to_be_dropped_when_another_field_is_wrong(web):
    response = web.post(FORM, {"text": TEXT, "province": "Atlantis", "images": [SimpleUploadedFile("a.png", png_bytes())]})
    assert response.status_code == 400
    assert vi_plural("You attached %(count)d file. Files are not kept when the form has a problem: "
                     "please attach it again.",
                     "You attached %(count)d files. Files are not kept when the form has a problem: "
                     "please attach them again.", 1) in page(response)


def test_an_image_over_five_megabytes_is_refused(web):
    big = SimpleUploadedFile("lon.png", png_bytes() + b"\x00" * (5 * 1024 * 1024))
    response = web.post(FORM, {"text": TEXT, "images": [big]})
    assert response.status_code == 400
    assert vi("%(name)s is larger than 5 MB.", name="lon.png") in page(response)


def test_more_than_five_images_are_refused(web):
    files = [SimpleUploadedFile(f"{i}.png", png_bytes()) for i in range(6)]
    response = web.post(FORM, {"text": TEXT, "images": files})
    assert response.status_code == 400
    assert vi("Attach at most %(max)s images (you attached %(count)s).", max=5, count=6) in page(response)


def test_a_decompression_bomb_is_refused(web):
    response = web.post(FORM, {"text": TEXT, "images": [SimpleUploadedFile("bom.png", png_declaring(30_000, 30_000))]})
    assert response.status_code == 400
    assert vi("%(name)s has too many pixels to be a screenshot.", name="bom.png") in page(response)
    assert not Report.objects.exists()


def test_form_data_over_the_memory_limit_gets_a_413_page(web, settings):
    response = post_form(web, text="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    assert response.status_code == 413
    html = page(response)
    assert 'role="alert"' in html and 'lang="vi"' in html
    assert vi("The form data is too large. Shorten the text; at most 10,000 characters are accepted.") in html


@override_settings(MAX_REQUEST_BYTES=10_000)
def test_a_request_over_the_size_limit_gets_a_413_page(web):
    response = web.post(FORM, {"text": TEXT, "images": [SimpleUploadedFile("a.jpg", noisy_jpeg((200, 200)))]})
    assert response.status_code == 413
    assert vi("The request is too large. Send at most 5 images of 5 MB each.") in page(response)


def test_too_many_fields_get_a_400_page(web, settings):
    body = "&".join(f"f{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = web.generic("POST", FORM, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert vi("The request has too many fields or files. Send at most 5 images.") in page(response)


def test_the_honeypot_stops_a_simple_bot_and_is_not_echoed(web):
    response = post_form(web, text=TEXT, homepage="http://spam.example/buy")
    assert response.status_code == 400
    html = page(response)
    assert vi("This form looks automatically filled in. Please check it and send it again.") in alert(html)
    assert "spam.example" not in html  # a person sending again passes
    assert not Report.objects.exists()
    again = post_form(web, text=TEXT)
    assert again.status_code == 302 and Report.objects.count() == 1


def test_a_flood_gets_429_with_retry_after_and_a_vietnamese_message(web, settings):
    settings.RATE_WEB_REPORT = "2/h"
    for i in range(2):
        assert post_form(web, text=f"{TEXT} {i}").status_code == 302
    response = post_form(web, text=f"{TEXT} lần ba", contact_email="lan@example.com")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    html = page(response)
    assert vi("You have sent many reports in a short time. Please wait a while and send again, "
              "or call the free hotline 18008108.") in html
    assert 'role="alert"' in html
    assert f"{TEXT} lần ba" in html and 'value="lan@example.com"' in html  # kept to send later
    assert Report.objects.count() == 2


def test_a_good_report_with_an_image_goes_through(web):
    response = web.post(FORM, {"text": TEXT, "platform": "facebook", "images": [SimpleUploadedFile("a.png", png_bytes())]})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == "web" and report.images.count() == 1


def test_an_unknown_tracking_code_gets_the_lookup_page_with_a_message(web):
    for response in (web.get("/theo-doi/AAAAA-BBBBB/"), web.get("/theo-doi/", {"code": "khong-co\x00"})):
        assert response.status_code == 404
        html = page(response)
        assert vi("No report has this tracking code. Check it and try again.") in html
        assert 'role="alert"' in html and 'aria-invalid="true"' in html


_field_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)


@override_settings(RATELIMIT_ENABLE=False)
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({}, optional={name: _field_text for name in (
    "text", "urls", "platform", "topic", "province", "contact_name", "contact_email", "contact_phone",
    "consent", "homepage")}))
def test_any_typed_values_get_a_report_or_the_form_again(web, values):
    response = web.post(FORM, values)
    assert response.status_code in (302, 400), page(response)[:300]
