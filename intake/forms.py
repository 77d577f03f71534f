"""The one validation of a report, whatever the channel (web, API, hotline, e-mail, chat).

The API feeds its JSON into the same form, so a rule is written once and every channel
gets the same, translated error messages.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.reference import Platform, Topic, resolve_province

from .images import ImageRejected, ProcessedImage, process_upload

MAX_TEXT = 10_000
MAX_LINKS = 10
MAX_IMAGES = 5
MAX_URL = 2000
CONSENT_TEXT_VERSION = "2026-01"

_BAD_CONTROL = {"Cc", "Cs", "Co", "Cn"}
_PHONE = re.compile(r"^(?:\+?84|0)(\d{9,10})$")


def check_text(value: str, field: str) -> str:
    """Refuse text that lost its encoding or carries control characters; normalise to NFC."""
    if "\ufffd" in value:
        raise ValidationError(
            _("%(field)s contains characters that could not be read (broken encoding). "
              "Please type or paste it again.") % {"field": field}, code="encoding")
    for ch in value:
        if ch in "\n\r\t":
            continue
        if unicodedata.category(ch) in _BAD_CONTROL:
            raise ValidationError(
                _("%(field)s contains invisible control characters. Please remove them.") % {"field": field},
                code="control_characters")
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()


class LinksField(forms.Field):
    """Links as a list (API) or one per line (web form)."""

    default_error_messages = {
        "too_many": _("Give at most %(max)s links."),
        "invalid": _("“%(url)s” is not a valid web address. Links must start with http:// or https://."),
        "too_long": _("A link is longer than %(max)s characters."),
        "type": _("Links must be a list of web addresses."),
    }
    validator = URLValidator(schemes=["http", "https"])

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            items = value.split()
        elif isinstance(value, (list, tuple)):
            if not all(isinstance(v, str) for v in value):
                raise ValidationError(self.error_messages["type"], code="type")
            items = [v.strip() for v in value if v.strip()]
        else:
            raise ValidationError(self.error_messages["type"], code="type")
        if len(items) > MAX_LINKS:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"max": MAX_LINKS})
        cleaned: list[str] = []
        for url in items:
            if len(url) > MAX_URL:
                raise ValidationError(self.error_messages["too_long"], code="too_long", params={"max": MAX_URL})
            shown = url[:80]
            try:
                check_text(url, "link")
                self.validator(url)
            except ValidationError:
                raise ValidationError(self.error_messages["invalid"], code="invalid", params={"url": shown}) from None
            if url not in cleaned:
                cleaned.append(url)
        return cleaned


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to five screenshots, each validated and re-encoded on arrival."""

    widget = MultipleImageInput(attrs={"accept": "image/*"})

    def clean(self, data: Any, initial: Any = None) -> list[ProcessedImage]:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_IMAGES:
            raise ValidationError(_("Attach at most %(max)s images.") % {"max": MAX_IMAGES}, code="too_many")
        processed = []
        for upload in files:
            if getattr(upload, "size", 0) > 5 * 1024 * 1024:
                raise ValidationError(_("%(name)s is larger than 5 MB.") % {"name": upload.name}, code="too_large")
            try:
                processed.append(process_upload(upload.read(), upload.name))
            except ImageRejected as exc:
                raise ValidationError(str(exc), code="image") from None
        return processed


def _optional_choice(choices: list[tuple[str, Any]], label: str) -> forms.ChoiceField:
    return forms.ChoiceField(choices=[("", "—")] + list(choices), required=False, label=label)


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("What did you see?"), required=False, max_length=MAX_TEXT, strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": _("The text is too long: at most %(limit_value)d characters "
                                         "(you sent %(show_value)d).")},
    )
    urls = LinksField(label=_("Links (one per line)"), required=False,
                      widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url"}))
    images = ImagesField(label=_("Screenshots (up to 5 images, 5 MB each)"), required=False)
    platform = _optional_choice(Platform.choices, _("Where did you see it?"))
    topic = _optional_choice(Topic.choices, _("Topic (if you know)"))
    province = forms.CharField(label=_("Province or city (optional)"), required=False, max_length=64)
    contact_name = forms.CharField(label=_("Your name"), required=False, max_length=120)
    contact_email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    consent = forms.BooleanField(label=_("I agree to be contacted about this report."), required=False)

    def clean_text(self) -> str:
        return check_text(self.cleaned_data.get("text") or "", str(_("The text")))

    def clean_province(self) -> str:
        raw = (self.cleaned_data.get("province") or "").strip()
        if not raw:
            return ""
        code = resolve_province(raw)
        if code is None:
            raise ValidationError(_("“%(value)s” is not a known province or city.") % {"value": raw[:64]},
                                  code="unknown_province")
        return code

    def clean_contact_name(self) -> str:
        return check_text(self.cleaned_data.get("contact_name") or "", str(_("The name")))

    def clean_contact_phone(self) -> str:
        raw = self.cleaned_data.get("contact_phone") or ""
        digits = re.sub(r"[\s.\-()]", "", raw)
        if not digits:
            return ""
        match = _PHONE.match(digits)
        if not match:
            raise ValidationError(_("Enter a Vietnamese phone number, for example 0912 345 678."),
                                  code="invalid_phone")
        return "+84" + match.group(1)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not (data.get("text") or data.get("urls") or data.get("images")):
            raise ValidationError(_("The report is empty: write what you saw, add a link or attach a screenshot."),
                                  code="empty")
        has_contact = any(data.get(f) for f in ("contact_name", "contact_email", "contact_phone"))
        if has_contact and not data.get("consent"):
            self.add_error("consent", ValidationError(
                _("Tick the box to agree to be contacted, or leave your contact details empty."),
                code="consent_required"))
        if data.get("consent") and not (data.get("contact_email") or data.get("contact_phone")):
            self.add_error("consent", ValidationError(
                _("To be contacted, give an e-mail address or a phone number."), code="contact_missing"))
        return data


class WebReportForm(ReportForm):
    """The public form adds a honeypot: a field people never see and simple bots fill."""

    homepage = forms.CharField(required=False, label=_("Leave this field empty"),
                               widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean_homepage(self) -> str:
        if self.cleaned_data.get("homepage"):
            raise ValidationError(_("This form looks automatically filled. Please try again."), code="bot")
        return ""
