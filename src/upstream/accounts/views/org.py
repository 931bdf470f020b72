"""Organization pages: dashboard, details, members, invitations, API keys."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from upstream.accounts import forms, policy, selectors, services
from upstream.accounts.decorators import require
from upstream.accounts.lockout import locked_emails
from upstream.accounts.models import Membership
from upstream.accounts.object_policy import member_access
from upstream.accounts.policy import Role
from upstream.accounts.two_factor import has_totp, sudo_active


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require("org.view")
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    can = {
        action.replace(".", "_"): policy.may(membership, action) for action in policy.PERMISSIONS
    }
    counts = selectors.member_counts(membership=membership) if can["member_view"] else {}
    return render(
        request,
        "accounts/dashboard.html",
        {
            "membership": membership,
            "org": membership.organization,
            "can": can,
            "counts": [(role.label, counts[role.value]) for role in Role if role.value in counts],
            "has_two_factor": has_totp(request.user),
            "coalitions": list(selectors.coalitions_of(membership=membership)),
            "coalition_invitations": selectors.coalition_invitations_for(membership=membership)
            if can["coalition_manage"]
            else [],
        },
    )


@require("org.edit")
def organization_edit(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organization
    form = forms.OrganizationForm(
        request.POST or None, initial=forms.OrganizationForm.initial_for(org)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=membership, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("The organization's details are saved."))
            return redirect("accounts:dashboard", org=org.uuid)
    return render(request, "accounts/organization_edit.html", {"form": form, "org": org})


@require("member.view")
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    people = list(selectors.members_of(membership=membership))
    locked = (
        locked_emails(m.user.email for m in people)
        if policy.may(membership, "member.unlock")
        else set()
    )
    return render(
        request,
        "accounts/members.html",
        {
            "membership": membership,
            "org": membership.organization,
            "people": people,
            "locked": locked,
            "invitations": selectors.invitations_open(membership=membership)
            if policy.may(membership, "member.invite")
            else [],
            "can_change": policy.may(membership, "member.change_role"),
        },
    )


@require("member.view")
def member_detail(request: HttpRequest, membership: Membership, member: str) -> HttpResponse:
    person = selectors.member_get(membership=membership, member_uuid=member)
    access = member_access(membership=membership, member=person)
    return render(
        request,
        "accounts/member_detail.html",
        {
            "membership": membership,
            "org": membership.organization,
            "person": person,
            "locked": person.user.email in locked_emails([person.user.email]),
            "role_form": forms.RoleForm(
                initial={"role": person.role}, grantor_role=membership.role
            ),
            "can_change": access.change_role,
            "can_remove": access.remove,
            "can_unlock": access.unlock,
            "can_reset_two_factor": access.reset_two_factor,
            "has_two_factor": has_totp(person.user),
            "sudo": sudo_active(request),
        },
    )


@require("member.change_role")
def member_role(request: HttpRequest, membership: Membership, member: str) -> HttpResponse:
    person = selectors.member_get(membership=membership, member_uuid=member)
    if request.method != "POST":
        return redirect("accounts:member", org=membership.organization.uuid, member=person.uuid)
    form = forms.RoleForm(request.POST, grantor_role=membership.role)
    if form.is_valid():
        try:
            services.membership_change_role(
                actor=membership, member=person, role=form.cleaned_data["role"], request=request
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, gettext("The role is changed."))
    else:
        messages.error(request, gettext("Choose one of the listed roles."))
    return redirect("accounts:member", org=membership.organization.uuid, member=person.uuid)


@require("member.remove")
def member_remove(request: HttpRequest, membership: Membership, member: str) -> HttpResponse:
    person = selectors.member_get(membership=membership, member_uuid=member)
    if request.method != "POST":
        return redirect("accounts:member", org=membership.organization.uuid, member=person.uuid)
    try:
        services.membership_remove(actor=membership, member=person, request=request)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("accounts:member", org=membership.organization.uuid, member=person.uuid)
    messages.success(request, gettext("The member is removed; their access ended now."))
    return redirect("accounts:members", org=membership.organization.uuid)


@require("member.unlock")
@require_POST
def member_unlock(request: HttpRequest, membership: Membership, member: str) -> HttpResponse:
    person = selectors.member_get(membership=membership, member_uuid=member)
    services.lockout_clear(actor=membership, member=person, request=request)
    messages.success(request, gettext("The lockout is cleared."))
    return redirect("accounts:member", org=membership.organization.uuid, member=person.uuid)


@require("member.reset_two_factor")
@require_POST
def member_reset_two_factor(
    request: HttpRequest, membership: Membership, member: str
) -> HttpResponse:
    person = selectors.member_get(membership=membership, member_uuid=member)
    try:
        services.two_factor_reset(actor=membership, member=person, request=request)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            "Two-factor sign-in is reset and they are signed out everywhere. At their next "
            "sign-in they set up an authenticator again (their role needs one).",
        )
    return redirect("accounts:member", org=membership.organization.uuid, member=person.uuid)


@require("member.invite")
def invite(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = forms.InviteForm(request.POST or None, grantor_role=membership.role)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                actor=membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        except PermissionDenied:
            form.add_error("role", "You cannot give that role.")
        else:
            messages.success(
                request, gettext("The invitation is sent. The link works for 7 days, once.")
            )
            return redirect("accounts:members", org=membership.organization.uuid)
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "org": membership.organization},
        status=400 if form.errors else 200,
    )


@require("member.invite")
@require_POST
def invitation_revoke(
    request: HttpRequest, membership: Membership, invitation: str
) -> HttpResponse:
    item = selectors.invitation_get(membership=membership, invitation_uuid=invitation)
    services.invitation_revoke(actor=membership, invitation=item, request=request)
    messages.success(request, gettext("The invitation is revoked."))
    return redirect("accounts:members", org=membership.organization.uuid)


@require("apikey.manage")
def api_keys(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = forms.ApiKeyForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = services.apikey_create(
                actor=membership,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            form = forms.ApiKeyForm()
    return render(
        request,
        "accounts/api_keys.html",
        {
            "form": form,
            "org": membership.organization,
            "keys": list(selectors.apikeys_of(membership=membership)),
            "secret": secret,
        },
    )


@require("apikey.manage")
def api_key_revoke(request: HttpRequest, membership: Membership, key: str) -> HttpResponse:
    """GET asks for confirmation (a page, so it works without JavaScript); POST revokes."""
    item = selectors.apikey_get(membership=membership, key_uuid=key)
    if item.revoked_at:
        messages.info(request, gettext("That key is already revoked."))
        return redirect("accounts:api_keys", org=membership.organization.uuid)
    if request.method != "POST":
        return render(
            request, "accounts/api_key_revoke.html", {"org": membership.organization, "key": item}
        )
    services.apikey_revoke(actor=membership, key=item, request=request)
    messages.success(request, gettext("The key is revoked."))
    return redirect("accounts:api_keys", org=membership.organization.uuid)
