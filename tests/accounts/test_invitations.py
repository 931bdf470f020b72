"""Invitation-only accounts: an admin invites by email; the link works once and expires."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from upstream.accounts.models import Invitation, Membership, User
from upstream.accounts.services import token_hash
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-password-77"


def _invite(client: Client, org: Any, email: str, role: str) -> Any:
    return client.post(f"/orgs/{org.uuid}/members/invite/", {"email": email, "role": role})


def _link(django_capture_on_commit_callbacks: Any, client: Client, org: Any, email: str) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, org, email, "staff")
    assert response.status_code == 302
    match = re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body)
    assert match
    return match.group(1)


def test_admin_invites_by_email_and_the_token_is_stored_only_hashed(
    signed_in_admin: Client, owner_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _link(django_capture_on_commit_callbacks, signed_in_admin, owner_org, "New@Example.org")
    token = link.split("/")[2]
    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.org"
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert mail.outbox[-1].to == ["new@example.org"]
    assert AuditEvent.objects.filter(
        action="member.invited", target_label="new@example.org"
    ).exists()


def test_invitee_accepts_sets_a_password_and_becomes_a_member(
    signed_in_admin: Client, owner_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _link(django_capture_on_commit_callbacks, signed_in_admin, owner_org, "new@example.org")
    invitee = Client()
    page = invitee.get(link)
    assert "new@example.org" in page.content.decode()
    response = invitee.post(
        link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert Membership.active.get(user=user).role == "staff"
    assert invitee.get(f"/orgs/{owner_org.uuid}/").status_code == 200


def test_a_used_invitation_link_is_refused_the_second_time(
    signed_in_admin: Client, owner_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _link(django_capture_on_commit_callbacks, signed_in_admin, owner_org, "new@example.org")
    data = {"full_name": "New", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    Client().post(link, data)
    again = Client().post(link, {**data, "password1": "another-long-pw-99"})
    assert again.status_code == 410
    assert "cannot be used" in again.content.decode()
    assert User.objects.get(email="new@example.org").check_password(NEW_PASSWORD)


def test_an_expired_invitation_link_is_refused(
    signed_in_admin: Client, owner_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _link(django_capture_on_commit_callbacks, signed_in_admin, owner_org, "new@example.org")
    with time_machine.travel(Invitation.objects.get().expires_at, tick=False):
        response = Client().post(
            link, {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
    assert response.status_code == 410
    assert not User.objects.filter(email="new@example.org").exists()


def test_a_weak_password_is_refused_with_the_validators_message_and_creates_nothing(
    signed_in_admin: Client, owner_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _link(django_capture_on_commit_callbacks, signed_in_admin, owner_org, "new@example.org")
    response = Client().post(
        link, {"full_name": "Weak", "password1": "password", "password2": "password"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "too short" in body or "too common" in body
    assert not User.objects.filter(email="new@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_malformed_email_is_refused_and_nothing_is_sent(
    signed_in_admin: Client, owner_org: Any
) -> None:
    response = _invite(signed_in_admin, owner_org, "not an email", "staff")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_coordinator_cannot_invite_an_admin(
    client: Client, owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    from tests.conftest import sign_in_as

    sign_in_as(client, members_by_role["coordinator"].user)
    response = _invite(client, owner_org, "boss@example.org", "admin")
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert _invite(client, owner_org, "helper@example.org", "staff").status_code == 302


def test_coordinator_cannot_grant_admin_through_the_service_either(
    members_by_role: dict[str, Any],
) -> None:
    from django.core.exceptions import PermissionDenied

    from upstream.accounts import services

    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=members_by_role["coordinator"], email="x@example.org", role="admin"
        )


def test_an_existing_user_joins_a_second_organization_after_signing_in(
    outsider: Any, owner_org: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.conftest import sign_in_as
    from upstream.accounts import services

    _, token = services.invitation_create(actor=member, email=outsider.user.email, role="viewer")
    client = Client()
    assert "Sign in" in client.get(f"/invitations/{token}/").content.decode()
    sign_in_as(client, outsider.user)
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 302
    assert Membership.active.filter(user=outsider.user, organization=owner_org).exists()


def test_an_admin_can_revoke_an_open_invitation(
    signed_in_admin: Client, owner_org: Any, member: Any
) -> None:
    from upstream.accounts import services

    invitation, token = services.invitation_create(
        actor=member, email="x@example.org", role="staff"
    )
    signed_in_admin.post(f"/orgs/{owner_org.uuid}/invitations/{invitation.uuid}/revoke/")
    assert Client().get(f"/invitations/{token}/").status_code == 410
    from upstream.audit.models import AuditEvent

    revoked = AuditEvent.objects.get(action="member.invitation_revoked")
    assert revoked.ip_address == "127.0.0.1"
