"""Object rules of accounts (accounts/object_policy.py): an organization manages only its own
members, invitations and keys; nobody resets their own two-factor sign-in; only a coalition's
lead invites, the lead cannot leave, and an invitation is answered by the organization it invites.
The services refuse even when called with another organization's object directly."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_member, sign_in_as
from upstream.accounts import services
from upstream.accounts.models import (
    ApiKey,
    CoalitionInvitation,
    CoalitionMembership,
    Invitation,
    Membership,
)
from upstream.accounts.object_policy import (
    apikey_revocable,
    coalition_access,
    coalition_invitation_answerable,
    invitation_revocable,
    member_access,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coalition(member: Any, outsider_org: Any, outsider: Any) -> Any:
    """Led by the owner organization, with the outsider organization as a member."""
    coalition = services.coalition_create(actor=member, name="Lead Coalition", state_fips="39")
    invitation = services.coalition_invite(
        actor=member, coalition=coalition, organization=outsider_org
    )
    services.coalition_invitation_answer(actor=outsider, invitation=invitation, accept=True)
    return coalition


def test_admin_cannot_revoke_another_organizations_invitation(member: Any, outsider: Any) -> None:
    theirs, _ = services.invitation_create(actor=outsider, email="x@example.org", role="viewer")
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=member, invitation=theirs)
    assert Invitation.objects.get(pk=theirs.pk).revoked_at is None


def test_admin_cannot_revoke_another_organizations_api_key(member: Any, outsider: Any) -> None:
    theirs, _ = services.apikey_create(actor=outsider, name="theirs", scope="read")
    with pytest.raises(PermissionDenied):
        services.apikey_revoke(actor=member, key=theirs)
    assert ApiKey.objects.get(pk=theirs.pk).revoked_at is None


def test_admin_cannot_unlock_or_reset_two_factor_of_another_organizations_member(
    member: Any, outsider: Any, rf: Any
) -> None:
    TOTPDevice.objects.create(user=outsider.user, name="phone", confirmed=True)
    with pytest.raises(PermissionDenied):
        services.lockout_clear(actor=member, member=outsider, request=rf.post("/"))
    with pytest.raises(PermissionDenied):
        services.two_factor_reset(actor=member, member=outsider)
    assert TOTPDevice.objects.filter(user=outsider.user).exists()


def test_a_member_who_left_cannot_be_changed(member: Any, owner_org: Any) -> None:
    leaver = make_member(owner_org, "viewer")
    services.membership_remove(actor=member, member=leaver)
    leaver.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=member, member=leaver, role="staff")
    assert Membership.objects.get(pk=leaver.pk).role == "viewer"


def test_nobody_resets_their_own_two_factor_and_the_page_does_not_offer_it(
    signed_in_admin: Client, member: Any, owner_org: Any
) -> None:
    TOTPDevice.objects.create(user=member.user, name="phone", confirmed=True)
    assert member_access(membership=member, member=member).reset_two_factor is False
    with pytest.raises(ValidationError):
        services.two_factor_reset(actor=member, member=member)
    page = signed_in_admin.get(f"/orgs/{owner_org.uuid}/members/{member.uuid}/").content.decode()
    assert "reset-two-factor/" not in page
    other = make_member(owner_org, "screener")
    TOTPDevice.objects.create(user=other.user, name="phone", confirmed=True)
    page = signed_in_admin.get(f"/orgs/{owner_org.uuid}/members/{other.uuid}/").content.decode()
    assert f"/members/{other.uuid}/reset-two-factor/" in page


def test_a_member_organization_may_not_invite_into_the_leads_coalition(
    client: Client, coalition: Any, outsider: Any, outsider_org: Any, member: Any
) -> None:
    third = services.organization_create(
        actor=None, name="Third Org", sectors=["housing"], state_fips="39"
    )
    with pytest.raises(PermissionDenied):
        services.coalition_invite(actor=outsider, coalition=coalition, organization=third)
    sign_in_as(client, outsider.user)
    page = f"/orgs/{outsider_org.uuid}/coalitions/{coalition.uuid}/"
    body = client.get(page).content.decode()
    assert "Invite an organization" not in body
    client.post(page + "invite/", {"organization": str(third.uuid)})
    assert not CoalitionInvitation.objects.filter(organization=third).exists()


def test_the_lead_cannot_leave_and_is_not_offered_to(
    signed_in_admin: Client, client: Client, coalition: Any, member: Any, owner_org: Any
) -> None:
    assert coalition_access(membership=member, coalition=coalition).leave is False
    with pytest.raises(ValidationError):
        services.coalition_leave(actor=member, coalition=coalition)
    body = signed_in_admin.get(f"/orgs/{owner_org.uuid}/coalitions/{coalition.uuid}/").content
    assert b"/leave/" not in body
    assert b"Invite an organization" in body
    assert CoalitionMembership.objects.filter(
        coalition=coalition, organization=owner_org, left_at__isnull=True
    ).exists()


def test_a_member_organization_is_offered_to_leave(
    client: Client, coalition: Any, outsider: Any, outsider_org: Any
) -> None:
    sign_in_as(client, outsider.user)
    body = client.get(f"/orgs/{outsider_org.uuid}/coalitions/{coalition.uuid}/").content.decode()
    assert f"/coalitions/{coalition.uuid}/leave/" in body


def test_only_the_invited_organization_answers_an_invitation(
    coalition: Any, member: Any, owner_org: Any, outsider: Any
) -> None:
    third = services.organization_create(
        actor=None, name="Third Org", sectors=["housing"], state_fips="39"
    )
    invitation = services.coalition_invite(actor=member, coalition=coalition, organization=third)
    with pytest.raises(PermissionDenied):
        services.coalition_invitation_answer(actor=outsider, invitation=invitation, accept=True)
    with pytest.raises(PermissionDenied):
        services.coalition_invitation_answer(actor=member, invitation=invitation, accept=False)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.declined_at is None
    assert (
        not CoalitionMembership.objects.filter(organization=outsider.organization)
        .exclude(coalition=coalition)
        .exists()
    )


def test_the_object_rules_compose_the_role_table(
    members_by_role: dict[str, Any], coalition: Any, member: Any, outsider: Any, outsider_org: Any
) -> None:
    """Within its own organization a role gets no more than the table gives it."""
    coordinator, viewer, staff = (members_by_role[r] for r in ("coordinator", "viewer", "staff"))
    screener = members_by_role["screener"]
    as_admin = member_access(membership=member, member=screener)
    assert (as_admin.change_role, as_admin.remove, as_admin.unlock, as_admin.reset_two_factor) == (
        True,
        True,
        True,
        True,
    )
    as_coordinator = member_access(membership=coordinator, member=screener)
    assert not (
        as_coordinator.change_role
        or as_coordinator.remove
        or as_coordinator.unlock
        or as_coordinator.reset_two_factor
    )
    invitation, _ = services.invitation_create(actor=member, email="y@example.org", role="viewer")
    key, _ = services.apikey_create(actor=member, name="k", scope="read")
    assert invitation_revocable(membership=coordinator, invitation=invitation)
    assert not invitation_revocable(membership=viewer, invitation=invitation)
    assert apikey_revocable(membership=member, key=key)
    assert not apikey_revocable(membership=coordinator, key=key)
    lead_staff = coalition_access(membership=staff, coalition=coalition)
    assert lead_staff.lead and not (lead_staff.invite or lead_staff.leave)
    member_staff = make_member(outsider_org, "staff")
    assert not coalition_access(membership=member_staff, coalition=coalition).leave
    assert coalition_access(membership=outsider, coalition=coalition).leave
    assert coalition_access(membership=coordinator, coalition=coalition).invite
    third = services.organization_create(
        actor=None, name="Third Org", sectors=["housing"], state_fips="39"
    )
    third_admin = make_member(third, "admin")
    third_viewer = make_member(third, "viewer")
    asked = services.coalition_invite(actor=member, coalition=coalition, organization=third)
    assert coalition_invitation_answerable(membership=third_admin, invitation=asked)
    assert not coalition_invitation_answerable(membership=third_viewer, invitation=asked)
