"""Audit events for sign-in, failed sign-in, sign-out and lockout."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from upstream.accounts import services
from upstream.accounts.lockout import username_from_credentials
from upstream.accounts.models import User


def _audit_for_user(
    action: str,
    *,
    user: User | None,
    label: str,
    request: HttpRequest | None,
    actor: User | None = None,
) -> None:
    services.auth_event_record(action=action, user=user, actor=actor, label=label, request=request)


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    _audit_for_user("auth.sign_in", user=user, label=user.email, request=request, actor=user)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        _audit_for_user("auth.sign_out", user=user, label=user.email, request=request, actor=user)


def _known_or_redacted(typed: str | None, user: User | None) -> str:
    """What was typed as the email, only when it names an account: the append-only log must not
    keep strings people mistype there, such as a password."""
    if user is not None:
        return user.email
    return "(unknown account)" if typed else ""


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:
        return
    email = username_from_credentials(request, credentials)
    user = User.objects.filter(email=email).first() if email else None
    _audit_for_user(
        "auth.sign_in_failed", user=user, label=_known_or_redacted(email, user), request=request
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    email = (username or "").lower()
    user = User.objects.filter(email=email).first() if email else None
    _audit_for_user(
        "auth.locked_out", user=user, label=_known_or_redacted(email, user), request=request
    )
