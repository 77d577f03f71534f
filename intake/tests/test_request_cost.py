"""What one API report costs the database: the statements are counted, so an extra round trip
on the hot path (a re-read, a savepoint, a key look-up) fails here rather than in a benchmark."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.api_auth import forget_keys, issue_key
from intake.models import Report

from .conftest import post_json

pytestmark = pytest.mark.django_db

BODY = {"text": "Tin đồn: phát tiền hỗ trợ qua đường link lạ", "urls": ["https://example.vn/a"]}


def _statements(web, key: str, **headers: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}", **headers)
    assert response.status_code == 201, response.content
    return [q["sql"].split()[0].upper() + " " + q["sql"].split()[2].strip('"') if q["sql"].startswith("INSERT")
            else q["sql"].split()[0].upper() for q in queries.captured_queries]


def test_a_partner_report_is_three_inserts_in_one_transaction(web, settings):
    settings.RATELIMIT_ENABLE = False  # the database cache's own statements are not the report's
    forget_keys()
    _client, key = issue_key("Đối tác đo chi phí")
    first = _statements(web, key)
    assert first[0] == "SELECT"  # the key, looked up once ...
    again = _statements(web, key)  # ... then remembered
    # Inside the test's transaction the report's BEGIN/COMMIT are a savepoint and its release.
    assert again == ["SAVEPOINT", "INSERT intake_report", "INSERT intake_reportlink",
                     "INSERT core_outboxtask", "RELEASE"]
    with_key = _statements(web, key, HTTP_IDEMPOTENCY_KEY="cost-1")
    assert with_key == ["SAVEPOINT", "INSERT intake_report", "INSERT intake_reportlink",
                        "INSERT core_outboxtask", "INSERT intake_idempotencyrecord", "RELEASE"]
    assert Report.objects.count() == 3
