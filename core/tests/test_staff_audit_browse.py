"""Browsing the audit log by object and by person, newest first, in pages."""

from __future__ import annotations

import pytest

from core import audit
from core.roles import ADMIN, EDITOR, OPERATOR, VERIFIER
from core.tests.staff_support import make_staff, sign_in

pytestmark = pytest.mark.django_db


def seqs(response):
    return [entry.seq for entry in response.context["page"]]


@pytest.fixture
def editor_client(web):
    sign_in(web, make_staff("ed-browse", EDITOR))
    return web


def test_filter_by_claim_and_by_person(editor_client):
    lan, minh = make_staff("lan", VERIFIER), make_staff("minh", VERIFIER)
    audit.record("claim.assign", actor=lan, object_type="verification.claim", object_id=7)
    audit.record("claim.note", actor=minh, object_type="verification.claim", object_id=7)
    audit.record("claim.note", actor=minh, object_type="verification.claim", object_id=8)
    audit.record("staff.update", actor=None, obj=lan, detail={"roles": {"added": ["editor"], "removed": []}})
    by_claim = editor_client.get("/staff/audit/", {"object_type": "verification.claim", "object_id": "7"})
    assert [(e.actor_label, e.action) for e in by_claim.context["page"]] == [
        ("minh", "claim.note"), ("lan", "claim.assign")]
    by_person = editor_client.get("/staff/audit/", {"person": "minh"})
    assert {e.object_id for e in by_person.context["page"]} == {"7", "8"}
    about = editor_client.get("/staff/audit/", {"person": "lan", "about_person": "on"})
    assert [e.action for e in about.context["page"]] == ["staff.update", "claim.assign"]
    by_action = editor_client.get("/staff/audit/", {"action": "claim.note"})
    assert len(by_action.context["page"]) == 2


def test_newest_first_in_pages_of_fifty(editor_client):
    for i in range(120):
        audit.record("claim.note", object_type="verification.claim", object_id=i)
    first = editor_client.get("/staff/audit/", {"object_type": "verification.claim"})
    numbers = seqs(first)
    assert len(numbers) == 50 and numbers == sorted(numbers, reverse=True)
    third = editor_client.get("/staff/audit/", {"object_type": "verification.claim", "page": 3})
    assert len(seqs(third)) == 20 and max(seqs(third)) < min(numbers)
    html = first.content.decode()
    assert "object_type=verification.claim&amp;page=2" in html


def test_viewing_the_log_does_not_write_to_it(editor_client):
    audit.record("claim.note", object_type="verification.claim", object_id=1)
    before = audit.head().seq
    editor_client.get("/staff/audit/")
    assert audit.head().seq == before


@pytest.mark.parametrize("role,status", [(ADMIN, 200), (EDITOR, 200), (VERIFIER, 403), (OPERATOR, 403)])
def test_who_may_browse(web, role, status):
    sign_in(web, make_staff("someone", role))
    assert web.get("/staff/audit/").status_code == status
