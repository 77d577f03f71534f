"""The claim workflow: what reporters are told, derived from the desk's internal states.

`public_status` is the ONE place where internal states become the three statuses a
reporter sees; status pages and the API call it and nothing else.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Claim, ClaimState


class PublicStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_VERIFICATION = "under_verification", _("Under verification")
    CONCLUDED = "concluded", _("Concluded")


_PUBLIC = {
    ClaimState.NEW: PublicStatus.RECEIVED,
    ClaimState.TRIAGED: PublicStatus.UNDER_VERIFICATION,
    ClaimState.IN_VERIFICATION: PublicStatus.UNDER_VERIFICATION,
    ClaimState.AWAITING_REVIEW: PublicStatus.UNDER_VERIFICATION,
    ClaimState.PUBLISHED: PublicStatus.CONCLUDED,
    ClaimState.DISMISSED: PublicStatus.CONCLUDED,
}


def public_status(claim: Claim | None) -> PublicStatus:
    """A report not yet grouped into a claim has simply been received."""
    if claim is None:
        return PublicStatus.RECEIVED
    return _PUBLIC[ClaimState(claim.state)]


def published_verdict(claim: Claim | None):  # noqa: ANN201 - Verdict | None
    """The verdict a status page may link to: only a published, not withdrawn one."""
    if claim is None or claim.state != ClaimState.PUBLISHED:
        return None
    verdict = getattr(claim, "verdict", None)
    return verdict if verdict is not None and verdict.is_public else None
