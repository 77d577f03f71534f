"""Every desk page and action against every role: refused (403) exactly where the matrix says so.

The expected answer is read from core.roles.ACTIONS, the same table the views enforce, so a
view that forgets its check (or checks the wrong action) fails here.
"""

from __future__ import annotations

import pytest

from core.roles import ACTIONS, ROLES
from core.tests.staff_support import make_staff

pytestmark = pytest.mark.django_db

# (method, path under /staff/claims/ with {pk}, the action that must be held)
ENDPOINTS = [
    ("get", "", "claim.view"),
    ("get", "{pk}/", "claim.view"),
    ("post", "bulk-dismiss/", "claim.bulk_dismiss"),
    ("post", "{pk}/lock/", "claim.work"),
    ("post", "{pk}/edit/", "claim.work"),
    ("post", "{pk}/assign/", "claim.work"),
    ("post", "{pk}/verdict/", "claim.propose_verdict"),
    ("post", "{pk}/review/", "claim.review"),
    ("post", "{pk}/unpublish/", "claim.unpublish"),
    ("post", "{pk}/correct/", "claim.review"),
    ("post", "{pk}/merge/", "claim.merge_split"),
    ("post", "{pk}/split/", "claim.merge_split"),
    ("post", "{pk}/notes/", "claim.work"),
    ("post", "{pk}/evidence/", "claim.work"),
    ("post", "{pk}/referrals/", "claim.work"),
    ("post", "{pk}/takedowns/", "claim.work"),
    ("post", "{pk}/public-title/", "claim.public_title"),
    ("post", "{pk}/public-title/approve/", "claim.review"),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_against_every_role(role, claim, as_user):
    client = as_user(make_staff(f"matrix.{role}", role))
    for method, path, action in ENDPOINTS:
        url = "/staff/claims/" + path.format(pk=claim.pk)
        response = getattr(client, method)(url, {})
        allowed = role in ACTIONS[action]
        if allowed:
            assert response.status_code != 403, (role, url)
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def test_get_is_refused_on_actions(claim, as_user, editor):
    client = as_user(editor)
    for _method, path, _action in ENDPOINTS[2:]:
        assert client.get("/staff/claims/" + path.format(pk=claim.pk)).status_code == 405, path
