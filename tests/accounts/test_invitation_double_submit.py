"""An existing user who submits an invitation twice gets a clear page, not an error."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_member, sign_in_as
from upstream.accounts import services

pytestmark = pytest.mark.django_db


def test_accepting_a_used_invitation_again_says_it_is_no_longer_usable(
    client: Any, owner_org: Any, outsider_org: Any
) -> None:
    admin = make_member(owner_org, "admin", email="inv-admin@owner.example.org")
    existing = make_member(outsider_org, "viewer", email="existing@outsider.example.org")
    _invitation, token = services.invitation_create(
        actor=admin, email="existing@outsider.example.org", role="viewer"
    )
    sign_in_as(client, existing.user)
    url = f"/invitations/{token}/"
    first = client.post(url)
    assert first.status_code == 302
    again = client.post(url)
    assert again.status_code == 410
    assert existing.user.memberships.filter(organization=owner_org).count() == 1
