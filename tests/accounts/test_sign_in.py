"""Signing in and out: messages, lockout, inactivity expiry, CSRF, oversized requests."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings

from tests.accounts.conftest import PASSWORD
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"


def _post(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post(SIGN_IN, {"email": email, "password": password}, **extra)


def test_viewer_signs_in_and_lands_on_their_plans(client: Client, viewer: Any) -> None:
    response = _post(client, "Viewer@Example.org", PASSWORD, follow=True)
    assert response.redirect_chain[-1][0] == "/plans/"
    assert "Your plans" in response.content.decode()
    assert viewer.organization.name in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.sign_in").get()
    assert event.actor == viewer.user
    assert event.organization == viewer.organization


def test_wrong_password_gets_a_clear_message_and_is_audited(client: Client, viewer: Any) -> None:
    response = _post(client, "viewer@example.org", "not-the-password")
    assert response.status_code == 400
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.organization == viewer.organization
    assert event.actor is None


def test_malformed_email_is_refused_with_a_message_tied_to_the_field(client: Client) -> None:
    response = _post(client, "not-an-email", "whatever")
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert 'aria-describedby="id_email-error"' in body
    assert not AuditEvent.objects.filter(action="auth.sign_in").exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_account_is_locked_after_repeated_failures_even_with_the_right_password(
    client: Client, viewer: Any
) -> None:
    for _ in range(3):
        _post(client, "viewer@example.org", "wrong-password", REMOTE_ADDR="10.0.0.1")
    response = _post(client, "viewer@example.org", PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    assert "Sign-in is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_address_is_locked_after_repeated_failures_across_accounts(
    client: Client, viewer: Any
) -> None:
    for n in range(3):
        _post(client, f"nobody{n}@example.org", "wrong-password", REMOTE_ADDR="10.0.0.9")
    response = _post(client, "viewer@example.org", PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert (
        _post(Client(), "viewer@example.org", PASSWORD, REMOTE_ADDR="10.0.0.8").status_code == 302
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_admin_sees_a_locked_member_and_can_clear_the_lock(
    client: Client, signed_in_admin: Client, viewer: Any
) -> None:
    other = Client()
    for _ in range(3):
        _post(other, "viewer@example.org", "wrong-password")
    org = viewer.organization.uuid
    members_page = signed_in_admin.get(f"/orgs/{org}/members/").content.decode()
    assert "Locked out" in members_page
    response = signed_in_admin.post(f"/orgs/{org}/members/{viewer.uuid}/unlock/")
    assert response.status_code == 302
    assert "Locked out" not in signed_in_admin.get(f"/orgs/{org}/members/").content.decode()
    assert _post(other, "viewer@example.org", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.unlocked").exists()


def test_session_ends_after_inactivity(client: Client, viewer: Any) -> None:
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        _post(client, "viewer@example.org", PASSWORD)
        dashboard = f"/orgs/{viewer.organization.uuid}/"
        assert client.get(dashboard).status_code == 200
        clock.shift(29 * 60)
        assert client.get(dashboard).status_code == 200
        clock.shift(31 * 60)
        response = client.get(dashboard)
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)


def test_sign_out_needs_post_and_ends_the_session(client: Client, viewer: Any) -> None:
    _post(client, "viewer@example.org", PASSWORD)
    assert client.get("/account/sign-out/").status_code == 405
    client.post("/account/sign-out/")
    assert client.get(f"/orgs/{viewer.organization.uuid}/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_out").exists()


def test_forged_csrf_is_refused_and_signs_nobody_in(viewer: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = _post(client, "viewer@example.org", PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_htmx_requests_get_the_csrf_token_from_the_page(client: Client) -> None:
    body = client.get(SIGN_IN).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_oversized_request_is_refused_and_changes_nothing(client: Client, viewer: Any) -> None:
    response = client.post(
        SIGN_IN, {"email": "viewer@example.org", "password": PASSWORD, "pad": "x" * 4096}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action__startswith="auth.sign_in").exists()


def test_sign_in_never_redirects_off_site(client: Client, viewer: Any) -> None:
    response = client.post(
        SIGN_IN + "?next=https://evil.example.com/",
        {"email": "viewer@example.org", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil")


def test_a_user_in_two_organizations_switches_between_them(
    client: Client, viewer: Any, outsider_org: Any
) -> None:
    from upstream.accounts import services

    services.membership_create(
        actor=None, user=viewer.user, organization=outsider_org, role="viewer"
    )
    _post(client, "viewer@example.org", PASSWORD)
    page = client.get("/orgs/switch/").content.decode()
    assert viewer.organization.name in page and outsider_org.name in page
    assert client.get(f"/orgs/{outsider_org.uuid}/").status_code == 200
    assert client.get("/orgs/")["Location"] == f"/orgs/{outsider_org.uuid}/"
    assert client.get(f"/orgs/{viewer.organization.uuid}/").status_code == 200
    assert client.get("/orgs/")["Location"] == f"/orgs/{viewer.organization.uuid}/"


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings: Any) -> None:
    from django.test import RequestFactory

    from upstream.accounts.lockout import client_ip

    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1"
    )
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.7"


def test_a_forged_form_gets_a_page_that_says_nothing_changed(viewer: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = _post(client, "viewer@example.org", PASSWORD)
    assert response.status_code == 403
    assert "Nothing was changed" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_successful_sign_in_to_another_account_does_not_reset_the_count(
    client: Client, viewer: Any, screener: Any
) -> None:
    for _ in range(2):
        _post(Client(), "viewer@example.org", "wrong-password", REMOTE_ADDR="10.1.1.1")
    assert (
        _post(Client(), "screener@example.org", PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 302
    )
    _post(Client(), "viewer@example.org", "wrong-password", REMOTE_ADDR="10.1.1.1")
    response = _post(Client(), "viewer@example.org", PASSWORD, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429
