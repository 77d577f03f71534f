"""Fixtures shared by the Django apps' tests."""

from __future__ import annotations

import pytest


PURE_PACKAGES = ("vntext/", "claimmatch/")


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


@pytest.fixture
def web(client):
    """The Django test client with a host the settings allow."""
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client
