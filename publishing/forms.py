"""The check form (text or link) and the search box: validation only, no logic."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .check import MAX_TEXT, MAX_URL


class CheckForm(forms.Form):
    text = forms.CharField(
        label=_("The text you received"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Paste the message or post, up to 10,000 characters."),
    )
    url = forms.CharField(
        label=_("Or a link to it"),
        required=False,
        max_length=MAX_URL,
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
        help_text=_("For example a link to a Facebook post, a TikTok video or a website."),
    )
