"""A view that writes several rows does it through one service, in one transaction: when the
last write fails, the earlier ones are gone too (requests are not transactions, decision 0009)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import PASSWORD
from upstream.accounts import services
from upstream.accounts.models import Invitation, Membership, User
from upstream.accounts.services import invitations, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-password-77"


def test_two_factor_enrolment_keeps_nothing_when_its_audit_event_fails(screener: Any) -> None:
    client = Client(raise_request_exception=True)
    client.post("/account/sign-in/", {"email": "screener@example.org", "password": PASSWORD})
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=screener.user, confirmed=False)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    with (
        mock.patch.object(sign_in, "audit_record", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        client.post("/account/two-factor/", {"code": code})
    device.refresh_from_db()
    assert device.confirmed is False
    assert not StaticToken.objects.filter(device__user=screener.user).exists()


def test_accepting_an_invitation_creates_no_account_when_signing_in_fails(
    member: Any,
) -> None:
    _, token = services.invitation_create(actor=member, email="new@example.org", role="staff")
    client = Client(raise_request_exception=True)
    with (
        mock.patch.object(invitations, "login", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        client.post(
            f"/invitations/{token}/",
            {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert not User.objects.filter(email="new@example.org").exists()
    assert not Membership.objects.filter(organization=member.organization, role="staff").exists()
    assert Invitation.objects.get(email="new@example.org").accepted_at is None
