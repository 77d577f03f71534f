"""Forms of the staff screens: two-factor codes, accounts, API keys, topics, audit filters.

Passwords go through Django's validators (length ≥ 12, common passwords, similarity to the
account's own names), the same as everywhere else in the project.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import UsernameField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, TopicSetting
from .reference import PROVINCE_CHOICES
from .roles import ADMIN, EDITOR, OPERATOR, ROLES, VERIFIER
from .topics import MAX_RISK_WEIGHT, MAX_SLA_HOURS, MIN_RISK_WEIGHT, MIN_SLA_HOURS

ROLE_LABELS = {
    OPERATOR: _("Operator — enters reports that arrive by phone or e-mail"),
    VERIFIER: _("Verifier — works claims, proposes verdicts"),
    EDITOR: _("Editor — reviews and publishes verdicts, may reveal contact details"),
    ADMIN: _("Admin — manages accounts, API keys and topic settings"),
}
ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in ROLES]

PASSWORD_LINK = "link"
PASSWORD_TYPED = "password"


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"), min_length=6, max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*", "autofocus": True}),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or not 6 <= len(token) <= 8:
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))
        return token


class RolesAndScopeFields(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=ROLE_CHOICES, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    provinces = forms.MultipleChoiceField(
        label=_("Province scope"), choices=PROVINCE_CHOICES, required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Leave empty for the whole country; otherwise the person sees only these provinces' claims."),
    )


class AccountCreateForm(RolesAndScopeFields):
    username = UsernameField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Work e-mail"), required=False)
    password_mode = forms.ChoiceField(
        label=_("Initial password"), initial=PASSWORD_LINK, widget=forms.RadioSelect,
        choices=[(PASSWORD_LINK, _("Give the person a one-time link to choose their own password (recommended)")),
                 (PASSWORD_TYPED, _("Type an initial password now"))],
    )
    password1 = forms.CharField(label=_("Password"), required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    field_order = ["username", "first_name", "last_name", "email", "roles", "provinces",
                   "password_mode", "password1", "password2"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if get_user_model()._default_manager.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("An account with this user name already exists."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password_mode") != PASSWORD_TYPED:
            data["password1"] = data["password2"] = ""
            return data
        password1, password2 = data.get("password1") or "", data.get("password2") or ""
        if not password1:
            self.add_error("password1", _("Type a password, or choose the one-time link."))
        elif password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        else:
            candidate = get_user_model()(username=data.get("username", ""), email=data.get("email", ""),
                                         first_name=data.get("first_name", ""), last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AccountEditForm(RolesAndScopeFields):
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Work e-mail"), required=False)

    field_order = ["first_name", "last_name", "email", "roles", "provinces"]


class ApiKeyIssueForm(forms.Form):
    name = forms.CharField(label=_("Partner name"), max_length=120)
    rate = forms.CharField(label=_("Rate limit"), max_length=20, initial="600/m",
                           help_text=_("Requests per period, e.g. 600/m, 10/s or 5000/d."))


class TopicSettingForm(forms.ModelForm):
    risk_weight = forms.FloatField(label=_("Risk weight"), validators=[
        MinValueValidator(MIN_RISK_WEIGHT), MaxValueValidator(MAX_RISK_WEIGHT)],
        help_text=_("1.0 is neutral; higher lifts the topic's claims in the queue."))
    sla_hours = forms.IntegerField(label=_("Target hours to a verdict (SLA)"), validators=[
        MinValueValidator(MIN_SLA_HOURS), MaxValueValidator(MAX_SLA_HOURS)])

    class Meta:
        model = TopicSetting
        fields = ["display_name_vi", "display_name_en", "risk_weight", "sla_hours"]
        labels = {"display_name_vi": _("Name in Vietnamese"), "display_name_en": _("Name in English")}


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False,
                                help_text=_("For example a claim number."))
    person = forms.CharField(label=_("Person (user name)"), max_length=150, required=False)
    about_person = forms.BooleanField(label=_("Also actions on this person's account"), required=False)
    action = forms.CharField(label=_("Action starts with"), max_length=64, required=False,
                             help_text=_("For example auth., contact. or claim."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = (AuditEntry.objects.exclude(object_type="").order_by("object_type")
                 .values_list("object_type", flat=True).distinct())
        self.fields["object_type"].choices = [("", _("Any"))] + [(t, t) for t in types]


class RevealForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Why do you need the contact details?"), choices=[
        ("follow_up", _("Contact the reporter about their report")),
        ("verification", _("Verify what the reporter saw")),
        ("legal_request", _("A lawful request from an authority")),
        ("other", _("Other reason agreed with the head of the desk")),
    ])
