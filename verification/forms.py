"""Forms of the claim desk: what each staff form accepts, validated before any service runs.

Forms that change a claim carry the claim's `version` as it was when the page was built; the
services compare it (verification.locks) so a stale form cannot overwrite newer work.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reference import PROVINCE_CHOICES, Channel, Platform, Topic

from .actions import VerdictText
from .models import ClaimState, DismissReason, EvidenceItem, Referral, TakedownRequest, Verdict, VerdictReply
from .workflow import OPEN_STATES

# The verdict form's outcomes: the three public labels (Vietnamese names first, as published),
# then the internal outcomes that close a claim without a public verdict.
OUTCOME_CHOICES = [
    (Verdict.Label.FABRICATED, _("Tin giả — fabricated")),
    (Verdict.Label.DISTORTED, _("Tin sai sự thật — distorted or partly false")),
    (Verdict.Label.TRUE, _("Tin xác thực — verified true")),
    (DismissReason.NOT_ENOUGH_BASIS, _("Not enough basis (internal: closes the claim)")),
    (DismissReason.OUT_OF_SCOPE, _("Out of scope (internal: closes the claim)")),
]
LABEL_CHOICES = OUTCOME_CHOICES[:3]
TRIAGE_DISMISS_CHOICES = [(DismissReason.SPAM, _("Spam")), (DismissReason.OUT_OF_SCOPE, _("Out of scope"))]
MAX_SOURCES = 30


def _blank(choices: list) -> list:
    return [("", "—")] + list(choices)


class VersionField(forms.IntegerField):
    def __init__(self, **kwargs: Any):
        super().__init__(min_value=1, widget=forms.HiddenInput, **kwargs)


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), required=False,
                              choices=_blank([(s, ClaimState(s).label) for s in ClaimState.values if s in OPEN_STATES]))
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=_blank(Topic.choices))
    platform = forms.ChoiceField(label=_("Platform"), required=False, choices=_blank(Platform.choices))
    province = forms.ChoiceField(label=_("Province"), required=False, choices=_blank(PROVINCE_CHOICES))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_blank(Channel.choices))
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    q = forms.CharField(label=_("Search (with or without accents, or a tracking code)"), required=False,
                        max_length=200)
    overdue = forms.BooleanField(label=_("Only overdue (SLA or referral)"), required=False)

    def __init__(self, *args: Any, staff: list[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Anyone")), ("me", _("Me")), ("none", _("Unassigned"))] + [
            (str(pk), name) for pk, name in staff]


class BulkDismissForm(forms.Form):
    claims = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={
        "required": _("Tick the claims to dismiss.")})
    reason = forms.ChoiceField(label=_("Reason"), choices=TRIAGE_DISMISS_CHOICES)

    def __init__(self, *args: Any, claim_ids: list[int] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["claims"].choices = [(pk, str(pk)) for pk in claim_ids]


class ClaimEditForm(forms.Form):
    representative_text = forms.CharField(label=_("Claim text (internal)"), widget=forms.Textarea(attrs={"rows": 4}),
                                          max_length=10_000)
    topic = forms.ChoiceField(label=_("Topic"), choices=_blank(Topic.choices), required=False)
    version = VersionField()


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args: Any, staff: list[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody"))] + [(str(pk), name) for pk, name in staff]


class StateForm(forms.Form):
    """Triage, start verification, dismiss at triage, reopen."""

    to = forms.ChoiceField(choices=ClaimState.choices)
    reason = forms.ChoiceField(required=False, choices=_blank(DismissReason.choices))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    version = VersionField()


def parse_sources(raw: str) -> list[dict[str, str]]:
    """One source per line: "title | https://…", a bare link, or a title alone (a document)."""
    sources = []
    validate = URLValidator(schemes=["http", "https"])
    for line in (raw or "").splitlines():
        line = line.strip()
        if not line:
            continue
        title, _sep, url = line.rpartition("|") if "|" in line else ("", "", line)
        title, url = title.strip(), url.strip()
        if not url.lower().startswith(("http://", "https://")):
            title, url = (f"{title} | {url}" if title else url), ""
        if url:
            try:
                validate(url)
            except ValidationError:
                raise ValidationError(_("This is not a valid link: %(url)s") % {"url": url[:200]}) from None
        sources.append({"title": title[:300] or url[:300], "url": url[:2000]})
    if len(sources) > MAX_SOURCES:
        raise ValidationError(_("At most %(n)s sources.") % {"n": MAX_SOURCES})
    return sources


def sources_text(sources: list[dict[str, str]]) -> str:
    return "\n".join(f"{s.get('title', '')} | {s['url']}" if s.get("url") else s.get("title", "")
                     for s in sources or [])


class VerdictTextFields(forms.Form):
    title = forms.CharField(label=_("Public title"), max_length=300, required=False)
    claim_reviewed = forms.CharField(label=_("The claim as reviewed (public)"), required=False, max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    explanation = forms.CharField(label=_("Explanation (public; for an internal outcome: for the reviewer)"),
                                  required=False, max_length=50_000, widget=forms.Textarea(attrs={"rows": 8}))
    sources = forms.CharField(label=_("Sources, one per line: title | link"), required=False, max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    version = VersionField()

    def clean_sources(self) -> list[dict[str, str]]:
        return parse_sources(self.cleaned_data.get("sources", ""))

    def verdict_text(self) -> VerdictText:
        data = self.cleaned_data
        return VerdictText(title=data.get("title", ""), claim_reviewed=data.get("claim_reviewed", ""),
                           explanation=data.get("explanation", ""), sources=data.get("sources", []))


class VerdictForm(VerdictTextFields):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect)
    field_order = ["outcome", "title", "claim_reviewed", "explanation", "sources"]


class CorrectionForm(VerdictTextFields):
    label = forms.ChoiceField(label=_("Label"), choices=LABEL_CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Public correction note: what changed and why"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["label", "title", "claim_reviewed", "explanation", "sources", "note"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("send_back", _("Send back"))])
    note = forms.CharField(label=_("Note to the verifier (needed to send back)"), required=False,
                           max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=_("Public notice: why the verdict is withdrawn"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()


class PublicTitleForm(forms.Form):
    """The neutral title that lists a claim under verification on the home page (staff write it)."""

    title = forms.CharField(label=_("Neutral public title (no names, links or numbers; shown on the home page "
                                    "once another editor approves it)"), max_length=160)


class PublicTitleApprovalForm(forms.Form):
    """The proposal as the approver read it: approving a wording changed since is refused."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("withdraw", _("Withdraw"))])
    expected = forms.CharField(required=False, max_length=160, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in EvidenceItem.Kind.choices
                                                        if c[0] in ("link", "document", "file")])
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False, max_length=2000, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("url") and not data.get("file"):
            raise ValidationError(_("Give a link or attach a file."))
        return data


