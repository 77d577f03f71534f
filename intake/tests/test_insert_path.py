"""core.fast_insert.insert_rows: the report's rows, written with SQL the ORM compiled once, read
back through the ORM exactly as `Model.save()` would have stored them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save

from core.fast_insert import insert_rows
from core.models import OutboxTask
from intake.models import IdempotencyRecord, Report, ReporterContact, ReportLink
from intake.services import ContactInput, ReportSubmission, submit_report

pytestmark = pytest.mark.django_db

FAST_INSERT_MODELS = (Report, ReportLink, ReporterContact, IdempotencyRecord, OutboxTask)


def test_the_fast_insert_only_serves_models_without_save_hooks():
    # `insert_rows` skips Model.save(): a save() override or a save signal receiver would be skipped too.
    for model in FAST_INSERT_MODELS:
        assert "save" not in vars(model), model
        assert not pre_save.has_listeners(model), model
        assert not post_save.has_listeners(model), model


def test_a_report_and_its_rows_read_back_as_stored():
    sub = ReportSubmission(channel="api", text="Tin đồn “phát tiền” 100%", urls=[
        "https://m.facebook.com/a/posts/1?fbclid=x", "https://example.vn/b", "https://example.vn/c"],
        platform="facebook", topic="health", language="en",
        contact=ContactInput(name="Lan", email="lan@example.vn", phone="0901234567", consent=True))
    for _ in range(2):  # the second report reuses the cached statement
        report = submit_report(sub)
        assert report.pk is not None and not report._state.adding
        stored = Report.objects.get(pk=report.pk)
        assert (stored.tracking_code, stored.text, stored.platform, stored.topic, stored.language,
                stored.match_reasons, stored.received_at) == (
            report.tracking_code, sub.text, "facebook", "health", "en", [], report.received_at)
        links = list(stored.links.values_list("url", "canonical_url", "position"))
        assert links == [("https://m.facebook.com/a/posts/1?fbclid=x", "https://facebook.com/a/posts/1", 0),
                         ("https://example.vn/b", "https://example.vn/b", 1),
                         ("https://example.vn/c", "https://example.vn/c", 2)]
        contact = ReporterContact.objects.get(report=stored)
        assert (contact.name, contact.email, contact.phone, contact.consent_to_contact) == (
            "Lan", "lan@example.vn", "0901234567", True)
    assert Report.objects.count() == 2


def test_json_values_and_unique_violations_behave_as_with_the_orm():
    report = submit_report(ReportSubmission(channel="api", text="x"))
    record = IdempotencyRecord(scope="s", key="k", body_hash="h", report=report,
                               response={"tracking_code": "ABC", "nested": [1, "hai"]})
    insert_rows([record])
    assert IdempotencyRecord.objects.get(pk=record.pk).response == {"tracking_code": "ABC", "nested": [1, "hai"]}
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([IdempotencyRecord(scope="s", key="k", body_hash="h2", report=report, response={})])
