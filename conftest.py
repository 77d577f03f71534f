"""Fixtures shared by the Django apps' tests."""

from __future__ import annotations

import pytest


PURE_PACKAGES = ("vntext/", "claimmatch/", "hotline/speech/")


@pytest.fixture(autouse=True)
def _fresh_matcher(request):
    """Each Django test starts with an empty in-memory matcher (the database is the truth)."""
    if request.node.nodeid.startswith(PURE_PACKAGES):
        yield
        return
    from verification.matching import reset_matcher

    reset_matcher()
    yield
    reset_matcher()


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Database tests start with no rate-limit counts: the cache table outlives a test's transaction."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db"} & set(request.fixturenames))
    if not uses_db:
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def web(client):
    """The Django test client with a host the settings allow."""
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client
