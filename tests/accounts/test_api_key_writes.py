"""API keys write without CSRF tokens; the browser session still needs them (CSRF is the
session cookie's risk, and a key header is not something another site can make a browser send)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import sign_in_as
from upstream.accounts import services

pytestmark = pytest.mark.django_db


def _org_url(org: Any) -> str:
    return f"/api/v1/accounts/organizations/{org.uuid}"


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("header", ["Authorization", "X-API-Key"])
def test_a_read_write_key_writes_without_a_csrf_token(
    csrf_client: Client, owner_org: Any, member: Any, header: str
) -> None:
    _, secret = services.apikey_create(actor=member, name="rw", scope="write")
    value = f"Bearer {secret}" if header == "Authorization" else secret
    response = csrf_client.patch(
        _org_url(owner_org),
        {"contact_phone": "555-0101"},
        content_type="application/json",
        headers={header: value},
    )
    assert response.status_code == 200, response.content
    owner_org.refresh_from_db()
    assert owner_org.contact_phone == "555-0101"


def test_a_session_write_without_the_csrf_header_is_refused(
    csrf_client: Client, owner_org: Any, member: Any
) -> None:
    sign_in_as(csrf_client, member.user)
    response = csrf_client.patch(
        _org_url(owner_org), {"contact_phone": "555-0102"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "CSRF" in response.json()["error"]["message"]
    owner_org.refresh_from_db()
    assert owner_org.contact_phone != "555-0102"


def test_a_session_write_with_the_csrf_header_is_accepted(
    csrf_client: Client, owner_org: Any, member: Any
) -> None:
    sign_in_as(csrf_client, member.user)
    csrf_client.get(f"/orgs/{owner_org.uuid}/settings/")  # a page with a form sets the cookie
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
    response = csrf_client.patch(
        _org_url(owner_org),
        {"contact_phone": "555-0103"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content


def test_a_key_sent_with_a_session_cookie_still_needs_the_csrf_header(
    csrf_client: Client, owner_org: Any, member: Any
) -> None:
    _, secret = services.apikey_create(actor=member, name="rw", scope="write")
    sign_in_as(csrf_client, member.user)
    response = csrf_client.patch(
        _org_url(owner_org),
        {"contact_phone": "555-0104"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
    owner_org.refresh_from_db()
    assert owner_org.contact_phone != "555-0104"


def test_a_wrong_key_does_not_fall_back_to_the_session(
    csrf_client: Client, owner_org: Any, member: Any
) -> None:
    sign_in_as(csrf_client, member.user)
    response = csrf_client.get(
        _org_url(owner_org), headers={"Authorization": "Bearer upk_nothing_wrong"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_read_only_key_still_cannot_write_without_csrf(
    csrf_client: Client, owner_org: Any, member: Any
) -> None:
    _, secret = services.apikey_create(actor=member, name="r", scope="read")
    response = csrf_client.patch(
        _org_url(owner_org),
        {"contact_phone": "555-0105"},
        content_type="application/json",
        headers={"X-API-Key": secret},
    )
    assert response.status_code == 403
    assert "key" in response.json()["error"]["message"]
