"""Absolute addresses of public pages, built on the configured SITE_URL (never the Host header)."""

from __future__ import annotations

from django.conf import settings


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
