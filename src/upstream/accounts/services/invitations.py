"""Member invitations: issuing, revoking, expiring and accepting them."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from upstream.accounts.models import Invitation, Membership, Organization, User
from upstream.accounts.object_policy import invitation_revocable
from upstream.accounts.policy import Role, check, may_grant
from upstream.accounts.services._common import _send, absolute_url, token_hash
from upstream.audit.services import audit_record

# Invitations --------------------------------------------------------------------------------


def _invitation_issue(
    *,
    organization: Organization,
    email: str,
    role: str,
    invited_by: User | None,
    request: HttpRequest | None,
) -> tuple[Invitation, str]:
    now = timezone.now()
    # Any earlier open invitation for the same address is replaced.
    Invitation.objects.filter(
        organization=organization,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=invited_by,
        expires_at=now + timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS),
    )
    audit_record(
        action="member.invited",
        actor=invited_by,
        actor_label="" if invited_by else "operator",
        organization=organization,
        target=invitation,
        target_label=email,
        request=request,
        details={"role": role},
    )
    link = absolute_url(reverse("accounts:invitation_accept", args=[token]), request)
    _send(
        to=email,
        subject=format_lazy(_("You are invited to {name} on Upstream"), name=organization.name),
        template="accounts/email/invitation.txt",
        context={
            "organization": organization,
            "inviter": invited_by.get_full_name() if invited_by else "The Upstream operator",
            "role": Role(role).label,
            "link": link,
            "expires_at": invitation.expires_at,
        },
    )
    return invitation, token


def _clean_invitee(email: str, role: str) -> str:
    email = email.strip().lower()
    validate_email(email)
    if role not in Role.values:
        raise ValidationError(gettext("Choose one of the listed roles."))
    return email


@transaction.atomic
def invitation_create(
    *, actor: Membership, email: str, role: str, request: HttpRequest | None = None
) -> tuple[Invitation, str]:
    """Invite ``email`` into the actor's organization; returns the invitation and its token."""
    check(actor, "member.invite")
    email = _clean_invitee(email, role)
    if not may_grant(actor, role):
        raise PermissionDenied(gettext("You cannot give that role."))
    if Membership.active.filter(organization_id=actor.organization_id, user__email=email).exists():
        raise ValidationError(gettext("That person is already a member of this organization."))
    return _invitation_issue(
        organization=actor.organization,
        email=email,
        role=role,
        invited_by=actor.user,
        request=request,
    )


@transaction.atomic
def invitation_create_by_operator(
    *, organization: Organization, email: str, role: str = Role.ADMIN
) -> tuple[Invitation, str]:
    """An operator (command line, no signed-in actor) invites someone, e.g. the first admin."""
    email = _clean_invitee(email, role)
    if Membership.active.filter(organization=organization, user__email=email).exists():
        raise ValidationError(gettext("That person is already a member of this organization."))
    return _invitation_issue(
        organization=organization, email=email, role=role, invited_by=None, request=None
    )


@transaction.atomic
def invitation_revoke(
    *, actor: Membership, invitation: Invitation, request: HttpRequest | None = None
) -> None:
    check(actor, "member.invite")
    if not invitation_revocable(membership=actor, invitation=invitation):
        raise PermissionDenied("not this organization's invitation")
    if invitation.revoked_at or invitation.accepted_at:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action="member.invitation_revoked",
        actor=actor.user,
        organization=actor.organization,
        target=invitation,
        target_label=invitation.email,
        request=request,
    )


@transaction.atomic
def invitations_expire(*, actor: Any = None) -> int:
    """Delete invitations that were never accepted and are past their expiry: the address of
    someone who did not join is not kept. Each is audited (by id, without the address). Running it
    again changes nothing; returns how many were deleted. ``actor`` is None for the scheduler."""
    expired = list(
        Invitation.objects.select_for_update()
        .filter(accepted_at__isnull=True, expires_at__lte=timezone.now())
        .select_related("organization")
    )
    for invitation in expired:
        audit_record(
            action="member.invitation_expired",
            actor=actor,
            actor_label="" if actor else "scheduler",
            organization=invitation.organization,
            target=invitation,
        )
    Invitation.objects.filter(pk__in=[invitation.pk for invitation in expired]).delete()
    return len(expired)


class InvitationUnusable(ValidationError):
    pass


def _open_invitation_for_update(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organization")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise InvitationUnusable(
            "This invitation link has expired or has already been used. "
            "Ask your organization's administrator for a new one."
        )
    return invitation


def _join(invitation: Invitation, user: User, request: HttpRequest | None) -> Membership:
    # the same lock as ``two_factor_reset``, which decides by the person's other memberships
    User.objects.select_for_update().filter(pk=user.pk).first()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership = Membership.active.filter(user=user, organization=invitation.organization).first()
    if membership is None:
        membership = Membership.objects.create(
            user=user, organization=invitation.organization, role=invitation.role
        )
    audit_record(
        action="member.joined",
        actor=user,
        organization=invitation.organization,
        target=membership,
        target_label=user.email,
        request=request,
        details={"role": invitation.role, "invitation": str(invitation.uuid)},
    )
    return membership


@transaction.atomic
def invitation_accept_new_user(
    *,
    token: str,
    full_name: str,
    password: str,
    request: HttpRequest | None = None,
    sign_in: bool = False,
) -> Membership:
    """Create the invited person's account and membership; with ``sign_in`` (and a request), sign
    them in on that request in the same transaction."""
    invitation = _open_invitation_for_update(token)
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError(
            gettext("An account with this email exists: sign in first, then accept.")
        )
    user = User(email=invitation.email, full_name=full_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.save()
    membership = _join(invitation, user, request)
    if sign_in and request is not None:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return membership


@transaction.atomic
def invitation_accept_existing_user(
    *, token: str, user: User, request: HttpRequest | None = None
) -> Membership:
    invitation = _open_invitation_for_update(token)
    if invitation.email != user.email:
        raise InvitationUnusable("This invitation was sent to a different email address.")
    return _join(invitation, user, request)
