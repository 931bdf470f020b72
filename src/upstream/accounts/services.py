"""Writes for organizations, memberships, invitations, keys and coalitions.

Each function is keyword-only and atomic, checks the policy, and writes its audit event in the same
transaction. Org-scoped functions take ``actor=`` as the acting *membership* (the person, their
organization and their role); account-level ones take the user. Email goes out on commit.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.lockout import clear_lockout
from upstream.accounts.models import (
    ApiKey,
    Coalition,
    CoalitionInvitation,
    CoalitionMembership,
    Invitation,
    Membership,
    Organization,
    User,
)
from upstream.accounts.object_policy import (
    apikey_revocable,
    coalition_access,
    coalition_invitation_answerable,
    invitation_revocable,
    member_access,
)
from upstream.accounts.policy import Role, check, may_grant
from upstream.accounts.two_factor import new_recovery_codes, sudo_start, verify_code
from upstream.audit.services import audit_record
from upstream.core.models import InstanceOperator

logger = logging.getLogger(__name__)

API_KEY_PREFIX = "upk_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def _send(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    on_failure: Callable[[], object] | None = None,
) -> None:
    """Send after the transaction commits. With ``on_failure``, a failed send is logged (without
    the address) and handed to it instead of raising: for senders who must not learn about it."""
    body = render_to_string(template, context)

    def send() -> None:
        if on_failure is None:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
            return
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
        except Exception as exc:  # any transport error; the person asking is told nothing
            # the type only: SMTP errors quote the recipient's address
            logger.error("could not send %r: %s", subject, type(exc).__name__)
            on_failure()

    transaction.on_commit(send)


# Organizations ------------------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    name: str,
    sectors: list[str],
    state_fips: str,
    county_fips: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    website: str = "",
    address: str = "",
) -> Organization:
    """Create an organization. Operators do this (CLI or demo); ``actor`` may be None."""
    org = Organization(
        name=name,
        sectors=sectors,
        state_fips=state_fips,
        county_fips=county_fips,
        contact_email=contact_email,
        contact_phone=contact_phone,
        website=website,
        address=address,
    )
    org.full_clean()
    org.save()
    audit_record(
        action="org.created",
        actor=actor,
        actor_label="" if actor else "operator",
        organization=org,
        target=org,
        target_label=org.name,
    )
    return org


ORG_EDITABLE = ("name", "sectors", "county_fips", "contact_email", "contact_phone", "website")


@transaction.atomic
def organization_update(
    *, actor: Membership, request: HttpRequest | None = None, **changes: Any
) -> Organization:
    check(actor, "org.edit")
    org = Organization.objects.select_for_update().get(pk=actor.organization_id)
    changed = []
    for field, value in changes.items():
        if field not in ORG_EDITABLE and field != "address":
            raise ValidationError(f"{field} cannot be changed here.")
        if getattr(org, field) != value:
            setattr(org, field, value)
            changed.append(field)
    if field_errors := _clean(org):
        raise field_errors
    org.save()
    audit_record(
        action="org.updated",
        actor=actor.user,
        organization=org,
        target=org,
        target_label=org.name,
        details={"fields": sorted(changed)},
        request=request,
    )
    return org


def _clean(obj: Any) -> ValidationError | None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        return exc
    return None


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
        subject=f"You are invited to {organization.name} on Upstream",
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
        raise ValidationError("Choose one of the listed roles.")
    return email


@transaction.atomic
def invitation_create(
    *, actor: Membership, email: str, role: str, request: HttpRequest | None = None
) -> tuple[Invitation, str]:
    """Invite ``email`` into the actor's organization; returns the invitation and its token."""
    check(actor, "member.invite")
    email = _clean_invitee(email, role)
    if not may_grant(actor, role):
        raise PermissionDenied("You cannot give that role.")
    if Membership.active.filter(organization_id=actor.organization_id, user__email=email).exists():
        raise ValidationError("That person is already a member of this organization.")
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
        raise ValidationError("That person is already a member of this organization.")
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
        raise ValidationError("An account with this email exists: sign in first, then accept.")
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


# Memberships --------------------------------------------------------------------------------


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
        raise PermissionDenied("You cannot give that role.")
    member = Membership.objects.select_for_update().get(pk=member.pk)
    old = member.role
    if old == role:
        return member
    if old == Role.ADMIN and _other_admins(member) == 0:
        raise ValidationError("An organization needs at least one administrator.")
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
        raise ValidationError("An organization needs at least one administrator.")
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
        raise ValidationError("This person has no two-factor sign-in to reset.")
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


# Password reset -----------------------------------------------------------------------------


RESET_EMAIL_INTERVAL = timedelta(minutes=10)


