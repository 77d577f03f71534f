"""Template helpers for staff pages: show a link only when the action would be allowed.

Hiding is a courtesy; the server still checks every action (core.roles).
"""

from __future__ import annotations

from typing import Any

from django import template

from ..roles import can

register = template.Library()


@register.simple_tag
def staff_can(user: Any, action: str) -> bool:
    """{% staff_can request.user "staff.manage" as allowed %}"""
    return can(user, action)
