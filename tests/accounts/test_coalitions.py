"""Coalitions: a lead organization invites others; they join and leave; members by sector."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import sign_in_as
from upstream.accounts import services
from upstream.accounts.models import CoalitionInvitation, CoalitionMembership
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def coalition(member: Any) -> Any:
    return services.coalition_create(
        actor=member, name="County Coalition", state_fips="39", county_fips=["39049"]
    )


def test_lead_creates_a_coalition_from_the_page(signed_in_admin: Client, owner_org: Any) -> None:
    response = signed_in_admin.post(
        f"/orgs/{owner_org.uuid}/coalitions/",
        {"name": "New Coalition", "state_fips": "39", "county_fips": ["39049", "39041"]},
    )
    assert response.status_code == 302
    page = signed_in_admin.get(response["Location"]).content.decode()
    assert "New Coalition" in page and "Health care" in page
    created = AuditEvent.objects.get(action="coalition.created")
    assert created.ip_address == "127.0.0.1"


def test_an_invited_organization_joins_and_appears_under_its_sector(
    client: Client, owner_org: Any, outsider_org: Any, outsider: Any, coalition: Any, member: Any
) -> None:
    admin = Client()
    sign_in_as(admin, member.user)
    admin.post(
        f"/orgs/{owner_org.uuid}/coalitions/{coalition.uuid}/invite/",
        {"organization": str(outsider_org.uuid)},
    )
    invitation = CoalitionInvitation.objects.get()
    sign_in_as(client, outsider.user)
    page = client.get(f"/orgs/{outsider_org.uuid}/coalitions/").content.decode()
    assert "County Coalition" in page
    client.post(
        f"/orgs/{outsider_org.uuid}/coalition-invitations/{invitation.uuid}/",
        {"answer": "accept"},
    )
    detail = client.get(f"/orgs/{outsider_org.uuid}/coalitions/{coalition.uuid}/").content.decode()
    assert "Housing" in detail and outsider_org.name in detail
    assert "2 member organizations" in detail
    client.post(f"/orgs/{outsider_org.uuid}/coalitions/{coalition.uuid}/leave/")
    # what was done through the pages is recorded with the address it came from
    events = AuditEvent.objects.filter(
        action__in=["coalition.invited", "coalition.joined", "coalition.left"]
    )
    assert {e.action for e in events} == {"coalition.invited", "coalition.joined", "coalition.left"}
    assert {e.ip_address for e in events} == {"127.0.0.1"}


def test_a_member_organization_leaves(
    outsider_org: Any, outsider: Any, coalition: Any, member: Any
) -> None:
    invitation = services.coalition_invite(
        actor=member, coalition=coalition, organization=outsider_org
    )
    services.coalition_invitation_answer(actor=outsider, invitation=invitation, accept=True)
    client = Client()
    sign_in_as(client, outsider.user)
    client.post(f"/orgs/{outsider_org.uuid}/coalitions/{coalition.uuid}/leave/")
    assert not CoalitionMembership.objects.filter(
        organization=outsider_org, left_at__isnull=True
    ).exists()
    assert client.get(f"/orgs/{outsider_org.uuid}/coalitions/{coalition.uuid}/").status_code == 404


def test_an_uninvited_organization_gets_404_for_the_coalition(
    client: Client, outsider_org: Any, outsider: Any, coalition: Any
) -> None:
    sign_in_as(client, outsider.user)
    assert client.get(f"/orgs/{outsider_org.uuid}/coalitions/{coalition.uuid}/").status_code == 404


def test_only_the_lead_invites(
    outsider_org: Any, outsider: Any, coalition: Any, member: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    invitation = services.coalition_invite(
        actor=member, coalition=coalition, organization=outsider_org
    )
    services.coalition_invitation_answer(actor=outsider, invitation=invitation, accept=True)
    with pytest.raises(PermissionDenied):
        services.coalition_invite(actor=outsider, coalition=coalition, organization=outsider_org)
