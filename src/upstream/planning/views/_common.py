"""The helpers the plan item views share: back to the plan, ask before removing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from upstream.planning.models import Plan
from upstream.planning.views.plans import _errors, plan_context

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership


def _back(membership: Membership, plan: Plan) -> HttpResponse:
    return redirect("planning:detail", org=membership.organization.uuid, plan=plan.uuid)


def _remove_and_back(
    request: HttpRequest,
    membership: Membership,
    plan: Plan,
    remove: Callable[[], str],
    *,
    what: str,
    consequence: str = "",
    back: str = "",
) -> HttpResponse:
    """Ask first (a page of its own, so it works without JavaScript); once confirmed, run the
    removal and say what it did (or why it was refused) on the plan page."""
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(
            request,
            "planning/remove_confirm.html",
            plan_context(membership, plan, what=what, consequence=consequence, back=back),
        )
    try:
        message = remove()
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, message)
    return _back(membership, plan)
