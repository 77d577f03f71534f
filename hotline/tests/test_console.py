"""The operator console end to end, the live look-up, pending calls, review, masking, audit, permissions."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from core.roles import ADMIN, EDITOR, OPERATOR, VERIFIER
from core.tests.staff_support import make_staff, sign_in
from hotline.models import HotlineCall, TranscriptState
from intake.models import Report, ReporterContact
from publishing.tests.factories import published_verdict
from verification.models import Claim

from .conftest import json_body, multipart, send, wav_bytes

pytestmark = pytest.mark.django_db

RUMOUR = "Tin nhắn nói uống nước chanh nóng chữa khỏi ung thư giai đoạn cuối trong ba ngày"


@pytest.fixture
def operator():
    return make_staff("tuan.operator", OPERATOR)


@pytest.fixture
def staff_client(client):
    def as_user(user):  # noqa: ANN001, ANN202
        client.logout()
        client.defaults["HTTP_HOST"] = "127.0.0.1"
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return sign_in(client, user)

    return as_user


def call_form(**overrides):  # noqa: ANN003, ANN201
    data = {"contact_phone": "0912 345 678", "text": RUMOUR, "urls": "", "platform": "zalo",
            "topic": "health", "province": "Thừa Thiên Huế", "consent": "on", "save": "1"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_operator_logs_a_call_through_the_intake_service(staff_client, operator,
                                                            django_capture_on_commit_callbacks):
    web = staff_client(operator)
    assert web.get("/staff/hotline/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/staff/hotline/", call_form(urls="https://zalo.me/g/chanh-nong"))
    assert response.status_code == 302 and response["Location"] == "/staff/hotline/"
    report = Report.objects.get()
    assert report.channel == "hotline" and report.entered_by == operator and report.text == RUMOUR
    assert report.province == "hue" and report.platform == "zalo" and report.links.get().url.endswith("chanh-nong")
    assert report.claim is not None  # matched like any other report
    contact = ReporterContact.objects.get(report=report)
    assert contact.phone == "+84912345678" and contact.consent_to_contact
    call = HotlineCall.objects.get(report=report)
    assert call.source == "console" and call.caller_number == "+84912345678" and call.taken_by == operator
    assert AuditEntry.objects.filter(action="hotline.call_logged", object_id=str(call.pk)).exists()
    page = web.get("/staff/hotline/").content.decode()
    assert report.display_code in page  # "saved as report …": the operator can read it to the caller


def test_without_consent_the_number_stays_on_the_call_only(staff_client, operator):
    web = staff_client(operator)
    assert web.post("/staff/hotline/", call_form(consent=None)).status_code == 302
    report = Report.objects.get()
    assert not ReporterContact.objects.filter(report=report).exists()
    assert HotlineCall.objects.get(report=report).caller_number == "+84912345678"


def test_the_console_gives_the_report_form_s_own_errors(staff_client, operator):
    web = staff_client(operator)
    cases = [
        (call_form(text="", urls=""), "The report is empty"),
        (call_form(contact_phone="12"), "Enter a Vietnamese phone number"),
        (call_form(contact_phone="", consent="on"), "To be contacted, give an e-mail address or a phone number"),
        (call_form(province="Atlantis"), "is not a known province"),
        (call_form(urls="ftp://x.example/a"), "is not a valid web address"),
    ]
    for data, message in cases:
        response = web.post("/staff/hotline/", data)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert not Report.objects.exists() and not HotlineCall.objects.exists()


def test_look_up_without_javascript_shows_published_verdicts_on_the_same_page(staff_client, operator):
    verdict = published_verdict("Nước chanh nóng không chữa được ung thư", claim=RUMOUR)
    web = staff_client(operator)
    response = web.post("/staff/hotline/", call_form(save=None, lookup="1"))
    page = response.content.decode()
    assert response.status_code == 200 and verdict.title in page and verdict.get_absolute_url() in page
    assert "Already verified" in page and 'value="0912 345 678"' in page  # what was typed stays
    assert not Report.objects.exists()  # looking up saves nothing
    nothing = web.post("/staff/hotline/", call_form(save=None, lookup="1", text="Một chuyện hoàn toàn khác về giá vàng"))
    assert "No published verdict matches yet" in nothing.content.decode()


def test_the_live_look_up_endpoint_answers_json(staff_client, operator):
    verdict = published_verdict("Nước chanh nóng không chữa được ung thư", claim=RUMOUR)
    web = staff_client(operator)
    data = web.post("/staff/hotline/lookup/", {"text": RUMOUR, "urls": ""}).json()
    assert data["asked"] and data["matches"][0]["title"] == verdict.title
    assert data["matches"][0]["label"] == "fabricated"
    assert web.post("/staff/hotline/lookup/", {"text": "", "urls": ""}).json() == {
        "matches": [], "error": "", "asked": False}
    assert web.post("/staff/hotline/lookup/", {"text": "", "urls": "not a link"}).json()["error"]
    assert web.get("/staff/hotline/lookup/?text=x").status_code == 405  # never in a URL


def test_a_pending_call_is_opened_prefilled_and_logged_once(client, staff_client, operator):
    send(client, json_body(call_id="live-9", caller_number="0987 654 321"))
    call = HotlineCall.objects.get(external_id="live-9")
    web = staff_client(operator)
    console = web.get("/staff/hotline/").content.decode()
    assert "*******321" in console and "0987654321" not in console  # masked until opened
    response = web.post(f"/staff/hotline/calls/{call.pk}/take/")
    assert response.status_code == 302 and response["Location"] == f"/staff/hotline/?call={call.pk}"
    page = web.get(response["Location"]).content.decode()
    assert 'value="0987654321"' in page and f'name="call" value="{call.pk}"' in page
    assert AuditEntry.objects.filter(action="contact.view", object_id=str(call.pk)).exists()
    saved = web.post("/staff/hotline/", call_form(contact_phone="0987654321", call=str(call.pk)))
    assert saved.status_code == 302
    call.refresh_from_db()
    assert call.report is not None and call.report.entered_by == operator and call.source == "telephony"
    assert HotlineCall.objects.count() == 1
    # A second submit of the same call (double Enter) cannot log it twice.
    again = web.post("/staff/hotline/", call_form(contact_phone="0987654321", call=str(call.pk)), follow=True)
    assert "This call was already logged" in again.content.decode()
    assert Report.objects.count() == 1 and HotlineCall.objects.count() == 1


def test_another_operator_cannot_take_a_call_already_taken(client, staff_client, operator):
    send(client, json_body(call_id="live-10", caller_number="0987654321"))
    call = HotlineCall.objects.get(external_id="live-10")
    staff_client(operator).post(f"/staff/hotline/calls/{call.pk}/take/")
    other = staff_client(make_staff("hoa.operator", OPERATOR))
    response = other.post(f"/staff/hotline/calls/{call.pk}/take/", follow=True)
    assert "Another operator already took this call" in response.content.decode()
    page = other.get(f"/staff/hotline/?call={call.pk}").content.decode()
    assert "0987654321" not in page


def recorded_call(client, capture, transcribe_as, text: str = "Tin giả: ngân hàng phát tiền mặt miễn phí"):  # noqa: ANN001, ANN201
    transcribe_as("done", text)
    payload, content_type = multipart({"call_id": "rev-1", "caller_number": "0912345678",
                                       "recording": _upload(wav_bytes())})
    with capture(execute=True):
        assert send(client, payload, content_type).status_code == 201
    return HotlineCall.objects.select_related("report").get(external_id="rev-1")


def test_the_operator_corrects_a_transcript_and_it_is_matched_again(
        client, staff_client, operator, transcribe_as, django_capture_on_commit_callbacks):
    existing = Report.objects.create(channel="web", text=RUMOUR)
    with django_capture_on_commit_callbacks(execute=True):
        from core import outbox
        from intake.services import PROCESS_REPORT

        from django.db import transaction

        with transaction.atomic():
            outbox.schedule(PROCESS_REPORT, f"report:{existing.pk}", {"report_id": existing.pk})
    existing.refresh_from_db()
    call = recorded_call(client, django_capture_on_commit_callbacks, transcribe_as,
                         text="tin nhan noi uong nuoc chanh nong chua ung thu")  # a rough machine draft
    web = staff_client(operator)
    listing = web.get("/staff/hotline/review/").content.decode()
    assert call.report.display_code in listing and "transcript not reviewed" in listing
    assert "0912345678" not in listing
    detail = web.get(f"/staff/hotline/calls/{call.pk}/").content.decode()
    assert "From a recording, transcript not reviewed" in detail and "uong nuoc chanh" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(f"/staff/hotline/calls/{call.pk}/review/", {"text": RUMOUR})
    assert response.status_code == 302
    call.refresh_from_db()
    call.report.refresh_from_db()
    assert call.reviewed_by == operator and call.report.text == RUMOUR
    assert call.report.claim_id == existing.claim_id  # the corrected text joined the rumour's claim
    entry = AuditEntry.objects.get(action="hotline.transcript_reviewed")
    assert entry.actor == operator and entry.detail["text_changed"] is True
    to_review = web.get("/staff/hotline/review/").content.decode().split('id="to-review"')[1].split("</table>")[0]
    assert call.report.display_code not in to_review and "Nothing to review" in to_review


def test_a_claim_staff_already_work_on_keeps_the_report(client, staff_client, operator, transcribe_as,
                                                         django_capture_on_commit_callbacks):
    transcribe_as("silence")
    payload, content_type = multipart({"call_id": "rev-2", "recording": _upload(wav_bytes(tone=0))})
    with django_capture_on_commit_callbacks(execute=True):
        send(client, payload, content_type)
    call = HotlineCall.objects.select_related("report").get(external_id="rev-2")
    assert call.transcript_state == TranscriptState.SILENCE
    claim = call.report.claim
    Claim.objects.filter(pk=claim.pk).update(version=2)  # a verifier edited it meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        staff_client(operator).post(f"/staff/hotline/calls/{call.pk}/review/", {"text": "Người gọi im lặng rồi cúp máy"})
    call.report.refresh_from_db()
    assert call.report.claim_id == claim.pk and Claim.objects.filter(pk=claim.pk).exists()


def test_a_review_gets_the_report_rules(client, staff_client, operator, transcribe_as,
                                        django_capture_on_commit_callbacks):
    call = recorded_call(client, django_capture_on_commit_callbacks, transcribe_as)
    response = staff_client(operator).post(f"/staff/hotline/calls/{call.pk}/review/", {"text": "x" * 10_001})
    assert response.status_code == 400 and "The text is too long" in response.content.decode()
    call.refresh_from_db()
    assert call.reviewed_at is None


# --- who sees the caller's number ---------------------------------------------------------------

def test_other_roles_see_the_number_masked_and_an_editor_reveal_is_audited(
        client, staff_client, operator, transcribe_as, django_capture_on_commit_callbacks):
    call = recorded_call(client, django_capture_on_commit_callbacks, transcribe_as)
    for role in (OPERATOR, VERIFIER, EDITOR):
        web = staff_client(make_staff(f"someone-{role}", role))
        for path in ("/staff/hotline/calls/", f"/staff/hotline/calls/{call.pk}/"):
            page = web.get(path).content.decode()
            assert "0912345678" not in page and "*******678" in page, (role, path)
        if call.report.claim_id:
            claim_page = web.get(f"/staff/claims/{call.report.claim_id}/").content.decode()
            assert "0912345678" not in claim_page
    editor = make_staff("minh.editor", EDITOR)
    web = staff_client(editor)
    assert 'action="/staff/hotline/calls/%d/reveal/"' % call.pk in web.get(f"/staff/hotline/calls/{call.pk}/").content.decode()
    revealed = web.post(f"/staff/hotline/calls/{call.pk}/reveal/", {"purpose": "follow_up"})
    assert revealed.status_code == 200 and "0912345678" in revealed.content.decode()
    entry = AuditEntry.objects.filter(action="contact.reveal").latest("seq")
    assert entry.actor == editor and entry.detail == {"fields": ["phone"], "purpose": "follow_up"}


def test_the_operator_who_took_a_call_sees_the_number_for_a_day_only(staff_client, operator):
    from datetime import timedelta

    from django.utils import timezone

    web = staff_client(operator)
    web.post("/staff/hotline/", call_form())
    call = HotlineCall.objects.get()
    assert "+84912345678" in web.get(f"/staff/hotline/calls/{call.pk}/").content.decode()
    HotlineCall.objects.filter(pk=call.pk).update(taken_at=timezone.now() - timedelta(hours=25))
    assert "+84912345678" not in web.get(f"/staff/hotline/calls/{call.pk}/").content.decode()


def test_public_pages_never_show_the_number(client, staff_client, operator, transcribe_as,
                                            django_capture_on_commit_callbacks):
    call = recorded_call(client, django_capture_on_commit_callbacks, transcribe_as)
    client.logout()
    for path in (f"/theo-doi/{call.report.display_code}/", f"/api/v1/reports/{call.report.tracking_code}", "/"):
        response = client.get(path, HTTP_HOST="127.0.0.1")
        body = response.content.decode()
        assert response.status_code == 200, path
        assert "0912345678" not in body and "912345678" not in body and "*******678" not in body


# --- role × action on the real views ----------------------------------------------------------------

VIEWS = [
    ("get", "/staff/hotline/", "hotline.take_call"),
    ("post", "/staff/hotline/lookup/", "hotline.take_call"),
    ("post", "/staff/hotline/calls/{pending}/take/", "hotline.take_call"),
    ("get", "/staff/hotline/calls/", "hotline.view"),
    ("get", "/staff/hotline/calls/{recorded}/", "hotline.view"),
    ("get", "/staff/hotline/review/", "hotline.review"),
    ("post", "/staff/hotline/calls/{recorded}/review/", "hotline.review"),
    ("get", "/staff/hotline/calls/{recorded}/recording/", "hotline.review"),
    ("post", "/staff/hotline/calls/{recorded}/reveal/", "contact.reveal"),
]
ALLOWED = {"hotline.take_call": {OPERATOR}, "hotline.view": {OPERATOR, VERIFIER, EDITOR},
           "hotline.review": {OPERATOR}, "contact.reveal": {EDITOR}}


@pytest.mark.parametrize("method,template,action", VIEWS, ids=[f"{m} {t}" for m, t, _a in VIEWS])
@pytest.mark.parametrize("subject", ["anonymous", "no-role", OPERATOR, VERIFIER, EDITOR, ADMIN])
def test_views_follow_the_role_table(client, staff_client, transcribe_as, django_capture_on_commit_callbacks,
                                     subject, method, template, action):
    from core.roles import ACTIONS

    assert ACTIONS[action] == ALLOWED[action]
    send(client, json_body(call_id="perm-live", caller_number="0912345678"))
    recorded = recorded_call(client, django_capture_on_commit_callbacks, transcribe_as)
    pending = HotlineCall.objects.get(external_id="perm-live")
    path = template.format(pending=pending.pk, recorded=recorded.pk)
    if subject != "anonymous":
        staff_client(make_staff(f"subject-{subject}", *([] if subject == "no-role" else [subject])))
    data = {"text": "Sửa lại", "purpose": "follow_up"}
    response = client.get(path) if method == "get" else client.post(path, data)
    if subject == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    elif subject in ALLOWED[action]:
        assert response.status_code in (200, 302), (subject, path, response.status_code)
        if response.status_code == 302:
            assert "/staff/login/" not in response["Location"]
    else:
        assert response.status_code == 403, (subject, path, response.status_code)


def test_listening_to_a_recording_is_audited(client, staff_client, operator, transcribe_as,
                                            django_capture_on_commit_callbacks):
    call = recorded_call(client, django_capture_on_commit_callbacks, transcribe_as)
    response = staff_client(operator).get(f"/staff/hotline/calls/{call.pk}/recording/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"RIFF")
    assert AuditEntry.objects.filter(action="hotline.recording_played", actor=operator).exists()


def _upload(content: bytes):  # noqa: ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("call.wav", content, content_type="audio/wav")


def test_calls_no_longer_on_the_line_leave_the_console(client, staff_client, operator):
    from datetime import timedelta

    from django.utils import timezone

    send(client, json_body(call_id="old-1", caller_number="0911111222"))
    send(client, json_body(call_id="new-1", caller_number="0933333444"))
    HotlineCall.objects.filter(external_id="old-1").update(received_at=timezone.now() - timedelta(hours=3))
    page = staff_client(operator).get("/staff/hotline/").content.decode()
    assert "*******444" in page and "*******222" not in page
    assert "*******222" in staff_client(operator).get("/staff/hotline/calls/").content.decode()
