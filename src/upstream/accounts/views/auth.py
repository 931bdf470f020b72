"""Signing in and out, invitations, password reset, two-factor sign-in and sudo mode."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts import demo, forms, policy, selectors, services
from upstream.accounts.decorators import CURRENT_ORG_SESSION_KEY, signed_in
from upstream.accounts.lockout import locked_out_response
from upstream.accounts.models import User
from upstream.accounts.two_factor import (
    has_totp,
    two_factor_required,
    verify_code,
)
from upstream.core.access import public

ENROLL_SESSION_KEY = "upstream_totp_enroll"
RECOVERY_SESSION_KEY = "upstream_new_recovery_codes"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _home() -> str:
    return reverse("accounts:home")


def _landing(user: Any) -> str:
    """Where a person goes after signing in: their plans ("continue where you left off") if
    their role has plans; else their organization, or the list if several."""
    memberships = list(selectors.memberships_for(user=user))
    if any(policy.may(m, "plan.view") for m in memberships):
        return reverse("planning:mine")
    if len(memberships) == 1:
        return reverse("accounts:dashboard", args=[memberships[0].organization.uuid])
    return _home()


@public
def sign_in(request: HttpRequest) -> HttpResponse:
    """Email and password. The deliberately slow password hash runs outside any transaction, so it
    holds neither SQLite's write lock nor an open PostgreSQL transaction; only the sign-in itself
    is one short service transaction."""
    user: Any = request.user
    if user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request, _home()))
    form = forms.SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        account = authenticate(request, username=email, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return locked_out_response(request)
        if account is None:
            error = gettext(
                "That email and password do not match an account, or the account is closed."
            )
        else:
            services.session_sign_in(request=request, user=account)
            if two_factor_required(account):
                verify = reverse("accounts:two_factor_verify")
                if not has_totp(account):
                    return redirect("accounts:two_factor_setup")
                next_url = _safe_next(request, _landing(account))
                return redirect(f"{verify}?{urlencode({'next': next_url})}")
            return redirect(_safe_next(request, _landing(account)))
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "error": error,
            "next": request.GET.get("next", ""),
            "demo_accounts": demo.demo_accounts() if settings.DEMO_MODE else [],
        },
        status=400 if error else 200,
    )


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, gettext("You are signed out."))
    return redirect("accounts:sign_in")


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The organizations the person belongs to; straight to the dashboard if only one."""
    memberships = list(selectors.memberships_for(user=request.user))
    current = request.session.get(CURRENT_ORG_SESSION_KEY)
    for membership in memberships:
        if str(membership.organization.uuid) == current or len(memberships) == 1:
            return redirect("accounts:dashboard", org=membership.organization.uuid)
    return render(request, "accounts/home.html", {"memberships": memberships})


@signed_in
def organizations(request: HttpRequest) -> HttpResponse:
    """Switch organization: every organization the person belongs to."""
    memberships = list(selectors.memberships_for(user=request.user))
    return render(request, "accounts/home.html", {"memberships": memberships})


# Invitations ----------------------------------------------------------------------------------


