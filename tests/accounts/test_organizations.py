"""The organization dashboard and details: sectors from the fixed vocabulary, FIPS jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import make_member, sign_in_as
from upstream.accounts import services
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_edits_sectors_and_contact_details(signed_in_admin: Client, owner_org: Any) -> None:
    response = signed_in_admin.post(
        f"/orgs/{owner_org.uuid}/edit/",
        {
            "name": owner_org.name,
            "sectors": ["housing", "survivor-led"],
            "county_fips": "39049",
            "contact_email": "hello@example.org",
        },
    )
    assert response.status_code == 302
    owner_org.refresh_from_db()
    assert owner_org.sectors == ["housing", "survivor-led"]
    assert owner_org.contact_email == "hello@example.org"
    event = AuditEvent.objects.get(action="org.updated")
    assert "sectors" in event.details["fields"]
    assert event.ip_address == "127.0.0.1"


def test_a_bad_county_code_and_unknown_sector_are_refused_with_messages(
    signed_in_admin: Client, owner_org: Any
) -> None:
    response = signed_in_admin.post(
        f"/orgs/{owner_org.uuid}/edit/",
        {"name": "X", "sectors": ["spaceflight"], "county_fips": "39"},
    )
    body = response.content.decode()
    assert "Choose a county from the list." in body
    assert "Select a valid choice" in body
    owner_org.refresh_from_db()
    assert owner_org.name != "X"


def test_the_sector_vocabulary_is_enforced_by_the_service_too() -> None:
    with pytest.raises(ValidationError):
        services.organization_create(
            actor=None, name="Bad", sectors=["spaceflight"], state_fips="39"
        )


def test_dashboard_shows_the_organization_and_the_members_role(
    client: Client, owner_org: Any
) -> None:
    analyst = make_member(owner_org, "analyst")
    sign_in_as(client, analyst.user)
    body = client.get(f"/orgs/{owner_org.uuid}/").content.decode()
    assert "Health care, Education" in body
    assert "Analyst" in body
    assert f"/orgs/{owner_org.uuid}/audit/" not in body  # no link to what the role cannot open


def test_member_list_and_api_keep_their_query_counts_flat(
    signed_in_admin: Client, owner_org: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(25):
        make_member(owner_org, "staff")
    with django_assert_max_num_queries(15):
        assert signed_in_admin.get(f"/orgs/{owner_org.uuid}/members/").status_code == 200
    with django_assert_max_num_queries(12):
        response = signed_in_admin.get(f"/api/v1/accounts/organizations/{owner_org.uuid}/members")
        assert len(response.json()) == 26
