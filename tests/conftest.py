"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """Real public data kept beside the repository (never copied into it)."""
    override = os.environ.get("UPSTREAM_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Every test starts with an empty cache: database rows are rolled back between tests (and
    their ids reused), cached page fragments must go with them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.fail(f"shared data folder not found at {path}; set UPSTREAM_SHARED_DATA")
    return path


# Tenancy fixtures: an owner organization with a member of every role, and an outsider
# organization with its own administrator. Names carry canary strings that must never appear in
# a page or API response shown to someone outside the owner organization.

OWNER_CANARY = "Owner Canary Org 7f3a"
OWNER_EMAIL_DOMAIN = "owner-canary.example.org"


def make_member(org: Any, role: str, email: str | None = None, password: str = "") -> Any:
    from upstream.accounts import services
    from upstream.accounts.models import User

    email = email or f"{role}-{uuid.uuid4().hex[:6]}@example.org"
    user = User.objects.create_user(email, password or None, full_name=f"Test {role}")
    return services.membership_create(actor=None, user=user, organization=org, role=role)


@pytest.fixture
def owner_org(db: None) -> Any:
    from upstream.accounts import services

    return services.organization_create(
        actor=None,
        name=OWNER_CANARY,
        sectors=["health-care", "education"],
        state_fips="39",
        county_fips="39049",
    )


@pytest.fixture
def outsider_org(db: None) -> Any:
    from upstream.accounts import services

    return services.organization_create(
        actor=None, name="Outsider Org", sectors=["housing"], state_fips="39"
    )


@pytest.fixture
def member(owner_org: Any) -> Any:
    """The owner organization's administrator."""
    return make_member(owner_org, "admin", email=f"admin@{OWNER_EMAIL_DOMAIN}")


@pytest.fixture
def members_by_role(owner_org: Any, member: Any) -> dict[str, Any]:
    """One member of the owner organization per role (the admin is ``member``)."""
    from upstream.accounts.policy import Role

    people = {"admin": member}
    for role in Role:
        if role != Role.ADMIN:
            people[role.value] = make_member(
                owner_org, role.value, email=f"{role.value}@{OWNER_EMAIL_DOMAIN}"
            )
    return people


@pytest.fixture
def outsider(outsider_org: Any) -> Any:
    """The outsider organization's administrator."""
    return make_member(outsider_org, "admin", email="admin@outsider.example.org")


def sign_in_as(client: Any, user: Any, *, verified: bool = True, sudo: bool = False) -> None:
    """Sign ``user`` in on the test client; ``verified`` also passes two-factor sign-in."""
    import time

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from upstream.accounts.two_factor import SUDO_SESSION_KEY

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    if sudo:
        session[SUDO_SESSION_KEY] = int(time.time()) + 600
    session.save()


@pytest.fixture
def signed_in_admin(client: Any, member: Any) -> Any:
    sign_in_as(client, member.user, sudo=True)
    return client