@transaction.atomic
def password_reset_request(*, email: str, request: HttpRequest) -> None:
    """Email a reset link if an active account has this address. Says nothing either way.

    At most one email per account every ``RESET_EMAIL_INTERVAL``, so the form cannot be used
    to flood someone's inbox.
    """
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        return
    now = timezone.now()
    # one conditional UPDATE, so two requests at once cannot both send
    due = Q(password_reset_sent_at__isnull=True) | Q(
        password_reset_sent_at__lte=now - RESET_EMAIL_INTERVAL
    )
    if not User.objects.filter(due, pk=user.pk).update(password_reset_sent_at=now):
        return
    token = default_token_generator.make_token(user)
    link = absolute_url(
        reverse("accounts:password_reset_confirm", args=[user.uuid, token]), request
    )
    for membership in Membership.active.filter(user=user).select_related("organization"):
        audit_record(
            action="auth.password_reset_requested",
            actor=user,
            organization=membership.organization,
            target=user,
            request=request,
        )
    _send(
        to=user.email,
        subject="Reset your Upstream password",
        template="accounts/email/password_reset.txt",
        context={"user": user, "link": link, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        # the page answers the same whether or not this works; let the next request try again
        on_failure=lambda: User.objects.filter(pk=user.pk, password_reset_sent_at=now).update(
            password_reset_sent_at=None
        ),
    )


@transaction.atomic
def password_set(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """Set a new password (after a reset link). Signs the user out everywhere else."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    for membership in Membership.active.filter(user=user).select_related("organization"):
        audit_record(
            action="auth.password_reset",
            actor=user,
            organization=membership.organization,
            target=user,
            request=request,
        )


# API keys -----------------------------------------------------------------------------------


@transaction.atomic
def apikey_create(
    *, actor: Membership, name: str, scope: str, request: HttpRequest | None = None
) -> tuple[ApiKey, str]:
    """Create a key; the secret is returned once and never stored."""
    check(actor, "apikey.manage")
    if scope not in ApiKey.Scope.values:
        raise ValidationError("Choose read only or read and write.")
    name = name.strip()
    if not name:
        raise ValidationError("Give the key a name.")
    prefix = secrets.token_hex(6)
    secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        organization_id=actor.organization_id,
        membership=actor,
        name=name[:100],
        scope=scope,
        prefix=prefix,
        key_hash=token_hash(secret),
    )
    audit_record(
        action="apikey.created",
        actor=actor.user,
        organization=actor.organization,
        target=key,
        target_label=f"{key.name} ({prefix})",
        request=request,
        details={"scope": scope},
    )
    return key, secret


@transaction.atomic
def apikey_revoke(*, actor: Membership, key: ApiKey, request: HttpRequest | None = None) -> None:
    check(actor, "apikey.manage")
    if not apikey_revocable(membership=actor, key=key):
        raise PermissionDenied("not this organization's key")
    if key.revoked_at:
        return
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_record(
        action="apikey.revoked",
        actor=actor.user,
        organization=actor.organization,
        target=key,
        target_label=f"{key.name} ({key.prefix})",
        request=request,
    )


# Coalitions ---------------------------------------------------------------------------------


@transaction.atomic
def coalition_create(
    *,
    actor: Membership,
    name: str,
    state_fips: str,
    county_fips: list[str] | None = None,
    description: str = "",
    request: HttpRequest | None = None,
) -> Coalition:
    """A coalition led by the actor's organization, which is its first member."""
    check(actor, "coalition.manage")
    coalition = Coalition(
        name=name.strip(),
        state_fips=state_fips,
        county_fips=county_fips or [],
        description=description,
        lead_organization_id=actor.organization_id,
    )
    coalition.full_clean()
    coalition.save()
    CoalitionMembership.objects.create(coalition=coalition, organization_id=actor.organization_id)
    audit_record(
        action="coalition.created",
        actor=actor.user,
        organization=actor.organization,
        target=coalition,
        target_label=coalition.name,
        request=request,
    )
    return coalition


@transaction.atomic
def coalition_invite(
    *,
    actor: Membership,
    coalition: Coalition,
    organization: Organization,
    request: HttpRequest | None = None,
) -> CoalitionInvitation:
    check(actor, "coalition.manage")
    if not coalition_access(membership=actor, coalition=coalition).invite:
        raise PermissionDenied("only the lead organization invites")
    if CoalitionMembership.objects.filter(
        coalition=coalition, organization=organization, left_at__isnull=True
    ).exists():
        raise ValidationError("That organization is already a member.")
    invitation = CoalitionInvitation.objects.create(
        coalition=coalition,
        organization=organization,
        invited_by=actor.user,
        expires_at=timezone.now() + timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS),
    )
    for org in (actor.organization, organization):
        audit_record(
            action="coalition.invited",
            actor=actor.user,
            organization=org,
            target=coalition,
            target_label=coalition.name,
            details={"organization": organization.name},
            request=request,
        )
    return invitation


@transaction.atomic
def coalition_invitation_answer(
    *,
    actor: Membership,
    invitation: CoalitionInvitation,
    accept: bool,
    request: HttpRequest | None = None,
) -> None:
    check(actor, "coalition.manage")
    invitation = CoalitionInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not coalition_invitation_answerable(membership=actor, invitation=invitation):
        raise PermissionDenied("not this organization's invitation")
    if not invitation.is_open:
        raise ValidationError("This invitation has expired or was already answered.")
    now = timezone.now()
    if accept:
        invitation.accepted_at = now
        CoalitionMembership.objects.get_or_create(
            coalition_id=invitation.coalition_id,
            organization_id=actor.organization_id,
            left_at=None,
        )
    else:
        invitation.declined_at = now
    invitation.save(update_fields=["accepted_at", "declined_at"])
    coalition = invitation.coalition
    for org in {actor.organization, coalition.lead_organization}:
        audit_record(
            action="coalition.joined" if accept else "coalition.declined",
            actor=actor.user,
            organization=org,
            target=coalition,
            target_label=coalition.name,
            details={"organization": actor.organization.name},
            request=request,
        )


@transaction.atomic
def coalition_leave(
    *, actor: Membership, coalition: Coalition, request: HttpRequest | None = None
) -> None:
    check(actor, "coalition.manage")
    if not coalition_access(membership=actor, coalition=coalition).leave:
        raise ValidationError("The lead organization cannot leave its own coalition.")
    updated = CoalitionMembership.objects.filter(
        coalition=coalition, organization_id=actor.organization_id, left_at__isnull=True
    ).update(left_at=timezone.now())
    if not updated:
        raise ValidationError("This organization is not a member.")
    for org in (actor.organization, coalition.lead_organization):
        audit_record(
            action="coalition.left",
            actor=actor.user,
            organization=org,
            target=coalition,
            target_label=coalition.name,
            details={"organization": actor.organization.name},
            request=request,
        )


# Sign-in events -----------------------------------------------------------------------------


@transaction.atomic
def auth_event_record(
    *,
    action: str,
    user: User | None,
    request: HttpRequest | None,
    actor: User | None = None,
    label: str = "",
) -> None:
    """Record a sign-in event (signing in or out, one-time codes, confirming one's identity,
    lockout) about ``user`` in the chain of every organization they belong to, or in the
    instance chain when they belong to none or no account is known.

    Chains are written in organization id order, so two of these never wait on each other.
    """
    organizations: list[Organization | None] = (
        [
            membership.organization
            for membership in Membership.active.filter(user=user)
            .select_related("organization")
            .order_by("organization_id")
        ]
        if user is not None
        else []
    )
    for organization in organizations or [None]:
        audit_record(
            action=action,
            actor=actor,
            actor_label=label,
            organization=organization,
            target=user,
            target_label=label,
            request=request,
        )


# Sign-in and two-factor ---------------------------------------------------------------------
# The password check (Argon2, deliberately slow) happens before these are called, outside any
# transaction; each function below is the short write that follows it.


@transaction.atomic
def session_sign_in(*, request: HttpRequest, user: User, backend: str | None = None) -> None:
    """Sign ``user`` in on this request: the session key is rotated, ``last_login`` is stamped and
    the sign-in events are written (by the ``user_logged_in`` signal), all or none."""
    login(request, user, backend=backend)


@transaction.atomic
def two_factor_enroll(
    *, user: User, device: TOTPDevice, code: str, request: HttpRequest
) -> list[str] | None:
    """Confirm the authenticator ``device`` if ``code`` is right: the device, fresh recovery codes,
    the verified session and the audit events together. Returns the codes to show once, or None
    when the code is wrong (nothing changed)."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    otp_login(request, device)
    auth_event_record(action="auth.two_factor_enrolled", user=user, actor=user, request=request)
    return codes


@transaction.atomic
def two_factor_check(*, user: User, code: str, request: HttpRequest) -> bool:
    """Verify a one-time or recovery code at sign-in: on success the session is verified (and a
    used recovery code is spent and audited); a wrong code is audited. Returns whether it passed."""
    device, recovery = verify_code(user, code)
    if device is None:
        auth_event_record(action="auth.two_factor_failed", user=user, actor=user, request=request)
        return False
    otp_login(request, device)
    if recovery:
        auth_event_record(action="auth.recovery_code_used", user=user, actor=user, request=request)
    return True


@transaction.atomic
def identity_confirmed(*, user: User, request: HttpRequest) -> None:
    """Start sudo mode after the password (and code) were checked, and audit it."""
    sudo_start(request)
    auth_event_record(action="auth.reauthenticated", user=user, actor=user, request=request)


# Instance operators (the periodic jobs page) --------------------------------------------------


def _operator_account(email: str) -> User:
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise ValidationError("No active account has that email address.")
    return user


@transaction.atomic
def operator_grant(*, email: str) -> bool:
    """Make an account an instance operator; False if it already was."""
    user = _operator_account(email)
    _, created = InstanceOperator.objects.get_or_create(user=user)
    if created:
        audit_record(action="operator.granted", actor_label="command line", target=user)
    return created


@transaction.atomic
def operator_revoke(*, email: str) -> bool:
    """Take instance-operator rights away; False if the account had none."""
    user = _operator_account(email)
    deleted, _ = InstanceOperator.objects.filter(user=user).delete()
    if deleted:
        audit_record(action="operator.revoked", actor_label="command line", target=user)
    return bool(deleted)
