"""Rate limit of the check (the most expensive public call), counted in the shared cache.

The page and the API share one budget per address, like intake's status look-ups; partner
apps with a key are counted per key at the rate stored with their key.
"""

from __future__ import annotations

from django.http import HttpRequest

from intake.models import ApiClient
from intake.ratelimits import RateDecision, count, ip_subject, is_valid_rate

from .conf import check_rate

GROUP = "public.check"


def check_limit(request: HttpRequest, client: ApiClient | None = None) -> RateDecision:
    if client is not None:
        rate = client.rate if is_valid_rate(client.rate) else check_rate()
        return count(request, GROUP, f"key:{client.pk}", rate)
    return count(request, GROUP, ip_subject(request), check_rate())
