"""A member who lost both authenticator and recovery codes: an admin (or the operator) resets
their two-factor sign-in; they are signed out everywhere and enrol again."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import PASSWORD
from tests.conftest import make_member, sign_in_as
from upstream.accounts.models import Membership
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _reset_url(org: Any, person: Any) -> str:
    return f"/orgs/{org.uuid}/members/{person.uuid}/reset-two-factor/"


def test_an_admin_resets_a_screeners_two_factor_and_signs_them_out_everywhere(
    signed_in_admin: Client, owner_org: Any, screener: Any
) -> None:
    theirs = Client()
    sign_in_as(theirs, screener.user)
    StaticDevice.objects.create(user=screener.user, name="recovery", confirmed=True)
    dashboard = f"/orgs/{owner_org.uuid}/"
    assert theirs.get(dashboard).status_code == 200
    page = signed_in_admin.get(f"/orgs/{owner_org.uuid}/members/{screener.uuid}/").content.decode()
    assert "Reset two-factor sign-in" in page
    response = signed_in_admin.post(_reset_url(owner_org, screener))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=screener.user).exists()
    assert not StaticDevice.objects.filter(user=screener.user).exists()
    assert theirs.get(dashboard).status_code == 302  # that session has ended
    event = AuditEvent.objects.get(action="auth.two_factor_reset")
    assert event.organization == owner_org and event.ip_address == "127.0.0.1"
    # the password signs them in again, straight into setting up a new authenticator
    again = Client()
    signed = again.post("/account/sign-in/", {"email": screener.user.email, "password": PASSWORD})
    assert signed["Location"] == "/account/two-factor/"


def test_the_reset_needs_a_fresh_confirmation_of_the_admins_identity(
    client: Client, owner_org: Any, member: Any, screener: Any
) -> None:
    sign_in_as(client, member.user)  # signed in, but not recently confirmed
    TOTPDevice.objects.create(user=screener.user, name="phone", confirmed=True)
    response = client.post(_reset_url(owner_org, screener))
    assert response.status_code == 302 and "confirm" in response["Location"]
    assert TOTPDevice.objects.filter(user=screener.user).exists()


def test_only_admins_reset_and_only_for_their_own_organizations_members(
    client: Client, owner_org: Any, outsider_org: Any, screener: Any, outsider: Any
) -> None:
    TOTPDevice.objects.create(user=screener.user, name="phone", confirmed=True)
    coordinator = make_member(owner_org, "coordinator")
    sign_in_as(client, coordinator.user, sudo=True)
    assert client.post(_reset_url(owner_org, screener)).status_code == 403
    other = Client()
    sign_in_as(other, outsider.user, sudo=True)
    assert other.post(_reset_url(outsider_org, screener)).status_code == 404
    assert TOTPDevice.objects.filter(user=screener.user).exists()
    assert not AuditEvent.objects.filter(action="auth.two_factor_reset").exists()


def test_a_person_in_several_organizations_is_left_to_the_operator(
    signed_in_admin: Client, owner_org: Any, outsider_org: Any, screener: Any
) -> None:
    Membership.objects.create(user=screener.user, organization=outsider_org, role="provider")
    TOTPDevice.objects.create(user=screener.user, name="phone", confirmed=True)
    response = signed_in_admin.post(_reset_url(owner_org, screener), follow=True)
    assert "ask the site" in response.content.decode()
    assert TOTPDevice.objects.filter(user=screener.user).exists()
    call_command("accounts", "reset-two-factor", screener.user.email)
    assert not TOTPDevice.objects.filter(user=screener.user).exists()
    events = AuditEvent.objects.filter(action="auth.two_factor_reset")
    assert {e.organization for e in events} == {owner_org, outsider_org}
    assert {e.details["by"] for e in events} == {"operator"}
    assert {e.actor_label for e in events} == {"operator"}
    # each organization's log names that organization's membership
    assert {e.target_id for e in events} == {
        str(m.uuid) for m in Membership.objects.filter(user=screener.user)
    }
    with pytest.raises(CommandError, match="No account"):
        call_command("accounts", "reset-two-factor", "nobody@example.org")


def test_a_member_without_two_factor_has_nothing_to_reset(
    signed_in_admin: Client, owner_org: Any, viewer: Any
) -> None:
    response = signed_in_admin.post(_reset_url(owner_org, viewer), follow=True)
    assert "no two-factor sign-in to reset" in response.content.decode()
    assert not AuditEvent.objects.filter(action="auth.two_factor_reset").exists()


def test_without_a_fresh_confirmation_the_admin_returns_to_the_member_page_not_the_form_action(
    client: Client, owner_org: Any, member: Any, screener: Any
) -> None:
    sign_in_as(client, member.user)
    TOTPDevice.objects.create(user=screener.user, name="phone", confirmed=True)
    page = f"http://testserver/orgs/{owner_org.uuid}/members/{screener.uuid}/"
    response = client.post(_reset_url(owner_org, screener), HTTP_REFERER=page)
    assert response.status_code == 302
    assert "next=%2Forgs%2F" in response["Location"]
    assert "reset-two-factor" not in response["Location"]
    # another site's page is never a destination
    response = client.post(_reset_url(owner_org, screener), HTTP_REFERER="https://evil.example/x")
    assert "reset-two-factor" in response["Location"]
