from __future__ import annotations

from typing import Any

import pytest

PASSWORD = "a-long-test-password-42"


@pytest.fixture
def viewer(owner_org: Any) -> Any:
    """A viewer of the owner organization with a known password (no two-factor needed)."""
    from tests.conftest import make_member

    return make_member(owner_org, "viewer", email="viewer@example.org", password=PASSWORD)


@pytest.fixture
def screener(owner_org: Any) -> Any:
    from tests.conftest import make_member

    return make_member(owner_org, "screener", email="screener@example.org", password=PASSWORD)


def totp_now(user: Any) -> str:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"
