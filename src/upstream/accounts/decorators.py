"""Access rules for views. Each decorator both marks the view (for AccessMiddleware and the URL
walking tests) and enforces its rule.

``@signed_in``: any signed-in person (pages about their own account).
``@require("member.view")``: the URL's ``org`` is an organization the user is an active member of
(else 404), and the policy lets their role do the action (else 403). The view receives the
membership as ``membership`` instead of ``org``.
Both send people who must use two-factor sign-in to enroll or verify first, and ``sudo=True``
asks for the password again if the last confirmation is older than ``SUDO_SECONDS``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from upstream.accounts import policy
from upstream.accounts.selectors import membership_for
from upstream.accounts.two_factor import sudo_active, two_factor_state
from upstream.core.access import OPERATOR, RULE_PREFIX, SIGNED_IN, mark
from upstream.core.models import is_operator

View = Callable[..., HttpResponse]
CURRENT_ORG_SESSION_KEY = "upstream_org"


def _gate(request: HttpRequest, *, two_factor: bool, sudo: bool) -> HttpResponse | None:
    user: Any = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if two_factor:
        state = two_factor_state(request)
        if state == "enroll":
            return redirect(reverse("accounts:two_factor_setup"))
        if state == "verify":
            return redirect(
                reverse("accounts:two_factor_verify")
                + "?"
                + urlencode({"next": request.get_full_path()})
            )
    if sudo and not sudo_active(request):
        back = request.path
        if request.method != "GET":
            # a form's POST-only address would answer 405 after confirming: go back to the page
            # the form was on (same site only), where the person can submit it again
            referer = urlsplit(request.headers.get("Referer", ""))
            if referer.netloc == request.get_host() and referer.path.startswith("/"):
                back = referer.path
        return redirect(reverse("accounts:confirm_identity") + "?" + urlencode({"next": back}))
    return None


def signed_in(view: View | None = None, *, two_factor: bool = True) -> Any:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refusal = _gate(request, two_factor=two_factor, sudo=False)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return mark(wrapper, SIGNED_IN)

    return decorate(view) if view is not None else decorate


def require(action: str, *, sudo: bool | None = None) -> Callable[[View], View]:
    if action not in policy.PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    needs_sudo = action in policy.SUDO_ACTIONS if sudo is None else sudo

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, org: Any, **kwargs: Any) -> HttpResponse:
            refusal = _gate(request, two_factor=True, sudo=False)
            if refusal is not None:
                return refusal
            membership = membership_for(user=request.user, org_uuid=org)  # 404 if not a member
            if not policy.may(membership, action):
                raise PermissionDenied(action)
            if needs_sudo:
                refusal = _gate(request, two_factor=False, sudo=True)
                if refusal is not None:
                    return refusal
            if request.session.get(CURRENT_ORG_SESSION_KEY) != str(org):
                request.session[CURRENT_ORG_SESSION_KEY] = str(org)
            return view(request, *args, membership=membership, **kwargs)

        wrapper.required_action = action  # type: ignore[attr-defined]
        return mark(wrapper, RULE_PREFIX + action)

    return decorate


def operator_only(view: View) -> View:
    """Instance operators only (``upstream operator grant``); anyone else signed in gets 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = _gate(request, two_factor=True, sudo=False)
        if refusal is not None:
            return refusal
        if not is_operator(request.user):
            raise PermissionDenied("operators only")
        return view(request, *args, **kwargs)

    return mark(wrapper, OPERATOR)
