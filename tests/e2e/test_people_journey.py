"""A screener records a person, records their consent, withdraws it after confirming, and sees
the withdrawal on the person's page. Every page passes axe."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_planning_journey import _check
from upstream.accounts import services
from upstream.people import services as people
from upstream.people.models import Consent, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "screener-password-for-the-people-journey"


def _code(key: bytes) -> str:
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_screener_records_a_person_and_a_consent_then_withdraws_it(
    live_server: Any, page: Any
) -> None:
    org = services.organization_create(
        actor=None, name="Harbor Shelter", sectors=["housing"], state_fips="39"
    )
    admin = make_member(org, "admin")
    people.people_settings_update(actor=admin, recorded_fields=["display_name"])
    screener = make_member(org, "screener", email="screener@example.org", password=PASSWORD)
    device = TOTPDevice.objects.create(user=screener.user, name="app", confirmed=True)
    base = live_server.url

    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill("screener@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/verify/**")
    page.get_by_label("One-time code").fill(_code(device.bin_key))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()

    page.goto(f"{base}/orgs/{org.uuid}/people/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a person").click()
    page.wait_for_url("**/people/new/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Journey Person")
    page.get_by_role("button", name="Record the person").click()
    person = Person.objects.get()
    page.wait_for_url(f"**/people/{person.uuid}/")
    assert "Journey Person" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Record a consent").click()
    page.wait_for_url("**/consents/new/")
    assert_accessible(page)
    _check(page, "Screening only")
    _check(page, "Verbal")
    page.get_by_role("button", name="Record the consent").click()
    page.wait_for_url(f"**/people/{person.uuid}/")
    assert page.get_by_text("Active", exact=True).is_visible()

    page.get_by_role("link", name="Withdraw").click()
    page.wait_for_url("**/withdraw/")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, withdraw it").click()
    page.wait_for_url(f"**/people/{person.uuid}/")
    assert page.get_by_text("Withdrawn", exact=True).is_visible()
    assert_accessible(page)
    assert Consent.objects.get().withdrawn_at is not None
