"""API keys (shown once, prefix + hash, read-only or read-write) and the accounts API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import sign_in_as
from upstream.accounts import services
from upstream.accounts.models import ApiKey
from upstream.accounts.services import token_hash

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_admin_creates_a_key_that_is_shown_once_and_stored_as_prefix_and_hash(
    signed_in_admin: Client, owner_org: Any
) -> None:
    url = f"/orgs/{owner_org.uuid}/keys/"
    page = signed_in_admin.post(url, {"name": "dashboard", "scope": "read"}).content.decode()
    secret = re.search(r'<code id="new-key">(\S+)</code>', page)
    assert secret
    key = ApiKey.objects.get()
    assert secret.group(1).startswith(f"upk_{key.prefix}_")
    assert key.key_hash == token_hash(secret.group(1))
    assert secret.group(1) not in signed_in_admin.get(url).content.decode()


def test_key_management_needs_a_fresh_confirmation(
    client: Client, owner_org: Any, member: Any
) -> None:
    sign_in_as(client, member.user, sudo=False)
    response = client.get(f"/orgs/{owner_org.uuid}/keys/")
    assert response["Location"].startswith("/account/confirm/")


def test_a_read_only_key_reads_but_cannot_write(owner_org: Any, member: Any) -> None:
    _, secret = services.apikey_create(actor=member, name="r", scope="read")
    client = Client()
    url = f"/api/v1/accounts/organizations/{owner_org.uuid}"
    assert client.get(url, headers=_bearer(secret)).json()["name"] == owner_org.name
    response = client.patch(
        url, {"name": "Renamed"}, content_type="application/json", headers=_bearer(secret)
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    owner_org.refresh_from_db()
    assert owner_org.name != "Renamed"


def test_a_read_write_key_can_edit_the_organization_and_the_change_is_audited(
    owner_org: Any, member: Any
) -> None:
    from upstream.audit.models import AuditEvent

    _, secret = services.apikey_create(actor=member, name="rw", scope="write")
    response = Client().patch(
        f"/api/v1/accounts/organizations/{owner_org.uuid}",
        {"contact_phone": "555-0100"},
        content_type="application/json",
        headers=_bearer(secret),
    )
    assert response.status_code == 200
    assert response.json()["contact_phone"] == "555-0100"
    assert AuditEvent.objects.filter(action="org.updated", actor=member.user).exists()


def test_a_key_cannot_reach_another_organization(
    owner_org: Any, member: Any, outsider_org: Any
) -> None:
    _, secret = services.apikey_create(actor=member, name="r", scope="read")
    response = Client().get(
        f"/api/v1/accounts/organizations/{outsider_org.uuid}", headers=_bearer(secret)
    )
    assert response.status_code == 404
    listed = Client().get("/api/v1/accounts/organizations", headers=_bearer(secret)).json()
    assert [item["organization"]["name"] for item in listed] == [owner_org.name]


def test_revoked_and_forged_keys_are_refused(owner_org: Any, member: Any) -> None:
    key, secret = services.apikey_create(actor=member, name="r", scope="read")
    url = "/api/v1/accounts/organizations"
    forged = secret[:-4] + "AAAA"
    assert Client().get(url, headers=_bearer(forged)).status_code == 401
    services.apikey_revoke(actor=member, key=key)
    assert Client().get(url, headers=_bearer(secret)).status_code == 401
    assert Client().get(url, headers={"X-API-Key": secret}).status_code == 401


def test_session_callers_need_csrf_for_writes(owner_org: Any, member: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, member.user)
    url = f"/api/v1/accounts/organizations/{owner_org.uuid}"
    assert client.get(url).status_code == 200
    response = client.patch(url, {"name": "X"}, content_type="application/json")
    assert response.status_code in (401, 403)
    owner_org.refresh_from_db()
    assert owner_org.name != "X"


def test_members_api_lists_only_the_organizations_members(
    client: Client, owner_org: Any, member: Any, outsider: Any
) -> None:
    sign_in_as(client, member.user)
    data = client.get(f"/api/v1/accounts/organizations/{owner_org.uuid}/members").json()
    assert [m["email"] for m in data] == [member.user.email]


def test_an_unverified_session_of_a_two_factor_role_is_not_accepted(
    client: Client, owner_org: Any, member: Any
) -> None:
    sign_in_as(client, member.user, verified=False)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=member.user, name="x", confirmed=True)
    assert client.get("/api/v1/accounts/organizations").status_code == 401


def test_each_key_is_rate_limited_separately(owner_org: Any, member: Any) -> None:
    from django.core.cache import cache

    from upstream.accounts.api import router

    _, first = services.apikey_create(actor=member, name="a", scope="read")
    _, second = services.apikey_create(actor=member, name="b", scope="read")
    throttle = router.throttle[0]  # type: ignore[index]
    limit = throttle.num_requests
    cache.clear()
    url = "/api/v1/accounts/organizations"
    statuses = [Client().get(url, headers=_bearer(first)).status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [200] * limit
    assert statuses[-1] == 429
    assert Client().get(url, headers=_bearer(second)).status_code == 200
    cache.clear()


def test_an_oversized_api_request_is_refused_in_the_error_shape(
    owner_org: Any, member: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    _, secret = services.apikey_create(actor=member, name="rw", scope="write")
    response = Client().patch(
        f"/api/v1/accounts/organizations/{owner_org.uuid}",
        '{"name": "%s"}' % ("x" * 5000),
        content_type="application/json",
        headers=_bearer(secret),
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    owner_org.refresh_from_db()
    assert owner_org.name.startswith("Owner")
