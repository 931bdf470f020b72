"""Inviting an organization to a coalition: found by a search that needs a name or an exact
contact e-mail (or suggested by sector), a few at a time; the instance is never listed whole."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from upstream.accounts import selectors, services
from upstream.accounts.models import CoalitionInvitation, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def coalition(member: Any) -> Any:
    return services.coalition_create(
        actor=member, name="County Coalition", state_fips="39", county_fips=["39049"]
    )


@pytest.fixture
def many(db: None) -> list[Organization]:
    """Thirty organizations: ten shelters and ten schools in Ohio, ten shelters in Michigan."""
    orgs = []
    for n in range(10):
        orgs.append(
            services.organization_create(
                actor=None,
                name=f"Harbor Shelter {n:02d}",
                sectors=["housing"],
                state_fips="39",
                contact_email=f"shelter{n:02d}@example.org",
            )
        )
    for n in range(10):
        orgs.append(
            services.organization_create(
                actor=None, name=f"Valley School {n:02d}", sectors=["education"], state_fips="39"
            )
        )
    for n in range(10):
        orgs.append(
            services.organization_create(
                actor=None, name=f"Lakeside Shelter {n:02d}", sectors=["housing"], state_fips="26"
            )
        )
    return orgs


def _page(client: Client, owner_org: Any, coalition: Any, **params: str) -> str:
    url = f"/orgs/{owner_org.uuid}/coalitions/{coalition.uuid}/"
    return client.get(url, params).content.decode()


def _invite_buttons(html: str) -> int:
    return html.count('name="organization"')


def test_the_coalition_page_lists_no_organization_before_a_search(
    signed_in_admin: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    html = _page(signed_in_admin, owner_org, coalition)
    assert "Invite an organization" in html
    assert _invite_buttons(html) == 0
    for org in many:
        assert org.name not in html
        assert str(org.uuid) not in html


def test_a_name_search_needs_three_letters(
    signed_in_admin: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    url = f"/orgs/{owner_org.uuid}/coalitions/{coalition.uuid}/"
    response = signed_in_admin.get(url, {"q": "Ha"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Type at least 3 letters of the name" in html
    assert _invite_buttons(html) == 0


def test_a_name_search_finds_matching_organizations_at_most_ten(
    signed_in_admin: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    html = _page(signed_in_admin, owner_org, coalition, q="harbor shelter 0")
    assert _invite_buttons(html) == 10
    assert "Valley School" not in html
    html = _page(signed_in_admin, owner_org, coalition, q="o")  # too short: nothing, not all
    assert _invite_buttons(html) == 0
    html = _page(signed_in_admin, owner_org, coalition, q="oo")
    assert _invite_buttons(html) == 0
    html = _page(signed_in_admin, owner_org, coalition, q="   ")
    assert _invite_buttons(html) == 0


def test_a_broad_search_is_capped_and_says_so(
    signed_in_admin: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    html = _page(signed_in_admin, owner_org, coalition, q=" 0 ")
    assert _invite_buttons(html) == 0  # one character once trimmed, not all thirty
    html = _page(signed_in_admin, owner_org, coalition, q="shelter")  # twenty match
    assert _invite_buttons(html) == selectors.INVITE_RESULTS
    assert "type more of the name to narrow the search" in html


def test_an_exact_contact_email_finds_one_organization_and_a_partial_one_none(
    signed_in_admin: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    html = _page(signed_in_admin, owner_org, coalition, q="Shelter03@Example.org")
    assert _invite_buttons(html) == 1
    assert "Harbor Shelter 03" in html
    assert "shelter03@example.org" not in html.split("invite-results")[1]  # e-mails not listed
    html = _page(signed_in_admin, owner_org, coalition, q="@example.org")
    assert _invite_buttons(html) == 0
    assert "No organization to invite found" in html


def test_a_sector_suggests_that_sectors_organizations_in_the_coalitions_state(
    signed_in_admin: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    html = _page(signed_in_admin, owner_org, coalition, sector="housing")
    assert _invite_buttons(html) == 10
    assert "Harbor Shelter 00" in html
    assert "Lakeside Shelter" not in html  # another state
    assert "narrow the search" not in html  # and not merely cut off
    assert "Valley School" not in html  # another sector
    html = _page(signed_in_admin, owner_org, coalition, sector="housing", q="lakeside")
    assert _invite_buttons(html) == 10  # a name searches every state
    assert "Harbor Shelter" not in html.split("invite-results")[1]


def test_an_unknown_sector_is_refused(
    signed_in_admin: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    url = f"/orgs/{owner_org.uuid}/coalitions/{coalition.uuid}/"
    response = signed_in_admin.get(url, {"sector": "spaceflight"})
    assert response.status_code == 400
    assert _invite_buttons(response.content.decode()) == 0


def test_members_are_not_offered_again(
    signed_in_admin: Client, owner_org: Any, coalition: Any, member: Any
) -> None:
    html = _page(signed_in_admin, owner_org, coalition, q=owner_org.name[:6])
    assert _invite_buttons(html) == 0


def test_inviting_a_found_organization(
    signed_in_admin: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    target = many[25]
    response = signed_in_admin.post(
        f"/orgs/{owner_org.uuid}/coalitions/{coalition.uuid}/invite/",
        {"organization": str(target.uuid)},
    )
    assert response.status_code == 302
    assert CoalitionInvitation.objects.get().organization == target


def test_inviting_an_unknown_or_member_organization_is_404_and_writes_nothing(
    signed_in_admin: Client, owner_org: Any, coalition: Any
) -> None:
    url = f"/orgs/{owner_org.uuid}/coalitions/{coalition.uuid}/invite/"
    for value in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", str(owner_org.uuid)):
        assert signed_in_admin.post(url, {"organization": value}).status_code == 404
    assert not CoalitionInvitation.objects.exists()


def test_a_coordinator_of_a_member_organization_cannot_search_or_invite(
    client: Client, coalition: Any, outsider_org: Any, many: list[Organization], member: Any
) -> None:
    invitation = services.coalition_invite(
        actor=member, coalition=coalition, organization=outsider_org
    )
    partner = make_member(outsider_org, "coordinator")
    services.coalition_invitation_answer(actor=partner, invitation=invitation, accept=True)
    sign_in_as(client, partner.user)
    html = _page(client, outsider_org, coalition, q="Harbor")
    assert "Invite an organization" not in html
    assert _invite_buttons(html) == 0
    response = client.post(
        f"/orgs/{outsider_org.uuid}/coalitions/{coalition.uuid}/invite/",
        {"organization": str(many[0].uuid)},
    )
    assert response.status_code == 404
    assert CoalitionInvitation.objects.count() == 1


def test_a_viewer_of_the_lead_cannot_search(
    client: Client, owner_org: Any, coalition: Any, many: list[Organization]
) -> None:
    viewer = make_member(owner_org, "viewer")
    sign_in_as(client, viewer.user)
    html = _page(client, owner_org, coalition, q="Harbor")
    assert "Invite an organization" not in html
    assert _invite_buttons(html) == 0


def test_the_selector_never_returns_the_whole_instance(
    owner_org: Any, coalition: Any, member: Any, many: list[Organization]
) -> None:
    for query, sector in [("", ""), ("a", ""), ("ab", ""), ("", "nope"), ("@", "")]:
        found, more = selectors.organizations_to_invite(
            membership=member, coalition=coalition, query=query, sector=sector
        )
        assert found == [] and more is False
