"""A new provider's first day: invited by an admin → accepts → sets a password → enrolls TOTP →
signs in with a one-time code → sees their own organization only. Every page passes axe."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible
from upstream.accounts import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "admin-password-for-the-journey"
NEW_PASSWORD = "provider-password-for-the-journey"


def _code(key: bytes, steps_ahead: int = 0) -> str:
    """A TOTP code; ``steps_ahead`` picks a later 30-second step (accepted within tolerance)."""
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _next_code(email: str, key: bytes) -> str:
    """A code for the next 30-second step. When an earlier code was made just before a step
    boundary, the server records a drift of -1 and would then refuse the next step's code: clear
    the drift first so the test does not depend on where the clock falls."""
    TOTPDevice.objects.filter(user__email=email).update(drift=0)
    return _code(key, steps_ahead=1)


def _sign_in(page: Any, base: str, email: str, password: str, code: str) -> None:
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/verify/**")
    assert_accessible(page)
    page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Verify").click()


def test_invited_provider_enrolls_and_sees_only_their_organization(
    live_server: Any, browser: Any
) -> None:
    own = services.organization_create(
        actor=None, name="Harbor Clinic", sectors=["health-care"], state_fips="39"
    )
    other = services.organization_create(
        actor=None, name="Elsewhere Shelter", sectors=["housing"], state_fips="39"
    )
    make_member(other, "admin", email="other-admin@example.org", password=ADMIN_PASSWORD)
    admin = make_member(own, "admin", email="admin@example.org", password=ADMIN_PASSWORD)
    admin_device = TOTPDevice.objects.create(user=admin.user, name="app", confirmed=True)
    base = live_server.url

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(page, base, "admin@example.org", ADMIN_PASSWORD, _code(admin_device.bin_key))
    page.wait_for_url("**/plans/")  # people with plans land on them
    assert_accessible(page)
    page.get_by_role("link", name="Harbor Clinic").first.click()
    page.wait_for_url(f"**/orgs/{own.uuid}/")
    page.get_by_role("link", name="Members").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("new.provider@example.org")
    page.get_by_label("Role").select_option("provider")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url(f"**/orgs/{own.uuid}/members/")
    assert "new.provider@example.org" in page.content()
    for section in ("Coalitions", "Audit log"):
        page.get_by_role("link", name=section).first.click()
        assert_accessible(page)
    page.get_by_role("link", name="API keys").first.click()
    page.wait_for_url("**/account/confirm/**")
    assert_accessible(page)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_label("One-time code").fill(_next_code("admin@example.org", admin_device.bin_key))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"**/orgs/{own.uuid}/keys/")
    assert_accessible(page)
    context.close()

    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + urlsplit(link.group(0)).path)
    assert_accessible(page)
    page.get_by_label("Your name").fill("New Provider")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    page.wait_for_url("**/account/two-factor/")
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = b32decode(secret)
    page.get_by_label("6-digit code from your app").fill(_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_url("**/account/two-factor/recovery-codes/")
    assert page.locator("#recovery-codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/account/sign-in/")

    code = _next_code("new.provider@example.org", key)
    _sign_in(page, base, "new.provider@example.org", NEW_PASSWORD, code)
    page.wait_for_url(f"**/orgs/{own.uuid}/")
    assert page.locator("h1").inner_text() == "Harbor Clinic"
    assert "Service provider" in page.content()
    assert "Elsewhere Shelter" not in page.content()
    assert_accessible(page)
    page.goto(base + f"/orgs/{other.uuid}/")
    assert "Elsewhere Shelter" not in page.content()
    assert page.locator("h1").inner_text() != "Elsewhere Shelter"
    context.close()
