"""Deny by default: every view states who may open it.

A view is reachable only if it is marked. ``public`` marks pages anyone may read (the framework
knowledge base is public information). Every other mark is a rule that the marking decorator
enforces itself: ``upstream.accounts.decorators.signed_in`` (any signed-in person, for pages about
their own account) and ``upstream.accounts.decorators.require("org.view")`` (a member of the
organization in the URL whose role the policy allows). ``AccessMiddleware`` refuses any view that
carries no mark, so a new route that forgets its rule is closed rather than open; tests walk the
URLconf to prove every route is marked and that each rule refuses the people it should.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

ACCESS_ATTR = "upstream_access"
PUBLIC = "public"
SIGNED_IN = "signed-in"
OPERATOR = "operator"  # instance operators: Django staff and superusers
RULE_PREFIX = "rule:"

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def public(view: ViewT) -> ViewT:
    """Mark a view as readable by anyone, signed in or not."""
    setattr(view, ACCESS_ATTR, PUBLIC)
    return view


def mark(view: ViewT, rule: str) -> ViewT:
    """Record a view's access rule (used by the decorators that enforce it)."""
    setattr(view, ACCESS_ATTR, rule)
    return view


def access_rule(view: Callable[..., Any]) -> str | None:
    """The access mark of a view function or class-based view, or None."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        if candidate is not None and hasattr(candidate, ACCESS_ATTR):
            return str(getattr(candidate, ACCESS_ATTR))
    return None


# Views provided by Django or libraries that are safe to expose as they are.
# API routes are guarded by django-ninja's own ``auth`` on each router (see upstream/api.py).
_LIBRARY_PREFIXES = ("django.views.static", "django.contrib.staticfiles", "ninja.")


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if access_rule(view_func) is not None:
            return None
        target = view_func.func if isinstance(view_func, functools.partial) else view_func
        module = getattr(target, "__module__", "") or ""
        if module.startswith(_LIBRARY_PREFIXES):
            return None
        return HttpResponseForbidden("This page has no access rule and is closed.")
