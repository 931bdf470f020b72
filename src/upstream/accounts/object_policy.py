"""Object rules for accounts: what one membership may do with one member, invitation, API key or
coalition.

``accounts.policy`` is the role table (what a role may do in its organization); this module adds
the facts of the object: whose organization it belongs to, whether it is the acting person
themself, whether the organization leads the coalition. Services check these before changing
anything, selectors and views read them to decide what to offer; nothing else compares an
object's organization with the actor's.

The rules:

- Members, invitations and API keys are managed only by their own organization, by the roles
  the table allows; a member who has left cannot be changed.
- Nobody resets their own two-factor sign-in (another administrator does).
- In a coalition, only the lead organization invites; a member organization may leave, the lead
  may not; an invitation to join is answered only by the organization it invites.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from upstream.accounts.policy import may

if TYPE_CHECKING:
    from upstream.accounts.models import (
        ApiKey,
        Coalition,
        CoalitionInvitation,
        Invitation,
        Membership,
    )


@dataclass(frozen=True, slots=True)
class MemberAccess:
    """What the acting membership may do to one member of an organization."""

    change_role: bool
    remove: bool
    unlock: bool
    reset_two_factor: bool
    is_self: bool


def member_access(*, membership: Membership, member: Membership) -> MemberAccess:
    ours = member.organization_id == membership.organization_id and member.is_active
    is_self = member.user_id == membership.user_id
    return MemberAccess(
        change_role=ours and may(membership, "member.change_role"),
        remove=ours and may(membership, "member.remove"),
        unlock=ours and may(membership, "member.unlock"),
        reset_two_factor=ours and not is_self and may(membership, "member.reset_two_factor"),
        is_self=is_self,
    )


def invitation_revocable(*, membership: Membership, invitation: Invitation) -> bool:
    return invitation.organization_id == membership.organization_id and may(
        membership, "member.invite"
    )


def apikey_revocable(*, membership: Membership, key: ApiKey) -> bool:
    return key.organization_id == membership.organization_id and may(membership, "apikey.manage")


@dataclass(frozen=True, slots=True)
class CoalitionAccess:
    """What the acting membership may do in one coalition its organization belongs to."""

    lead: bool
    manage: bool  # the role may manage coalitions

    @property
    def invite(self) -> bool:
        return self.manage and self.lead

    @property
    def leave(self) -> bool:
        return self.manage and not self.lead


def coalition_access(*, membership: Membership, coalition: Coalition) -> CoalitionAccess:
    return CoalitionAccess(
        lead=coalition.lead_organization_id == membership.organization_id,
        manage=may(membership, "coalition.manage"),
    )


def coalition_invitation_answerable(
    *, membership: Membership, invitation: CoalitionInvitation
) -> bool:
    return invitation.organization_id == membership.organization_id and may(
        membership, "coalition.manage"
    )