@public
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_unusable.html", status=410)
    user: Any = request.user
    existing = selectors.user_by_email(email=invitation.email)
    if existing is not None:
        if not user.is_authenticated or user.pk != existing.pk:
            return render(
                request,
                "accounts/invitation_existing.html",
                {"invitation": invitation, "signed_in_as_other": user.is_authenticated},
            )
        if request.method == "POST":
            try:
                membership = services.invitation_accept_existing_user(
                    token=token, user=user, request=request
                )
            except ValidationError:  # used or expired since the page was shown (a double click)
                return render(request, "accounts/invitation_unusable.html", status=410)
            messages.success(request, f"You joined {membership.organization.name}.")
            return redirect("accounts:dashboard", org=membership.organization.uuid)
        return render(request, "accounts/invitation_join.html", {"invitation": invitation})
    form = forms.AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept_new_user(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                request=request,
                sign_in=True,
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            request.session[CURRENT_ORG_SESSION_KEY] = str(membership.organization.uuid)
            messages.success(request, f"Welcome to {membership.organization.name}.")
            if two_factor_required(membership.user):
                return redirect("accounts:two_factor_setup")
            return redirect("accounts:dashboard", org=membership.organization.uuid)
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


# Password reset -------------------------------------------------------------------------------


@public
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"], request=request)
        return render(request, "accounts/password_reset_sent.html")
    return render(request, "accounts/password_reset.html", {"form": form})


RESET_TOKEN_SESSION_KEY = "_password_reset_token"  # noqa: S105 - a session key, not a secret
RESET_URL_TOKEN = "set-password"  # noqa: S105 - stands in the URL where the token was


@public
def password_reset_confirm(request: HttpRequest, user: str, token: str) -> HttpResponse:
    """The emailed link, then the new-password form.

    The link's token moves into the session at once and the browser is sent on to a URL that
    says ``set-password`` in its place, so the token does not stay in the address bar, the
    history or a Referer header.
    """
    account = User.objects.filter(uuid=user, is_active=True).first()
    if token != RESET_URL_TOKEN:
        if account is None or not default_token_generator.check_token(account, token):
            return render(request, "accounts/password_reset_unusable.html", status=410)
        request.session[RESET_TOKEN_SESSION_KEY] = token
        return redirect("accounts:password_reset_confirm", user=user, token=RESET_URL_TOKEN)
    token = request.session.get(RESET_TOKEN_SESSION_KEY, "")
    if account is None or not default_token_generator.check_token(account, token):
        return render(request, "accounts/password_reset_unusable.html", status=410)
    form = forms.NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(
                user=account, password=form.cleaned_data["password1"], request=request
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            request.session.pop(RESET_TOKEN_SESSION_KEY, None)
            messages.success(request, gettext("Your password is changed. Sign in with it now."))
            return redirect("accounts:sign_in")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


# Two-factor sign-in ---------------------------------------------------------------------------


def _qr_svg(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#1b1b1b", light="#ffffff")
    label = escape(gettext("QR code for your authenticator app"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


@signed_in(two_factor=False)
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if has_totp(user):
        messages.info(request, gettext("Two-factor sign-in is already set up."))
        return redirect(_home())
    device = None
    device_id = request.session.get(ENROLL_SESSION_KEY)
    if device_id:
        device = TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        request.session[ENROLL_SESSION_KEY] = device.pk
    form = forms.EnrollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_enroll(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            request.session.pop(ENROLL_SESSION_KEY, None)
            request.session[RECOVERY_SESSION_KEY] = codes
            return redirect("accounts:recovery_codes")
        form.add_error("code", "That code is not right. Check the time on your phone and retry.")

    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@signed_in
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not codes:
        return redirect(_home())
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@signed_in(two_factor=False)
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified():
        return redirect(_safe_next(request, _home()))
    if not has_totp(user):
        return redirect("accounts:two_factor_setup")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.two_factor_check(user=user, code=form.cleaned_data["code"], request=request):
            return redirect(_safe_next(request, _home()))
        form.add_error("code", "That code is not right, or was already used.")
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": _safe_next(request, ""),
            "demo_code": settings.DEMO_MODE and demo.is_demo_account(user.email),
        },
        status=400 if form.errors else 200,
    )


@signed_in
def confirm_identity(request: HttpRequest) -> HttpResponse:
    """Sudo mode: confirm the password (and one-time code) before sensitive actions."""
    user: Any = request.user
    form = forms.ConfirmIdentityForm(request.POST or None)
    needs_code = has_totp(user)
    if request.method == "POST" and form.is_valid():
        ok = user.check_password(form.cleaned_data["password"])
        if not ok:
            form.add_error("password", "That password is not right.")
        elif needs_code and verify_code(user, form.cleaned_data["code"] or "")[0] is None:
            form.add_error("code", "That code is not right, or was already used.")
        else:
            services.identity_confirmed(user=user, request=request)
            return redirect(_safe_next(request, _home()))
    return render(
        request,
        "accounts/confirm_identity.html",
        {
            "form": form,
            "needs_code": needs_code,
            "next": _safe_next(request, ""),
            "demo_code": settings.DEMO_MODE and demo.is_demo_account(user.email),
        },
        status=400 if form.errors else 200,
    )
