"""Two-factor sign-in: required for admin, screener and provider; optional for others."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import PASSWORD, totp_now
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, email: str) -> Any:
    return client.post("/account/sign-in/", {"email": email, "password": PASSWORD})


def _enroll(client: Client, user: Any) -> list[str]:
    page = client.get("/account/two-factor/")
    assert 'role="img"' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    response = client.post("/account/two-factor/", {"code": f"{code:06d}"}, follow=True)
    return re.findall(r"<li><code>([-\w]+)</code></li>", response.content.decode())


def test_screener_must_enroll_before_seeing_the_organization(client: Client, screener: Any) -> None:
    response = _sign_in(client, "screener@example.org")
    assert response["Location"] == "/account/two-factor/"
    dashboard = f"/orgs/{screener.organization.uuid}/"
    assert client.get(dashboard)["Location"] == "/account/two-factor/"
    codes = _enroll(client, screener.user)
    assert len(codes) == 10
    assert client.get(dashboard).status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enrolled").exists()


def test_enrolled_screener_needs_a_code_at_each_sign_in(
    client: Client, screener: Any, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would delay the right one
    _sign_in(client, "screener@example.org")
    _enroll(client, screener.user)
    client.post("/account/sign-out/")
    response = _sign_in(client, "screener@example.org")
    assert response["Location"].startswith("/account/two-factor/verify/")
    dashboard = f"/orgs/{screener.organization.uuid}/"
    assert client.get(dashboard)["Location"].startswith("/account/two-factor/verify/")
    wrong = client.post("/account/two-factor/verify/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="auth.two_factor_failed").exists()
    # A code is accepted once: the next one comes with the next 30-second step.
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        client.post("/account/two-factor/verify/", {"code": totp_now(screener.user)})
        assert client.get(dashboard).status_code == 200


def test_a_recovery_code_works_once(client: Client, screener: Any) -> None:
    _sign_in(client, "screener@example.org")
    codes = _enroll(client, screener.user)
    for attempt in range(2):
        client.post("/account/sign-out/")
        _sign_in(client, "screener@example.org")
        client.post("/account/two-factor/verify/", {"code": codes[0]})
        status = client.get(f"/orgs/{screener.organization.uuid}/").status_code
        assert status == (200 if attempt == 0 else 302)
    assert StaticToken.objects.filter(device__user=screener.user).count() == 9


def test_recovery_codes_are_stored_only_as_digests_and_typed_loosely(
    client: Client, screener: Any
) -> None:
    _sign_in(client, "screener@example.org")
    codes = _enroll(client, screener.user)
    assert len(set(codes)) == 10 and all(len(c) == 19 and c.count("-") == 3 for c in codes)
    stored = set(
        StaticToken.objects.filter(device__user=screener.user).values_list("token", flat=True)
    )
    assert not stored & {c for code in codes for c in (code, code.replace("-", ""))}
    client.post("/account/sign-out/")
    _sign_in(client, "screener@example.org")
    typed = " ".join(codes[3].replace("-", "").upper()[i : i + 2] for i in range(0, 16, 2))
    client.post("/account/two-factor/verify/", {"code": typed})
    assert client.get(f"/orgs/{screener.organization.uuid}/").status_code == 200


def test_two_factor_is_optional_for_a_viewer(client: Client, viewer: Any) -> None:
    response = _sign_in(client, "viewer@example.org")
    assert response["Location"] == "/plans/"
    assert client.get(response["Location"]).status_code == 200


def test_codes_stored_in_the_clear_before_the_upgrade_keep_working(
    client: Client, screener: Any
) -> None:
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice

    _sign_in(client, "screener@example.org")
    _enroll(client, screener.user)
    device = StaticDevice.objects.get(user=screener.user)
    device.token_set.all().delete()
    device.token_set.create(token="abcdefgh")  # how django-otp stored codes
    migration = importlib.import_module("upstream.accounts.migrations.0003_hash_recovery_codes")
    migration.hash_codes(apps, None)
    assert not StaticToken.objects.filter(token="abcdefgh").exists()
    client.post("/account/sign-out/")
    _sign_in(client, "screener@example.org")
    client.post("/account/two-factor/verify/", {"code": "ABCD EFGH"})
    assert client.get(f"/orgs/{screener.organization.uuid}/").status_code == 200
