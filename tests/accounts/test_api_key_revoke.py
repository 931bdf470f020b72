"""Revoking an API key asks first, on a page of its own (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from upstream.accounts import services
from upstream.accounts.models import ApiKey
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_keys_page_links_to_a_confirmation_instead_of_revoking_at_once(
    signed_in_admin: Client, owner_org: Any, member: Any
) -> None:
    key, _ = services.apikey_create(actor=member, name="nightly sync", scope="read")
    keys_page = signed_in_admin.get(f"/orgs/{owner_org.uuid}/keys/").content.decode()
    confirm_url = f"/orgs/{owner_org.uuid}/keys/{key.uuid}/revoke/"
    assert f'href="{confirm_url}"' in keys_page
    assert f'action="{confirm_url}"' not in keys_page
    page = signed_in_admin.get(confirm_url)
    assert page.status_code == 200
    assert "Revoke the key “nightly sync”?" in page.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None
    assert not AuditEvent.objects.filter(action="apikey.revoked").exists()


def test_confirming_revokes_the_key_and_audits_it(
    signed_in_admin: Client, owner_org: Any, member: Any
) -> None:
    key, secret = services.apikey_create(actor=member, name="nightly sync", scope="read")
    response = signed_in_admin.post(f"/orgs/{owner_org.uuid}/keys/{key.uuid}/revoke/")
    assert response["Location"] == f"/orgs/{owner_org.uuid}/keys/"
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(action="apikey.revoked").count() == 1
    api = Client().get(
        f"/api/v1/accounts/organizations/{owner_org.uuid}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 401


def test_the_confirmation_needs_the_csrf_token(owner_org: Any, member: Any) -> None:
    key, _ = services.apikey_create(actor=member, name="k", scope="read")
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, member.user, sudo=True)
    response = client.post(f"/orgs/{owner_org.uuid}/keys/{key.uuid}/revoke/")
    assert response.status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_coordinator_cannot_open_the_revoke_confirmation(
    client: Client, owner_org: Any, member: Any
) -> None:
    key, _ = services.apikey_create(actor=member, name="k", scope="read")
    coordinator = make_member(owner_org, "coordinator")
    sign_in_as(client, coordinator.user, sudo=True)
    assert client.get(f"/orgs/{owner_org.uuid}/keys/{key.uuid}/revoke/").status_code == 403
    assert client.post(f"/orgs/{owner_org.uuid}/keys/{key.uuid}/revoke/").status_code == 403
    assert ApiKey.objects.get().revoked_at is None


def test_an_outsider_admin_gets_404_for_the_key(
    client: Client, owner_org: Any, member: Any, outsider: Any, outsider_org: Any
) -> None:
    key, _ = services.apikey_create(actor=member, name="k", scope="read")
    sign_in_as(client, outsider.user, sudo=True)
    assert client.get(f"/orgs/{outsider_org.uuid}/keys/{key.uuid}/revoke/").status_code == 404
    assert client.post(f"/orgs/{outsider_org.uuid}/keys/{key.uuid}/revoke/").status_code == 404
    assert ApiKey.objects.get().revoked_at is None
