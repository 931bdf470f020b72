"""The append-only audit log keeps no text typed for an account that does not exist."""

from __future__ import annotations

from typing import Any

import pytest

from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_failed_sign_in_for_no_account_does_not_store_what_was_typed(client: Any) -> None:
    client.post(
        "/account/sign-in/", {"email": "my-secret-typo@nowhere.example", "password": "x" * 12}
    )
    events = AuditEvent.objects.filter(action="auth.sign_in_failed")
    assert events.exists()
    assert not AuditEvent.objects.filter(target_label__contains="my-secret").exists()
    assert not AuditEvent.objects.filter(actor_label__contains="my-secret").exists()
    assert set(events.values_list("target_label", flat=True)) == {"(unknown account)"}
