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


def _open(client: Client, link: str) -> str:
    """Follow the emailed link to the new-password form; return the form's address."""
    response = client.get(link)
    assert response.status_code == 302
    return str(response["Location"])


def test_a_member_resets_their_password_once(
    client: Client, viewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
    assert link
    form = _open(client, link)
    response = client.post(form, {"password1": NEW, "password2": NEW})
    assert response.status_code == 302
    viewer.user.refresh_from_db()
    assert viewer.user.check_password(NEW)
    assert client.post(form, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 410
    assert client.get(link).status_code == 410
    viewer.user.refresh_from_db()
    assert viewer.user.check_password(NEW)


def test_the_token_leaves_the_address_bar_before_the_form_is_shown(
    client: Client, viewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
    assert link
    token = link.rstrip("/").rsplit("/", 1)[1]
    form = _open(client, link)
    assert token not in form and form.endswith("/set-password/")
    page = client.get(form)
    assert page.status_code == 200 and token not in page.content.decode()
    # without the session that followed the link, the form address is worth nothing
    assert Client().get(form).status_code == 410


def test_a_second_request_within_ten_minutes_sends_no_second_email(
    client: Client, viewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
    assert _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # the page says the same either way
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11), tick=False):
        _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


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
    response = client.post(_open(client, link), {"password1": NEW, "password2": NEW + "x"})
    assert "not the same" in response.content.decode()
    viewer.user.refresh_from_db()
    assert viewer.user.check_password(PASSWORD)


def test_a_failed_send_says_nothing_and_lets_the_next_request_try_again(
    client: Client, viewer: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    import smtplib

    from upstream.accounts.services import _common

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPRecipientsRefused({"viewer@example.org": (550, b"no")})

    monkeypatch.setattr(_common, "send_mail", refuse)
    assert _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks) is None
    viewer.user.refresh_from_db()
    assert viewer.user.password_reset_sent_at is None
    monkeypatch.undo()
    assert _request_link(client, "viewer@example.org", django_capture_on_commit_callbacks)
