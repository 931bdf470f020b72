"""Memberships: adding members, changing roles, removal, lockouts and two-factor resets."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.lockout import clear_lockout
from upstream.accounts.models import ApiKey, Membership, Organization, User
from upstream.accounts.object_policy import member_access
from upstream.accounts.policy import Role, check, may_grant
from upstream.audit.services import audit_record

# Memberships --------------------------------------------------------------------------------


@transaction.atomic
def membership_create(
    *, actor: User | None, user: User, organization: Organization, role: str
) -> Membership:
    """Add a member directly (operator bootstrap and demo data). People join by invitation."""
    role = Role(role)
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    audit_record(
        action="member.added",
        actor=actor,
        actor_label="" if actor else "operator",
        organization=organization,
        target=membership,
        target_label=user.email,
        details={"role": role.value},
    )
    return membership


def _other_admins(membership: Membership) -> int:
    return (
        Membership.active.filter(organization_id=membership.organization_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def membership_change_role(
    *, actor: Membership, member: Membership, role: str, request: HttpRequest | None = None
) -> Membership:
    check(actor, "member.change_role")
    if not member_access(membership=actor, member=member).change_role:
        raise PermissionDenied("not a member of this organization")
    if role not in Role.values or not may_grant(actor, role):
        raise PermissionDenied(gettext("You cannot give that role."))
    member = Membership.objects.select_for_update().get(pk=member.pk)
    old = member.role
    if old == role:
        return member
    if old == Role.ADMIN and _other_admins(member) == 0:
        raise ValidationError(gettext("An organization needs at least one administrator."))
    member.role = role
    member.save(update_fields=["role"])
    audit_record(
        action="member.role_changed",
        actor=actor.user,
        organization=actor.organization,
        target=member,
        target_label=member.user.email,
        request=request,
        details={"from": old, "to": role},
    )
    return member


@transaction.atomic
def membership_remove(
    *, actor: Membership, member: Membership, request: HttpRequest | None = None
) -> None:
    """End a membership. Its holder loses access to the organization on their next request,
    and every API key made through the membership stops working at once."""
    check(actor, "member.remove")
    if not member_access(membership=actor, member=member).remove:
        raise PermissionDenied("not a member of this organization")
    member = Membership.objects.select_for_update().get(pk=member.pk)
    if member.role == Role.ADMIN and _other_admins(member) == 0:
        raise ValidationError(gettext("An organization needs at least one administrator."))
    now = timezone.now()
    member.removed_at = now
    member.save(update_fields=["removed_at"])
    revoked = ApiKey.objects.filter(membership=member, revoked_at__isnull=True).update(
        revoked_at=now
    )
    audit_record(
        action="member.removed",
        actor=actor.user,
        organization=actor.organization,
        target=member,
        target_label=member.user.email,
        request=request,
        details={"role": member.role, "keys_revoked": revoked},
    )


@transaction.atomic
def lockout_clear(*, actor: Membership, member: Membership, request: HttpRequest) -> int:
    check(actor, "member.unlock")
    if not member_access(membership=actor, member=member).unlock:
        raise PermissionDenied("not a member of this organization")
    cleared = clear_lockout(member.user.email)
    audit_record(
        action="auth.unlocked",
        actor=actor.user,
        organization=actor.organization,
        target=member,
        target_label=member.user.email,
        request=request,
    )
    return cleared


@transaction.atomic
def two_factor_reset(
    *, actor: Membership | None, member: Membership, request: HttpRequest | None = None
) -> None:
    """Forget a member's authenticator and recovery codes, after they lost both, and sign them
    out everywhere. They set up two-factor sign-in again at their next sign-in (if their role
    needs it).

    An administrator may do this only for a person who belongs to no other organization (their
    sign-in protects those too); an operator (``actor=None``) may do it for anyone.
    """
    # lock the person first: joining another organization takes the same lock (``_join``)
    user = User.objects.select_for_update().get(pk=member.user_id)
    if actor is not None:
        check(actor, "member.reset_two_factor")
        access = member_access(membership=actor, member=member)
        if not access.reset_two_factor:
            if access.is_self:
                raise ValidationError(
                    "Ask another administrator to reset your own two-factor sign-in."
                )
            raise PermissionDenied("not a member of this organization")
        if Membership.active.filter(user_id=member.user_id).exclude(pk=member.pk).exists():
            raise ValidationError(
                "This person also belongs to other organizations, so their two-factor sign-in "
                "protects those too: ask the site's operator to reset it."
            )
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    if not removed:
        raise ValidationError(gettext("This person has no two-factor sign-in to reset."))
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["security_stamp"])
    if actor is not None:
        affected = [member]
    else:
        affected = list(Membership.active.filter(user=user).select_related("organization"))
    for membership in affected:
        audit_record(
            action="auth.two_factor_reset",
            actor=actor.user if actor is not None else None,
            actor_label="" if actor is not None else "operator",
            organization=membership.organization,
            target=membership,
            target_label=user.email,
            request=request,
            details={"by": "administrator" if actor is not None else "operator"},
        )
