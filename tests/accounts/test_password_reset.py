"""Password reset by email: single use, expiring, silent about unknown addresses."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "a-brand-new-password-31"


def _request_link(client: Client, email: str, capture: Any) -> str | None:
    with capture(execute=True):
        response = client.post("/account/password-reset/", {"email": email})
    assert "Check your email" in response.content.decode()
    if not mail.outbox:
        return None
    match = re.search(r"http://testserver(\S+)", mail.outbox[-1].body)
    return match.group(1) if match else None


def test_a_member_resets_their_password_once(
    client: Client, viewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
    assert link
    response = client.post(link, {"password1": NEW, "password2": NEW})
    assert response.status_code == 302
    viewer.user.refresh_from_db()
    assert viewer.user.check_password(NEW)
    assert client.post(link, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 410
    viewer.user.refresh_from_db()
    assert viewer.user.check_password(NEW)


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert _request_link(client, "nobody@example.org", django_capture_on_commit_callbacks) is None


def test_a_reset_link_expires(
    client: Client, viewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
    assert link
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2), tick=False):
        assert client.get(link).status_code == 410


def test_mismatched_passwords_are_refused_and_change_nothing(
    client: Client, viewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
    assert link
    response = client.post(link, {"password1": NEW, "password2": NEW + "x"})
    assert "not the same" in response.content.decode()
    viewer.user.refresh_from_db()
    assert viewer.user.check_password(PASSWORD)
