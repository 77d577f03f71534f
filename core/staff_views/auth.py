"""Sign-in, sign-out, two-factor enrolment and verification, and passwords.

Passwords are checked by Django's LoginView behind django-axes (lockout per account and
address); the second factor is a TOTP device from django-otp. Enrolment shows the secret
as text, as an otpauth:// URI and as a QR code drawn on the server (no JavaScript).
"""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit
from ..staff_access import two_factor_required
from ..staff_forms import OtpTokenForm

DEVICE_NAME = "authenticator"


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The `next` target if it stays on this site, else the staff home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default or reverse("staff:home")


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("staff:home")

    def form_valid(self, form):  # noqa: ANN001, ANN201 - Django's signature
        response = super().form_valid(form)
        user = form.get_user()
        if two_factor_required(user):
            has_device = django_otp.user_has_device(user, confirmed=True)
            target = "staff:otp_verify" if has_device else "staff:otp_setup"
            return HttpResponseRedirect(f"{reverse(target)}?{_next_query(response.url)}")
        return response


def _next_query(target: str) -> str:
    return urlencode({"next": target})


class StaffLogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link or an image cannot sign a person out."""

    next_page = reverse_lazy("staff:login")


def _pending_device(user) -> TOTPDevice:  # noqa: ANN001
    """The person's unconfirmed authenticator; the same secret is shown until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(data: str) -> str:
    """An inline SVG QR code of `data`, drawn here (the secret never leaves the server)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]  # drop the XML declaration: the SVG sits inside HTML


def grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _code_accepted(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Check a code against one device (django-otp throttles repeated failures); audit failures."""
    if django_otp.verify_token(request.user, device.persistent_id, token) is not None:
        return True
    audit.record("auth.otp_failed", actor=request.user, obj=request.user,
                 detail={"stage": "verify" if device.confirmed else "setup"})
    return False


def _throttle_message(device: TOTPDevice) -> str | None:
    """A wait message while django-otp refuses codes after wrong ones (1, 2, 4, 8 ... s)."""
    device.refresh_from_db()
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (info or {}).get("locked_until")
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 1
    return _("Too many wrong codes. Wait %(seconds)s seconds and try again.") % {"seconds": seconds}


@sensitive_post_parameters("token")
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan or type the secret, then prove it with a code."""
    if django_otp.user_has_device(request.user, confirmed=True):
        return HttpResponseRedirect(f"{reverse('staff:otp_verify')}?{_next_query(safe_next(request))}")
    device = _pending_device(request.user)
    form = OtpTokenForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        error = _throttle_message(device)
        if error is None:
            if _code_accepted(request, device, form.cleaned_data["token"]):
                TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
                device.refresh_from_db()
                django_otp.login(request, device)
                audit.record("auth.otp_enrolled", actor=request.user, obj=request.user)
                messages.success(request, _("Two-factor sign-in is set up."))
                return redirect(safe_next(request))
            error = _("That code is not right. Check the clock of your phone and try the next code.")
    return render(request, "staff/otp_setup.html", {
        "form": form, "error": error, "next": safe_next(request), "secret": grouped_secret(device),
        "otpauth_uri": device.config_url, "qr_svg": qr_svg(device.config_url),
        "required": two_factor_required(request.user),
    })


@sensitive_post_parameters("token")
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for a person with an enrolled authenticator."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk").first()
    if device is None:
        return HttpResponseRedirect(f"{reverse('staff:otp_setup')}?{_next_query(safe_next(request))}")
    form = OtpTokenForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        error = _throttle_message(device)
        if error is None:
            if _code_accepted(request, device, form.cleaned_data["token"]):
                django_otp.login(request, device)
                audit.record("auth.otp_verified", actor=request.user, obj=request.user)
                return redirect(safe_next(request))
            error = _("That code is not right. Try the code your app shows now.")
    return render(request, "staff/otp_verify.html", {"form": form, "error": error, "next": safe_next(request)})


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choose a password from a one-time link an admin created (new account or reset)."""

    template_name = "staff/password_set.html"
    success_url = reverse_lazy("staff:password_set_done")
    post_reset_login = False

    def form_valid(self, form):  # noqa: ANN001, ANN201
        response = super().form_valid(form)
        audit.record("staff.password_chosen", obj=self.user, actor_label=self.user.get_username())
        return response


def password_set_done(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/password_set_done.html")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any staff member changes their own password (the old one is asked for)."""

    template_name = "staff/password_change.html"
    success_url = reverse_lazy("staff:home")

    def form_valid(self, form):  # noqa: ANN001, ANN201
        response = super().form_valid(form)
        audit.record("auth.password_changed", actor=self.request.user, obj=self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response

