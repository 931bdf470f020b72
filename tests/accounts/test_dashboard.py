"""The organization dashboard: a clean page title, place names instead of FIPS codes, and a
page that tells screeners and providers what they will do here."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import sign_in_as
from upstream.accounts import services

pytestmark = pytest.mark.django_db


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return match.group(1)


@pytest.mark.parametrize("role", ["viewer", "analyst", "staff", "coordinator"])
def test_the_title_is_the_organization_name_without_two_factor(
    client: Client, owner_org: Any, members_by_role: dict[str, Any], role: str
) -> None:
    sign_in_as(client, members_by_role[role].user, verified=False)
    html = client.get(f"/orgs/{owner_org.uuid}/").content.decode()
    assert _title(html) == f"{owner_org.name} · Upstream"
    assert html.count('id="account-heading"') == 1
    assert "Set up two-factor sign-in" in html


def test_the_jurisdiction_is_named_not_coded(signed_in_admin: Client, owner_org: Any) -> None:
    html = signed_in_admin.get(f"/orgs/{owner_org.uuid}/").content.decode()
    assert "Franklin County, Ohio" in html
    assert "FIPS" not in html


def test_a_state_wide_organization_names_its_state(
    client: Client, outsider_org: Any, outsider: Any
) -> None:
    sign_in_as(client, outsider.user)
    html = client.get(f"/orgs/{outsider_org.uuid}/").content.decode()
    assert "<dd>Ohio</dd>" in html
    assert "<dt>Sector</dt>" in html  # one sector, singular


def test_member_counts_use_role_names_and_only_for_who_sees_members(
    client: Client, owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    sign_in_as(client, members_by_role["coordinator"].user)
    html = client.get(f"/orgs/{owner_org.uuid}/").content.decode()
    assert '<th scope="row">Service provider</th>' in html
    assert "<dt>Sectors</dt>" in html
    sign_in_as(client, members_by_role["viewer"].user)
    assert "Members by role" not in client.get(f"/orgs/{owner_org.uuid}/").content.decode()


@pytest.mark.parametrize(
    ("role", "heading", "promise"),
    [
        ("screener", "Screening is coming here", "with a person's consent"),
        ("provider", "Your referral inbox is coming here", "accept or decline each one"),
    ],
)
def test_screeners_and_providers_are_told_what_they_will_do_and_can_do_now(
    client: Client,
    owner_org: Any,
    members_by_role: dict[str, Any],
    role: str,
    heading: str,
    promise: str,
) -> None:
    sign_in_as(client, members_by_role[role].user)
    html = client.get(f"/orgs/{owner_org.uuid}/").content.decode()
    assert heading in html
    assert promise in html
    assert 'href="/community/"' in html
    assert f'href="/orgs/{owner_org.uuid}/coalitions/"' in html
    assert "Members by role" not in html


def test_other_roles_do_not_get_the_screening_placeholder(
    client: Client, owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    sign_in_as(client, members_by_role["coordinator"].user)
    html = client.get(f"/orgs/{owner_org.uuid}/").content.decode()
    assert "Screening is coming here" not in html
    assert "referral inbox" not in html


def test_the_coalition_area_is_named(signed_in_admin: Client, owner_org: Any, member: Any) -> None:
    coalition = services.coalition_create(
        actor=member, name="Central Ohio Coalition", state_fips="39", county_fips=["39049"]
    )
    html = signed_in_admin.get(f"/orgs/{owner_org.uuid}/coalitions/{coalition.uuid}/")
    text = html.content.decode()
    assert "1 member organization ·" in text
    assert "Franklin County, Ohio" in text
    assert "FIPS" not in text


def test_the_coalition_list_names_each_coalitions_area(
    signed_in_admin: Client, owner_org: Any, member: Any
) -> None:
    services.coalition_create(actor=member, name="Statewide Coalition", state_fips="39")
    services.coalition_create(
        actor=member, name="Two-County Coalition", state_fips="39", county_fips=["39049", "39041"]
    )
    html = signed_in_admin.get(f"/orgs/{owner_org.uuid}/coalitions/").content.decode()
    assert f"(led by {owner_org.name}; Ohio)" in html
    assert "Franklin County, Ohio; Delaware County, Ohio)" in html


def test_the_dashboard_reads_the_memberships_once_whatever_their_number(
    client: Client, owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from upstream.accounts.models import Membership

    viewer = members_by_role["viewer"].user
    sign_in_as(client, viewer, verified=False)
    url = f"/orgs/{owner_org.uuid}/"
    client.get(url)  # the first visit records the current organization in the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(3):
        other = services.organization_create(
            actor=None, name=f"Other {n}", sectors=["education"], state_fips="39"
        )
        services.membership_create(actor=None, user=viewer, organization=other, role="viewer")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Switch organization" in html
    assert len(many.captured_queries) == len(one.captured_queries)
    membership_reads = [
        q for q in many.captured_queries if Membership._meta.db_table in q["sql"].split("WHERE")[0]
    ]
    # one list of the person's memberships: access check, two-factor rule and header share it
    assert len([q for q in membership_reads if "COUNT" not in q["sql"]]) == 1
    assert len(many.captured_queries) <= 7
