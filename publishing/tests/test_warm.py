"""Warming before the fork builds the search index and the matcher the workers then share."""

from __future__ import annotations

import pytest

from .factories import published_verdict


@pytest.mark.django_db(transaction=True)
def test_warm_builds_both_indexes_and_leaves_no_connection_open(monkeypatch):
    from django.db import connection

    from publishing import search_index
    from verification import matching

    monkeypatch.setenv("TINGIA_WARM_PUBLIC", "0")  # importing must not warm the test process
    from publishing import warm

    verdict = published_verdict("Sữa ong chúa không chữa khỏi ung thư", "Sữa ong chúa chữa khỏi ung thư")
    matching.reset_matcher()
    search_index.reset_index()
    timings = warm.warm()
    assert set(timings) == {"search_index", "matcher"}
    assert connection.connection is None  # closed before the fork
    assert verdict.pk in search_index._holder.index.ids()
    assert verdict.claim_id in matching._matcher