class ReferralForm(forms.Form):
    agency = forms.CharField(label=_("Agency"), max_length=200)
    agency_kind = forms.ChoiceField(label=_("Kind of agency"), choices=Referral.AgencyKind.choices)
    request = forms.CharField(label=_("What is asked"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Answer deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("The deadline is in the past."))
        return deadline


class ReferralAnswerForm(forms.Form):
    summary = forms.CharField(label=_("Summary of the answer"), max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.URLField(label=_("Link to the answer"), required=False, max_length=2000, assume_scheme="https")
    file = forms.FileField(label=_("The answer as a file"), required=False)


class TakedownForm(forms.Form):
    url = forms.ChoiceField(label=_("Reported link"))
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, links: list[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["url"].choices = [(link, link) for link in links]


class TakedownUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        c for c in TakedownRequest.Status.choices if c[0] != TakedownRequest.Status.SENT])
    at = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=5000)
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=2000, assume_scheme="https")
    file = forms.FileField(label=_("Evidence file"), required=False)


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Other claim number"), min_value=1)
    direction = forms.ChoiceField(choices=[("into_this", _("Move the other claim's reports into this one")),
                                           ("into_other", _("Move this claim's reports into the other one"))])
    version = VersionField()


class SplitForm(forms.Form):
    reports = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={
        "required": _("Tick the reports to split off.")})
    version = VersionField()

    def __init__(self, *args: Any, report_ids: list[int] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = [(pk, str(pk)) for pk in report_ids]


class RevealReplyForm(forms.Form):
    purpose = forms.CharField(label=_("Why you need the contact details"), max_length=300)


class ReplyHandleForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[c for c in VerdictReply.Status.choices if c[0] != "new"])
    note = forms.CharField(label=_("Internal note on how it was handled"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PublicReplyForm(forms.ModelForm):
    """The public reply/appeal form. `website` is a honeypot: people leave it empty."""

    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    class Meta:
        model = VerdictReply
        fields = ["relation", "name", "organisation", "email", "phone", "text"]
        labels = {
            "relation": _("Who you are"), "name": _("Your name"), "organisation": _("Outlet or organisation"),
            "email": _("E-mail for our answer"), "phone": _("Phone (optional)"), "text": _("Your reply or appeal"),
        }
        widgets = {"relation": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 8})}

    def clean_phone(self) -> str:
        raw = (self.cleaned_data.get("phone") or "").strip()
        digits = "".join(ch for ch in raw if ch.isdigit())
        if raw and not 8 <= len(digits) <= 15:
            raise ValidationError(_("Enter a phone number, for example 0912 345 678."))
        return ("+" if raw.startswith("+") else "") + digits if raw else ""

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) < 20:
            raise ValidationError(_("Please explain in a few sentences what is wrong in the verdict."))
        return text[:20_000]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email") and not data.get("phone"):
            raise ValidationError(_("Give an e-mail address or a phone number so we can answer."))
        return data
