"""Sign-in lockout (django-axes): per account and per address, visible to administrators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def normalise_email(value: Any) -> str:
    return str(value or "").strip().lower()[:254]


def username_from_credentials(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account name axes counts failures under: the lower-cased email."""
    if credentials:
        return normalise_email(credentials.get("username") or credentials.get("email"))
    return normalise_email(request.POST.get("email") if request.method == "POST" else "")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the one the (single, trusted) reverse proxy appended to
    X-Forwarded-For when UPSTREAM_BEHIND_PROXY is set, else the socket's peer."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return str(hops[-1])
    addr = request.META.get("REMOTE_ADDR")
    return str(addr) if addr else None


def cooloff() -> timedelta:
    return timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def locked_out_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": int(cooloff().total_seconds() // 60)},
        status=429,
    )


def locked_emails(emails: Iterable[str]) -> set[str]:
    """Which of these accounts are locked out now."""
    since = timezone.now() - cooloff()
    return set(
        AccessAttempt.objects.filter(
            username__in=list(emails),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def clear_lockout(email: str) -> int:
    return int(reset(username=email))
