"""The one validation of a report, whatever the channel (web, API, hotline, e-mail, chat).

The API feeds its JSON into the same form, and the hotline and e-mail desks fill it from
what they took down, so a rule is written once and every channel gets the same,
translated error messages. Error codes (`ValidationError.code`) are stable: the API
returns them to partner apps.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.reference import PROVINCES, Platform, Topic, resolve_province

from .images import MAX_BYTES as MAX_IMAGE_BYTES
from .images import ImageRejected, ProcessedImage, display_name, process_upload

MAX_TEXT = 10_000
MAX_LINKS = 10
MAX_IMAGES = 5
MAX_URL = 2000
CONSENT_TEXT_VERSION = "2026-01"

_ALLOWED_CONTROLS = "\n\r\t"
# Cc: control characters (NUL breaks PostgreSQL text); Cs: lone surrogates (not encodable).
# Unassigned code points (Cn) are allowed on purpose: they include emoji newer than Python's
# Unicode tables.
_REFUSED_CATEGORIES = {"Cc", "Cs"}
# The same characters as _REFUSED_CATEGORIES minus the allowed controls, as one pattern: Cc is
# exactly U+0000-U+001F and U+007F-U+009F, Cs exactly U+D800-U+DFFF (a regex scan is ~20x
# faster than asking unicodedata about every character of a 10,000-character report).
_REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_PHONE = re.compile(r"^(?:\+?84|0)(\d{9,10})$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,4})?$")


def check_text(value: str) -> str:
    """Refuse text that lost its encoding or carries control characters; normalise to NFC.

    U+FFFD is what a decoder leaves where bytes were not valid UTF-8, so its presence means
    the text was damaged on the way; asking again beats storing a garbled report.
    """
    if "\ufffd" in value:
        raise ValidationError(
            _("This contains characters that could not be read (broken encoding). "
              "Please type or paste it again."), code="invalid_encoding")
    if _REFUSED_CHARACTERS.search(value):
        raise ValidationError(_("This contains invisible control characters. Please remove them."),
                              code="control_characters")
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")


def _printable(value: str, limit: int = 80) -> str:
    """A user-supplied value, safe and short enough to repeat inside an error message."""
    clean = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    return clean[:limit] + ("…" if len(clean) > limit else "")


class CheckedCharField(forms.CharField):
    """A CharField that refuses broken encodings and control characters."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return check_text(value) if value else value


class LongTextField(CheckedCharField):
    """Long free text: the length is checked on the server, where the person is told so.

    Without `maxlength` a browser does not silently cut a long paste; the person sees how
    long the text was and keeps it to shorten.
    """

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class CheckedEmailField(forms.EmailField):
    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return check_text(value) if value else value


class CodeChoiceField(forms.ChoiceField):
    """An optional choice of stable codes; a wrong code is answered with the allowed ones."""

    def validate(self, value: Any) -> None:
        if value and not self.valid_value(value):
            allowed = ", ".join(str(code) for code, _label in self.choices if code)
            raise ValidationError(
                _("“%(value)s” is not a known value. Allowed values: %(allowed)s."),
                code="invalid_choice", params={"value": _printable(str(value), 40), "allowed": allowed})
        super().validate(value)


