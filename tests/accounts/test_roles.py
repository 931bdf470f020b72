"""Roles and privilege escalation: who may change whom, and what removal does at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.conftest import sign_in_as
from upstream.accounts import services
from upstream.accounts.models import Membership
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_changes_a_role_after_confirming_it_is_them(
    client: Client, owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    admin, staff = members_by_role["admin"], members_by_role["staff"]
    sign_in_as(client, admin.user, sudo=False)
    url = f"/orgs/{owner_org.uuid}/members/{staff.uuid}/role/"
    response = client.post(url, {"role": "analyst"})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/confirm/")
    staff.refresh_from_db()
    assert staff.role == "staff"
    sign_in_as(client, admin.user, sudo=True)
    client.post(url, {"role": "analyst"})
    staff.refresh_from_db()
    assert staff.role == "analyst"
    event = AuditEvent.objects.get(action="member.role_changed")
    assert event.details == {"from": "staff", "to": "analyst"}


def test_confirming_identity_needs_the_password_and_the_one_time_code(
    client: Client, member: Any, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would delay the right one
    from tests.accounts.conftest import totp_now

    member.user.set_password("the-admin-password-9")
    member.user.save()
    sign_in_as(client, member.user)
    response = client.post(
        "/account/confirm/", {"password": "the-admin-password-9", "code": "000000"}
    )
    assert response.status_code == 400
    response = client.post(
        "/account/confirm/?next=/orgs/",
        {"password": "the-admin-password-9", "code": totp_now(member.user), "next": "/orgs/"},
    )
    assert response.status_code == 302
    from upstream.accounts.two_factor import SUDO_SESSION_KEY

    assert SUDO_SESSION_KEY in client.session


def test_coordinator_cannot_change_roles(members_by_role: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_change_role(
            actor=members_by_role["coordinator"],
            member=members_by_role["coordinator"],
            role="admin",
        )


def test_admin_cannot_act_in_another_organization(member: Any, outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=member, member=outsider, role="viewer")
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=member, member=outsider)


def test_admin_gets_404_for_another_organizations_member_pages(
    signed_in_admin: Client, owner_org: Any, outsider: Any
) -> None:
    # The outsider's membership uuid under the admin's own organization: not found.
    url = f"/orgs/{owner_org.uuid}/members/{outsider.uuid}/"
    assert signed_in_admin.get(url).status_code == 404
    assert signed_in_admin.post(url + "remove/").status_code == 404
    assert Membership.active.filter(pk=outsider.pk).exists()


def test_outsider_gets_404_for_another_organizations_member_list(
    client: Client, owner_org: Any, outsider: Any
) -> None:
    sign_in_as(client, outsider.user)
    assert client.get(f"/orgs/{owner_org.uuid}/members/").status_code == 404


def test_the_last_admin_cannot_be_demoted_or_removed(member: Any) -> None:
    with pytest.raises(ValidationError):
        services.membership_change_role(actor=member, member=member, role="viewer")
    with pytest.raises(ValidationError):
        services.membership_remove(actor=member, member=member)


def test_a_removed_member_loses_access_and_keys_at_once(
    owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    admin, coordinator = members_by_role["admin"], members_by_role["coordinator"]
    coordinator_client = Client()
    sign_in_as(coordinator_client, coordinator.user)
    promoted = services.membership_change_role(actor=admin, member=coordinator, role="admin")
    _, secret = services.apikey_create(actor=promoted, name="sync", scope="read")
    api = f"/api/v1/accounts/organizations/{owner_org.uuid}"
    assert coordinator_client.get(f"/orgs/{owner_org.uuid}/").status_code == 200
    assert Client().get(api, headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    services.membership_remove(actor=admin, member=promoted)

    assert coordinator_client.get(f"/orgs/{owner_org.uuid}/").status_code == 404
    assert coordinator_client.get(api).status_code == 404
    assert Client().get(api, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_deactivated_user_is_signed_out_everywhere(client: Client, member: Any) -> None:
    sign_in_as(client, member.user)
    member.user.is_active = False
    member.user.save()
    assert client.get(f"/orgs/{member.organization.uuid}/").status_code == 302


def test_the_role_matrix_in_the_docs_matches_the_policy() -> None:
    from tests.conftest import REPO_ROOT
    from upstream.accounts.policy import PERMISSIONS, Role

    text = (REPO_ROOT / "docs" / "security.md").read_text()
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(Role) and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = {
                role.value for role, cell in zip(Role, cells[2:], strict=True) if cell == "✔"
            }
    assert rows == {action: {r.value for r in roles} for action, roles in PERMISSIONS.items()}


def test_a_change_and_its_audit_event_commit_or_fail_together(
    members_by_role: dict[str, Any], monkeypatch: Any
) -> None:
    from upstream.accounts.services import members as member_services

    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(member_services, "audit_record", broken_audit)
    staff = members_by_role["staff"]
    with pytest.raises(RuntimeError):
        services.membership_change_role(actor=members_by_role["admin"], member=staff, role="viewer")
    staff.refresh_from_db()
    assert staff.role == "staff"
