"""The operator console's forms: intake's ReportForm, worded for a call, and nothing re-validated here.

ConsoleForm *is* ReportForm (same fields, rules and messages) minus what a phone call
cannot carry (screenshots, e-mail, name): the caller's number is ReportForm's phone field,
and it becomes the report's contact only when the caller agrees to be called back or
texted the outcome. Without that consent the number stays on the call record alone.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms import ReportForm, TelInput


class ConsoleForm(ReportForm):
    images = None
    contact_name = None
    contact_email = None
    language = None
    field_order = ["contact_phone", "text", "urls", "platform", "topic", "province", "consent"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        phone = self.fields["contact_phone"]
        phone.label = _("Caller number")
        phone.help_text = _("Filled in from the telephone system when you open a pending call.")
        phone.widget = TelInput(attrs={"autocomplete": "off", "inputmode": "tel", "autofocus": True})
        self.fields["text"].label = _("What the caller saw")
        self.fields["text"].help_text = _("In the caller's words: what it said, where and when they saw it.")
        self.fields["urls"].label = _("Links the caller gives (one per line)")
        self.fields["platform"].label = _("Where they saw it")
        self.fields["province"].label = _("Caller's province or city")
        self.fields["consent"].label = _("The caller agrees to be called back or texted the outcome")
        self.caller_number = ""

    def clean(self) -> dict[str, Any]:
        # The number is always kept on the call; it is a contact only with the caller's consent.
        self.caller_number = self.cleaned_data.get("contact_phone", "") or ""
        if not self.cleaned_data.get("consent"):
            self.cleaned_data["contact_phone"] = ""
        return super().clean()


class ReviewForm(forms.Form):
    """The corrected transcript, checked by the report's own text field (length, encoding, controls)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = copy.deepcopy(ReportForm.base_fields["text"])
        field.label = _("Corrected transcript")
        field.help_text = _("This becomes the report's text. It is matched again against known claims.")
        field.widget.attrs["rows"] = 8
        self.fields["text"] = field


class LookupForm(forms.Form):
    """What the live look-up reads (the console's own fields, by name)."""

    text = forms.CharField(required=False)
    urls = forms.CharField(required=False)
