"""Coalitions: creating them, inviting organizations, answering and leaving."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from upstream.accounts.models import (
    Coalition,
    CoalitionInvitation,
    CoalitionMembership,
    Membership,
    Organization,
)
from upstream.accounts.object_policy import coalition_access, coalition_invitation_answerable
from upstream.accounts.policy import check
from upstream.audit.services import audit_record

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
        raise ValidationError(gettext("That organization is already a member."))
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
        raise ValidationError(gettext("This invitation has expired or was already answered."))
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
        raise ValidationError(gettext("The lead organization cannot leave its own coalition."))
    updated = CoalitionMembership.objects.filter(
        coalition=coalition, organization_id=actor.organization_id, left_at__isnull=True
    ).update(left_at=timezone.now())
    if not updated:
        raise ValidationError(gettext("This organization is not a member."))
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
