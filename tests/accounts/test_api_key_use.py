"""An API key's "Last used": recorded on use, at most once a minute, shown on the keys page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from upstream.accounts import services
from upstream.accounts.models import ApiKey

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _call(owner_org: Any, secret: str) -> int:
    response = Client(enforce_csrf_checks=True).get(
        f"/api/v1/accounts/organizations/{owner_org.uuid}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    return response.status_code


def test_a_successful_call_records_when_the_key_was_last_used(
    owner_org: Any, member: Any, signed_in_admin: Client
) -> None:
    _, secret = services.apikey_create(actor=member, name="nightly sync", scope="read")
    with time_machine.travel(START, tick=False):
        assert _call(owner_org, secret) == 200
    assert ApiKey.objects.get().last_used_at == START
    page = signed_in_admin.get(f"/orgs/{owner_org.uuid}/keys/").content.decode()
    assert "2 Mar 2026" in page
    assert "Never" not in page


def test_last_use_is_written_at_most_once_a_minute(owner_org: Any, member: Any) -> None:
    _, secret = services.apikey_create(actor=member, name="dashboard", scope="read")
    with time_machine.travel(START, tick=False):
        assert _call(owner_org, secret) == 200
    with time_machine.travel(START + dt.timedelta(seconds=59), tick=False):
        assert _call(owner_org, secret) == 200
    assert ApiKey.objects.get().last_used_at == START
    later = START + dt.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert _call(owner_org, secret) == 200
    assert ApiKey.objects.get().last_used_at == later


def test_a_call_within_the_minute_does_not_write(owner_org: Any, member: Any) -> None:
    _, secret = services.apikey_create(actor=member, name="dashboard", scope="read")
    with time_machine.travel(START, tick=False):
        assert _call(owner_org, secret) == 200
    soon = time_machine.travel(START + dt.timedelta(seconds=30), tick=False)
    with soon, CaptureQueriesContext(connection) as queries:
        assert _call(owner_org, secret) == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert [w for w in writes if "accounts_apikey" in w] == []


def test_the_x_api_key_header_records_last_use_too(owner_org: Any, member: Any) -> None:
    _, secret = services.apikey_create(actor=member, name="etl", scope="read")
    with time_machine.travel(START, tick=False):
        response = Client(enforce_csrf_checks=True).get(
            f"/api/v1/accounts/organizations/{owner_org.uuid}", headers={"X-API-Key": secret}
        )
    assert response.status_code == 200
    assert ApiKey.objects.get().last_used_at == START


def test_a_refused_secret_records_nothing(owner_org: Any, member: Any) -> None:
    _, secret = services.apikey_create(actor=member, name="etl", scope="read")
    assert _call(owner_org, secret[:-2] + "xx") == 401
    assert ApiKey.objects.get().last_used_at is None
