"""Settings of the public side, with defaults (a project setting of the same name wins)."""

from __future__ import annotations

import os

from django.conf import settings


def check_rate() -> str:
    """Anonymous "check before you share" calls per address, page and API together."""
    return getattr(settings, "RATE_PUBLIC_CHECK", "") or os.environ.get("TINGIA_RATE_CHECK", "30/m")
