"""Coalitions: a lead organization invites others over a geography; members are shown by sector."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from upstream.accounts import forms, policy, selectors, services
from upstream.accounts.decorators import require
from upstream.accounts.models import Membership, Organization
from upstream.accounts.object_policy import coalition_access


@require("coalition.view")
def coalition_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    can_manage = policy.may(membership, "coalition.manage")
    form = forms.CoalitionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            policy.check(membership, "coalition.manage")
        elif form.is_valid():
            try:
                coalition = services.coalition_create(
                    actor=membership, request=request, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, gettext("The coalition is created."))
                return redirect(
                    "accounts:coalition", org=membership.organization.uuid, coalition=coalition.uuid
                )
    return render(
        request,
        "accounts/coalition_list.html",
        {
            "org": membership.organization,
            "coalitions": list(selectors.coalitions_of(membership=membership)),
            "invitations": selectors.coalition_invitations_for(membership=membership),
            "form": form,
            "can_manage": can_manage,
        },
    )


@require("coalition.view")
def coalition_detail(request: HttpRequest, membership: Membership, coalition: str) -> HttpResponse:
    item = selectors.coalition_get(membership=membership, coalition_uuid=coalition)
    access = coalition_access(membership=membership, coalition=item)
    search_form = None
    found: list[Organization] = []
    more = False
    searched = False
    if access.invite:
        searched = bool(request.GET.get("q") or request.GET.get("sector"))
        search_form = forms.CoalitionInviteSearchForm(request.GET if searched else None)
        if searched and search_form.is_valid():
            found, more = selectors.organizations_to_invite(
                membership=membership,
                coalition=item,
                query=search_form.cleaned_data["q"],
                sector=search_form.cleaned_data["sector"],
            )
    return render(
        request,
        "accounts/coalition_detail.html",
        {
            "org": membership.organization,
            "coalition": item,
            "access": access,
            "by_sector": selectors.coalition_members_by_sector(
                membership=membership, coalition=item
            ),
            "member_count": selectors.coalition_member_count(coalition=item),
            "search_form": search_form,
            "searched": searched,
            "found": found,
            "more": more,
        },
        status=400 if search_form is not None and search_form.errors else 200,
    )


@require("coalition.manage")
@require_POST
def coalition_invite(request: HttpRequest, membership: Membership, coalition: str) -> HttpResponse:
    item = selectors.coalition_get(membership=membership, coalition_uuid=coalition)
    target = selectors.organization_to_invite_get(
        membership=membership, coalition=item, organization_uuid=request.POST.get("organization")
    )
    try:
        services.coalition_invite(
            actor=membership, coalition=item, organization=target, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{target.name} is invited.")
    return redirect("accounts:coalition", org=membership.organization.uuid, coalition=item.uuid)


@require("coalition.manage")
@require_POST
def coalition_leave(request: HttpRequest, membership: Membership, coalition: str) -> HttpResponse:
    item = selectors.coalition_get(membership=membership, coalition_uuid=coalition)
    try:
        services.coalition_leave(actor=membership, coalition=item, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:coalition", org=membership.organization.uuid, coalition=item.uuid)
    messages.success(request, f"Your organization left {item.name}.")
    return redirect("accounts:coalitions", org=membership.organization.uuid)


@require("coalition.manage")
@require_POST
def coalition_answer(request: HttpRequest, membership: Membership, invitation: str) -> HttpResponse:
    item = selectors.coalition_invitation_get(membership=membership, invitation_uuid=invitation)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        raise Http404
    try:
        services.coalition_invitation_answer(
            actor=membership, invitation=item, accept=answer == "accept", request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"You joined {item.coalition.name}."
            if answer == "accept"
            else "The invitation is declined.",
        )
    return redirect("accounts:coalitions", org=membership.organization.uuid)
