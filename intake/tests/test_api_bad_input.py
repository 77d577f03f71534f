"""Every kind of bad input to POST /api/v1/reports gets a JSON error with a stable code, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from intake.models import Report, ReportImage

from .conftest import (
    API_REPORTS,
    assert_api_error,
    field_codes,
    multipart_body,
    noisy_jpeg,
    png_bytes,
    png_declaring,
    post_json,
)

pytestmark = pytest.mark.django_db

OK_TEXT = "Tin đồn: uống nước chanh nóng chữa khỏi ung thư"


def test_a_valid_report_is_accepted(web):
    response = post_json(web, {"text": OK_TEXT, "urls": ["https://example.com/a"], "platform": "facebook",
                               "topic": "health", "province": "Đà Nẵng", "language": "vi"})
    assert response.status_code == 201, response.content
    assert response.json()["tracking_code"]
    report = Report.objects.get()
    assert (report.channel, report.platform, report.topic, report.province) == ("api", "facebook", "health", "da-nang")


@pytest.mark.parametrize("body", [{}, {"text": "   \n\t "}, {"text": "", "urls": []}, {"urls": ["", "  "]}])
def test_an_empty_report_is_refused(web, body):
    result = assert_api_error(post_json(web, body), 400, "invalid_report")
    assert field_codes(result, "report") == ["empty_report"]
    assert not Report.objects.exists()


def test_text_over_ten_thousand_characters_is_refused_and_ten_thousand_is_accepted(web):
    result = assert_api_error(post_json(web, {"text": "a" * 10_001}), 400, "invalid_report")
    assert field_codes(result, "text") == ["max_length"]
    assert "10001" in result["fields"]["text"][0]["message"].replace(".", "").replace(",", "")
    assert post_json(web, {"text": "á" * 10_000}).status_code == 201


@pytest.mark.parametrize("url", [
    "ftp://example.com/file", "javascript:alert(1)", "file:///etc/passwd", "example.com/no-scheme",
    "http://", "https://exa mple.com/", "mailto:a@example.com", "data:text/html,<b>x</b>",
])
def test_invalid_or_non_http_links_are_refused(web, url):
    result = assert_api_error(post_json(web, {"text": OK_TEXT, "urls": [url]}), 400, "invalid_report")
    assert field_codes(result, "urls") == ["invalid_link"]


def test_more_than_ten_links_are_refused_and_ten_are_accepted(web):
    urls = [f"https://example.com/{i}" for i in range(11)]
    result = assert_api_error(post_json(web, {"urls": urls}), 400, "invalid_report")
    assert field_codes(result, "urls") == ["too_many_links"]
    assert post_json(web, {"urls": urls[:10]}).status_code == 201
    assert Report.objects.get().links.count() == 10


def test_a_link_longer_than_two_thousand_characters_is_refused(web):
    result = assert_api_error(post_json(web, {"urls": ["https://example.com/" + "a" * 2000]}), 400, "invalid_report")
    assert field_codes(result, "urls") == ["link_too_long"]


def test_invalid_utf8_bytes_in_the_body_are_refused(web):
    raw = b'{"text": "Tin \xff\xfe gi\xc3\x28 a"}'
    assert_api_error(post_json(web, None, raw=raw), 400, "invalid_encoding")


@pytest.mark.parametrize("text, code", [
    ("abc\u0000def", "control_characters"),
    ("chuông \u0007 reo", "control_characters"),
    ("escape \u001b[31m đỏ", "control_characters"),
    ("nửa cặp \ud800 surrogate", "control_characters"),
    ("đã hỏng \ufffd mã", "invalid_encoding"),
])
def test_control_characters_and_replacement_characters_are_refused(web, text, code):
    raw = json.dumps({"text": text}).encode()  # ASCII JSON with \u escapes, as a client would send
    result = assert_api_error(post_json(web, None, raw=raw), 400, "invalid_report")
    assert field_codes(result, "text") == [code]


def test_control_characters_in_contact_fields_and_links_are_refused(web):
    body = {"text": OK_TEXT, "urls": ["https://example.com/\u0000"],
            "contact": {"name": "Tên\u0000", "email": "a\u0000@example.com", "consent": True}}
    result = assert_api_error(post_json(web, body), 400, "invalid_report")
    assert field_codes(result, "urls") == ["control_characters"]
    assert field_codes(result, "contact.name") == ["control_characters"]
    assert field_codes(result, "contact.email") == ["control_characters"]


def test_tabs_newlines_and_new_emoji_are_kept(web):
    text = "Dòng 1\r\nDòng 2\tcột\n\U0001FAE8 emoji mới"  # U+1FAE8 is newer than Python 3.11's tables
    assert post_json(web, {"text": text}).status_code == 201
    assert Report.objects.get().text == "Dòng 1\nDòng 2\tcột\n\U0001FAE8 emoji mới"


def test_text_is_stored_in_nfc(web):
    decomposed = "Vie\u0302\u0323t Nam"  # "Việt" typed with combining marks
    assert post_json(web, {"text": decomposed}).status_code == 201
    assert Report.objects.get().text == "Việt Nam"


@pytest.mark.parametrize("raw", [b'{"text": ', b"{'text': 'x'}", b"not json", b'{"text": "x",}', b"\x00\x01"])
def test_malformed_json_is_refused(web, raw):
    assert_api_error(post_json(web, None, raw=raw), 400, "invalid_json")


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"null", b"42", b"true"])
def test_json_that_is_not_an_object_is_refused(web, raw):
    assert_api_error(post_json(web, None, raw=raw), 400, "invalid_json")


def test_an_empty_body_is_refused(web):
    assert_api_error(post_json(web, None, raw=b""), 400, "invalid_json")
    assert_api_error(post_json(web, None, raw=b"  \n"), 400, "invalid_json")


@pytest.mark.parametrize("raw", [
    b'{"text": ' + b"[" * 50 + b"]" * 50 + b"}",  # parsed fine, then refused by depth
    b"[" * 100_000 + b"]" * 100_000,  # too deep for the parser itself
    b'{"contact": ' + b'{"a": ' * 30_000 + b"1" + b"}" * 30_001,
])
def test_deeply_nested_json_is_refused(web, raw):
    assert_api_error(post_json(web, None, raw=raw), 400, "json_too_deep")


def test_a_number_too_long_to_convert_is_refused(web):
    assert_api_error(post_json(web, None, raw=b'{"text": ' + b"9" * 5000 + b"}"), 400, "invalid_json")


def test_a_utf8_byte_order_mark_is_tolerated(web):
    raw = b"\xef\xbb\xbf" + json.dumps({"text": OK_TEXT}).encode()
    assert post_json(web, None, raw=raw).status_code == 201


def test_unknown_fields_are_refused(web):
    result = assert_api_error(post_json(web, {"text": OK_TEXT, "title": "x"}), 400, "unknown_fields")
    assert "title" in result["message"]
    result = assert_api_error(post_json(web, {"text": OK_TEXT, "contact": {"fax": "1"}}), 400, "unknown_fields")
    assert "fax" in result["message"]


@pytest.mark.parametrize("body, field", [
    ({"text": 123}, "text"),
    ({"text": ["a", "b"]}, "text"),
    ({"text": {"a": 1}}, "text"),
    ({"text": OK_TEXT, "platform": 1}, "platform"),
    ({"text": OK_TEXT, "province": True}, "province"),
    ({"text": OK_TEXT, "language": 5}, "language"),
    ({"urls": "https://example.com/a"}, "urls"),
    ({"urls": [1, 2]}, "urls"),
    ({"urls": {"a": "https://example.com"}}, "urls"),
    ({"text": OK_TEXT, "contact": "0912345678"}, "contact"),
    ({"text": OK_TEXT, "contact": {"email": 5}}, "contact.email"),
    ({"text": OK_TEXT, "contact": {"name": {"first": "A"}}}, "contact.name"),
    ({"text": OK_TEXT, "contact": {"phone": "0912345678", "consent": "yes"}}, "contact.consent"),
])
def test_wrong_types_are_refused_with_the_field_named(web, body, field):
    result = assert_api_error(post_json(web, body), 400, "invalid_type")
    assert field_codes(result, field) == ["invalid_type"]


def test_null_values_count_as_missing(web):
    body = {"text": OK_TEXT, "urls": None, "platform": None, "contact": None, "language": None}
    assert post_json(web, body).status_code == 201


@pytest.mark.parametrize("field, value, code", [
    ("topic", "aliens", "invalid_choice"),
    ("platform", "myspace", "invalid_choice"),
    ("province", "Atlantis", "unknown_province"),
    ("language", "not a language!", "invalid_language"),
])
def test_unknown_codes_are_refused(web, field, value, code):
    result = assert_api_error(post_json(web, {"text": OK_TEXT, field: value}), 400, "invalid_report")
    assert field_codes(result, field) == [code]


def test_the_allowed_codes_are_named_in_the_message(web):
    result = assert_api_error(post_json(web, {"text": OK_TEXT, "topic": "aliens"}), 400, "invalid_report")
    assert "scam_link" in result["fields"]["topic"][0]["message"]


@pytest.mark.parametrize("contact, field, code", [
    ({"email": "not-an-email", "consent": True}, "contact.email", "invalid"),
    ({"email": "a@b", "consent": True}, "contact.email", "invalid"),
    ({"phone": "12345", "consent": True}, "contact.phone", "invalid_phone"),
    ({"phone": "+1 415 555 0100", "consent": True}, "contact.phone", "invalid_phone"),
    ({"phone": "0912345678"}, "contact.consent", "consent_required"),
    ({"name": "Lan", "consent": True}, "contact.consent", "contact_missing"),
])
def test_invalid_contact_details_are_refused(web, contact, field, code):
    result = assert_api_error(post_json(web, {"text": OK_TEXT, "contact": contact}), 400, "invalid_report")
    assert code in field_codes(result, field)


def test_other_content_types_are_refused(web):
    response = web.generic("POST", API_REPORTS, b"text=hello", content_type="application/x-www-form-urlencoded")
    assert_api_error(response, 415, "unsupported_media_type")
    assert_api_error(web.generic("POST", API_REPORTS, OK_TEXT.encode(), content_type="text/plain"),
                     415, "unsupported_media_type")


def test_json_bigger_than_the_upload_limit_gets_413_json(web, settings):
    raw = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}).encode()
    assert_api_error(post_json(web, None, raw=raw), 413, "request_too_large")
    assert not Report.objects.exists()


@override_settings(MAX_REQUEST_BYTES=4000)
def test_a_body_over_the_request_limit_is_refused_before_it_is_read(web):
    raw = json.dumps({"text": "x" * 5000}).encode()
    assert_api_error(post_json(web, None, raw=raw), 413, "request_too_large")


@pytest.mark.parametrize("key", ["k" * 256, "khóa-tiếng-việt", "tab\there"])
def test_a_bad_idempotency_key_is_refused(web, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key.encode("utf-8").decode("latin-1")}
    assert_api_error(post_json(web, {"text": OK_TEXT}, **headers), 400, "invalid_idempotency_key")


# --- multipart: a `report` JSON part and `images` files -----------------------------------------

def _upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def post_multipart(client, report: dict | None, images: list, **extra):
    data: dict = {"images": images} if images else {}
    if report is not None:
        data["report"] = json.dumps(report, ensure_ascii=False)
    data.update(extra)
    return client.post(API_REPORTS, data)


def test_multipart_with_images_is_accepted(web):
    response = post_multipart(web, {"text": OK_TEXT, "platform": "zalo"},
                              [_upload("a.png", png_bytes()), _upload("b.jpg", noisy_jpeg())])
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.platform == "zalo"
    assert [img.content_type for img in report.images.all()] == ["image/png", "image/jpeg"]


def test_images_alone_make_a_report(web):
    assert post_multipart(web, None, [_upload("a.png", png_bytes())]).status_code == 201
    assert ReportImage.objects.count() == 1


def test_the_report_part_may_arrive_as_a_file_part(web):
    body, content_type = multipart_body([
        ("report", "report.json", "application/json", json.dumps({"text": OK_TEXT}).encode()),
        ("images", "a.png", "image/png", png_bytes()),
    ])
    response = web.generic("POST", API_REPORTS, body, content_type=content_type)
    assert response.status_code == 201, response.content
    assert Report.objects.get().text == OK_TEXT


def test_a_file_that_is_not_an_image_is_refused(web):
    result = assert_api_error(post_multipart(web, {"text": OK_TEXT}, [_upload("note.png", b"just some text")]),
                              400, "invalid_report")
    assert field_codes(result, "images") == ["not_an_image"]
    assert "note.png" in result["fields"]["images"][0]["message"]


def test_a_corrupt_image_is_refused(web):
    damaged = png_bytes((200, 200))[:-40]  # cut inside the image data
    result = assert_api_error(post_multipart(web, {"text": OK_TEXT}, [_upload("cut.png", damaged)]),
                              400, "invalid_report")
    assert field_codes(result, "images") == ["not_an_image"]


def test_an_image_over_five_megabytes_is_refused(web):
    big = png_bytes() + b"\x00" * (5 * 1024 * 1024)
    result = assert_api_error(post_multipart(web, {"text": OK_TEXT}, [_upload("big.png", big)]), 400, "invalid_report")
    assert field_codes(result, "images") == ["too_large"]


def test_more_than_five_images_are_refused(web):
    files = [_upload(f"{i}.png", png_bytes(colour=(i, i, i))) for i in range(6)]
    result = assert_api_error(post_multipart(web, {"text": OK_TEXT}, files), 400, "invalid_report")
    assert field_codes(result, "images") == ["too_many_images"]


@pytest.mark.parametrize("width, height", [(30_000, 30_000), (8_000, 6_000)])
def test_decompression_bombs_are_refused_from_their_header(web, width, height):
    bomb = png_declaring(width, height)
    assert len(bomb) < 200
    result = assert_api_error(post_multipart(web, {"text": OK_TEXT}, [_upload("bomb.png", bomb)]),
                              400, "invalid_report")
    assert field_codes(result, "images") == ["too_many_pixels"]


def test_every_bad_file_is_named(web):
    files = [_upload("good.png", png_bytes()), _upload("one.png", b"x"), _upload("two.gif", b"GIF89a broken")]
    result = assert_api_error(post_multipart(web, {"text": OK_TEXT}, files), 400, "invalid_report")
    messages = " ".join(item["message"] for item in result["fields"]["images"])
    assert "one.png" in messages and "two.gif" in messages and "good.png" not in messages


def test_invalid_utf8_in_the_report_part_is_refused(web):
    body, content_type = multipart_body([("report", None, None, b'{"text": "h\xff\xfeng"}')])
    assert_api_error(web.generic("POST", API_REPORTS, body, content_type=content_type), 400, "invalid_encoding")


def test_malformed_json_in_the_report_part_is_refused(web):
    body, content_type = multipart_body([("report", None, None, b'{"text": ')])
    assert_api_error(web.generic("POST", API_REPORTS, body, content_type=content_type), 400, "invalid_json")


def test_unknown_multipart_parts_are_refused(web):
    result = assert_api_error(post_multipart(web, {"text": OK_TEXT}, [], comment="x"), 400, "unknown_fields")
    assert "comment" in result["message"]
    result = assert_api_error(post_multipart(web, {"text": OK_TEXT}, [], photo=_upload("a.png", png_bytes())),
                              400, "unknown_fields")
    assert "photo" in result["message"]


def test_a_broken_multipart_stream_gets_a_json_400(web):
    response = web.generic("POST", API_REPORTS, b"--nope\r\ngarbage", content_type="multipart/form-data; boundary=")
    assert_api_error(response, 400, "unreadable_body")


# --- never a 500 --------------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
_report_like = st.fixed_dictionaries({}, optional={
    "text": _json_values, "urls": _json_values, "platform": _json_values, "topic": _json_values,
    "province": _json_values, "language": _json_values, "contact": _json_values,
})


@override_settings(RATELIMIT_ENABLE=False)
@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_report_like | _json_values)
def test_any_json_gets_a_created_report_or_a_json_error(web, body):
    response = post_json(web, body)
    assert response.status_code in (201, 400), response.content[:300]
    if response.status_code == 400:
        assert set(response.json()) == {"error", "message", "fields"}


@override_settings(RATELIMIT_ENABLE=False)
@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_any_bytes_get_a_json_answer(web, raw):
    response = post_json(web, None, raw=raw)
    assert response.status_code in (201, 400), response.content[:300]
    assert response["Content-Type"].startswith("application/json")


def test_the_api_form_shares_its_fields_and_keeps_no_state_between_requests():
    from intake.forms import ApiReportForm, ReportForm

    bad = ApiReportForm(data={"text": "", "urls": ["ftp://x"], "topic": "nope"})
    good = ApiReportForm(data={"text": "Tin đồn về giá xăng", "topic": ""})
    assert bad.fields["topic"] is good.fields["topic"]  # shared, not deep-copied
    assert ReportForm().fields["topic"] is not ReportForm().fields["topic"]  # the web form copies
    assert not bad.is_valid() and {"urls", "topic"} <= set(bad.errors)
    assert good.is_valid(), good.errors
    assert good.cleaned_data["text"] == "Tin đồn về giá xăng"
    again = ApiReportForm(data={"text": "", "urls": ["ftp://x"], "topic": "nope"})
    assert not again.is_valid() and again.errors == bad.errors
