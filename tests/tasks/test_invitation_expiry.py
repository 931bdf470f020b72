from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from upstream.accounts import services
from upstream.accounts.models import Invitation
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _invite(member: Any, email: str) -> Invitation:
    invitation, _ = services.invitation_create(actor=member, email=email, role="viewer")
    return invitation


def _age(invitation: Invitation, days: int) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=days)
    )


def test_expired_invitations_are_deleted_and_open_ones_kept(member: Any) -> None:
    expired = _invite(member, "late@example.org")
    open_one = _invite(member, "early@example.org")
    _age(expired, 1)
    assert services.invitations_expire() == 1
    assert list(Invitation.objects.values_list("email", flat=True)) == ["early@example.org"]
    assert Invitation.objects.get(pk=open_one.pk).is_open


def test_an_accepted_invitation_is_kept_after_its_expiry(member: Any) -> None:
    accepted = _invite(member, "joined@example.org")
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    _age(accepted, 3)
    assert services.invitations_expire() == 0
    assert Invitation.objects.filter(pk=accepted.pk).exists()


def test_each_expired_invitation_is_audited_without_its_address(member: Any) -> None:
    expired = _invite(member, "late@example.org")
    _age(expired, 1)
    services.invitations_expire()
    event = AuditEvent.objects.get(action="member.invitation_expired")
    assert event.target_id == str(expired.uuid)
    assert event.organization_id == member.organization_id
    assert "late@example.org" not in f"{event.target_label} {event.details} {event.actor_label}"


def test_expiring_twice_changes_nothing_more(member: Any) -> None:
    _age(_invite(member, "late@example.org"), 1)
    assert services.invitations_expire() == 1
    events = AuditEvent.objects.count()
    assert services.invitations_expire() == 0
    assert AuditEvent.objects.count() == events


def test_the_invitations_job_runs_from_the_command_line(member: Any, capsys: Any) -> None:
    _age(_invite(member, "late@example.org"), 1)
    call_command("jobs", "run", "invitations.expire")
    assert "1 expired invitation deleted" in capsys.readouterr().out
    assert not Invitation.objects.exists()
