"""What the people pages share: the administrator's stated reason for reading, kept in the
session for a short while per organization, and the page context."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from upstream.people.forms import ReasonForm

if TYPE_CHECKING:
    from upstream.accounts.models import Membership

REASON_SESSION_KEY = "upstream_people_reason"
REASON_SECONDS = 30 * 60


def stated_reason(request: HttpRequest, membership: Membership) -> str:
    kept = request.session.get(REASON_SESSION_KEY, {}).get(str(membership.organization.uuid))
    if not kept or kept[1] < time.time():
        return ""
    return str(kept[0])


def remember_reason(request: HttpRequest, membership: Membership, reason: str) -> None:
    kept = dict(request.session.get(REASON_SESSION_KEY, {}))
    kept[str(membership.organization.uuid)] = [reason, int(time.time()) + REASON_SECONDS]
    request.session[REASON_SESSION_KEY] = kept


def ask_reason(request: HttpRequest, membership: Membership, form: Any = None) -> HttpResponse:
    return render(
        request,
        "people/reason.html",
        {
            "org": membership.organization,
            "membership": membership,
            "form": form or ReasonForm(),
            "next": request.get_full_path(),
        },
        status=403 if form is not None and form.errors else 200,
    )


def context(membership: Membership, **extra: Any) -> dict[str, Any]:
    return {"membership": membership, "org": membership.organization, **extra}