class LinksField(forms.Field):
    """Links as a list (API) or one per line (web form)."""

    default_error_messages = {
        "too_many": _("Give at most %(max)s links (you gave %(count)s)."),
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
                raise ValidationError(self.error_messages["type"], code="invalid_type")
            items = [v.strip() for v in value if v.strip()]
        else:
            raise ValidationError(self.error_messages["type"], code="invalid_type")
        unique = list(dict.fromkeys(items))
        if len(unique) > MAX_LINKS:
            raise ValidationError(self.error_messages["too_many"], code="too_many_links",
                                  params={"max": MAX_LINKS, "count": len(unique)})
        return [self._one(url) for url in unique]

    def _one(self, url: str) -> str:
        if len(url) > MAX_URL:
            raise ValidationError(self.error_messages["too_long"], code="link_too_long", params={"max": MAX_URL})
        url = check_text(url)
        try:
            self.validator(url)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid_link",
                                  params={"url": _printable(url)}) from None
        return url


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to five screenshots, each validated and re-encoded on arrival."""

    widget = MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,image/bmp"})

    def clean(self, data: Any, initial: Any = None) -> list[ProcessedImage]:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_IMAGES:
            raise ValidationError(_("Attach at most %(max)s images (you attached %(count)s)."),
                                  code="too_many_images", params={"max": MAX_IMAGES, "count": len(files)})
        processed: list[ProcessedImage] = []
        problems: list[ValidationError] = []
        for upload in files:
            try:
                processed.append(self._one(upload))
            except ImageRejected as exc:
                problems.append(ValidationError(str(exc), code=exc.code))
        if problems:
            raise ValidationError(problems)
        return processed

    @staticmethod
    def _one(upload: Any) -> ProcessedImage:
        name = display_name(getattr(upload, "name", "") or "")
        if not hasattr(upload, "read"):
            raise ImageRejected(_("Attach images as files."), "invalid_type")
        if (getattr(upload, "size", 0) or 0) > MAX_IMAGE_BYTES:  # refused before reading it
            raise ImageRejected(_("%(name)s is larger than 5 MB.") % {"name": name or _("the file")}, "too_large")
        return process_upload(upload.read(MAX_IMAGE_BYTES + 1), name)


class TelInput(forms.TextInput):
    input_type = "tel"


class ReportForm(forms.Form):
    """Everything a report may carry; at least one of text, link or screenshot is needed."""

    text = LongTextField(
        label=_("What did you see?"), required=False, max_length=MAX_TEXT,
        help_text=_("Paste or describe the content. At most 10,000 characters."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": _("The text is too long: at most %(limit_value)d characters "
                                         "(you sent %(show_value)d).")},
    )
    urls = LinksField(
        label=_("Links (one per line)"), required=False,
        help_text=_("Web addresses starting with http:// or https://, at most 10."),
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url", "autocapitalize": "off", "spellcheck": "false"}),
    )
    images = ImagesField(
        label=_("Screenshots"), required=False,
        help_text=_("Up to 5 images (JPEG, PNG, WebP or GIF), at most 5 MB each. "
                    "Location data and other hidden details are removed before they are stored."),
    )
    platform = CodeChoiceField(label=_("Where did you see it?"), required=False,
                               choices=[("", "—")] + list(Platform.choices))
    topic = CodeChoiceField(label=_("Topic (if you know)"), required=False,
                            choices=[("", "—")] + list(Topic.choices))
    province = CheckedCharField(
        label=_("Province or city (optional)"), required=False, max_length=64,
        help_text=_("For example: Hà Nội, Đà Nẵng, or a former province name such as Hà Giang."),
        widget=forms.TextInput(attrs={"list": "province-names", "autocomplete": "off"}),
    )
    contact_name = CheckedCharField(label=_("Your name"), required=False, max_length=120,
                                    widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_email = CheckedEmailField(label=_("E-mail"), required=False, max_length=254,
                                      widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    contact_phone = CheckedCharField(
        label=_("Phone"), required=False, max_length=20,
        help_text=_("A Vietnamese number, for example 0912 345 678."),
        widget=TelInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    consent = forms.BooleanField(label=_("I agree to be contacted about this report."), required=False)
    language = forms.CharField(required=False, max_length=35)  # the pattern keeps stored codes within 8

    def clean_province(self) -> str:
        raw = (self.cleaned_data.get("province") or "").strip()
        if not raw:
            return ""
        code = resolve_province(raw)
        if code is None:
            raise ValidationError(_("“%(value)s” is not a known province or city."),
                                  code="unknown_province", params={"value": _printable(raw, 64)})
        return code

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

    def clean_language(self) -> str:
        value = (self.cleaned_data.get("language") or "").strip()
        if value and not _LANGUAGE.match(value):
            raise ValidationError(_("Give the language as a short code such as “vi” or “en”."),
                                  code="invalid_language")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        content_fields = ("text", "urls", "images")
        content_ok = not any(name in self.errors for name in content_fields)
        if content_ok and not any(data.get(name) for name in content_fields):
            raise ValidationError(_("The report is empty: write what you saw, add a link or attach a screenshot."),
                                  code="empty_report")
        has_contact = any(data.get(f) for f in ("contact_name", "contact_email", "contact_phone"))
        if has_contact and not data.get("consent"):
            self.add_error("consent", ValidationError(
                _("Tick the box to agree to be contacted, or leave your contact details empty."),
                code="consent_required"))
        contact_ok = "contact_email" not in self.errors and "contact_phone" not in self.errors
        if data.get("consent") and contact_ok and not (data.get("contact_email") or data.get("contact_phone")):
            self.add_error("consent", ValidationError(
                _("To be contacted, give an e-mail address or a phone number."), code="contact_missing"))
        return data


class _SharedFields(dict):
    """Form fields that a form instance shares instead of deep-copying (see ApiReportForm)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


class ApiReportForm(ReportForm):
    """ReportForm for the JSON API: the same fields, rules and messages, never rendered.

    A Django form deep-copies all its fields, widgets and messages on creation so that a
    rendered page may change them; the API only cleans data, which reads the fields and
    changes none, so it shares the class's fields (a tenth of the CPU of an API report).
    """



# After the class statement: Django's form metaclass sets base_fields itself.
ApiReportForm.base_fields = _SharedFields(ApiReportForm.base_fields)


class EmptyTextInput(forms.TextInput):
    """Never renders a submitted value: a re-shown form starts with the honeypot empty again."""

    def format_value(self, value: Any) -> None:
        return None


class WebReportForm(ReportForm):
    """The public form adds a honeypot: a field people never see and simple bots fill."""

    language = None  # the page's own language is used
    homepage = forms.CharField(required=False, label=_("Leave this field empty"),
                               widget=EmptyTextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.cleaned_data.get("homepage"):
            # Shown, not silent: a person whose browser filled the hidden field can send again
            # (the field is rendered empty), a bot's report is simply not stored.
            raise ValidationError(_("This form looks automatically filled in. Please check it and send it again."),
                                  code="honeypot")
        return data


def province_names() -> list[str]:
    """Current province names, offered as suggestions in the form (works without JavaScript)."""
    return sorted((name for name, _city, _former in PROVINCES.values()), key=str.casefold)


def dropped_files_message(count: int) -> str:
    """Browsers cannot re-fill a file input: say so when a form comes back with errors."""
    return ngettext(
        "You attached %(count)d file. Files are not kept when the form has a problem: please attach it again.",
        "You attached %(count)d files. Files are not kept when the form has a problem: please attach them again.",
        count,
    ) % {"count": count}
