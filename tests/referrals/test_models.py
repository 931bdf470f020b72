"""The referral lifecycle table and the referral records."""

from __future__ import annotations

from typing import Any

import pytest

from upstream.directory.models import Service
from upstream.people.models import Person
from upstream.referrals.models import Referral, ReferralEvent, WarmHandoff
from upstream.referrals.vocabularies import (
    CLOSED,
    REASON_REQUIRED,
    RECEIVER,
    SENDER,
    SETTERS,
    STATUSES,
    allowed_next,
)


def test_every_status_has_setters() -> None:
    assert set(SETTERS) == set(STATUSES)
    assert "received" not in STATUSES and "ready" not in STATUSES


def test_sender_and_receiver_moves() -> None:
    assert allowed_next("requested", RECEIVER) == ["accepted", "rejected", "cancelled"]
    assert allowed_next("requested", SENDER) == ["cancelled", "entered-in-error"]
    assert allowed_next("draft", SENDER) == ["requested", "cancelled", "entered-in-error"]
    assert "completed" in allowed_next("accepted", RECEIVER)
    assert "completed" not in allowed_next("accepted", SENDER)


def test_closed_referrals_go_nowhere() -> None:
    for status in CLOSED:
        assert allowed_next(status, SENDER) == []
        assert allowed_next(status, RECEIVER) == []
    assert {"rejected", "cancelled", "on-hold", "failed"} == REASON_REQUIRED


@pytest.mark.django_db
def test_referral_keeps_notes_encrypted(owner_org: Any, outsider_org: Any) -> None:
    person = Person.objects.create(organization=owner_org)
    service = Service.objects.create(organization=outsider_org, hsds_id="s1", content_hash="x")
    referral = Referral.objects.create(
        sending_organization=owner_org,
        service=service,
        receiving_organization=outsider_org,
        person=person,
        notes="needs an interpreter",
        shared_fields='{"display_name": "A"}',
        need_domains=["housing"],
    )
    ReferralEvent.objects.create(
        referral=referral, organization=owner_org, to_status="requested", note="sent"
    )
    WarmHandoff.objects.create(organization=owner_org, service=service)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.notes == "needs an interpreter"
    assert not fresh.outside_upstream
    assert fresh.events.get().note == "sent"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM referrals_referral")
        (raw,) = cursor.fetchone()
    assert "interpreter" not in str(raw)
