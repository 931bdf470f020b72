"""One hash chain per organization, one for the instance; verify catches every kind of tampering
in every chain and names the organization and the event."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tests.conftest import make_member
from upstream.accounts import services
from upstream.audit.chain import verify_chain
from upstream.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from upstream.audit.services import audit_record, chain_lock_key

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list[Any]) -> None:
    """Change the tables behind the application's back, as someone with database access would
    (on PostgreSQL, as a superuser who switches triggers off)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def _chain(organization: Any) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(organization=organization)
    if organization is None:
        events = AuditEvent.objects.filter(organization__isnull=True)
    return list(events.order_by("seq"))


@pytest.fixture
def chains(owner_org: Any, outsider_org: Any, member: Any, outsider: Any) -> dict[str, Any]:
    """Four more events in each organization's chain and in the instance chain, interleaved."""
    for n in range(4):
        audit_record(action="personal.viewed", actor=member.user, organization=owner_org)
        audit_record(
            action="personal.viewed",
            actor=outsider.user,
            organization=outsider_org,
            details={"n": n},
        )
        audit_record(action="auth.sign_in_failed", actor_label="(unknown account)")
    return {"owner": owner_org, "outsider": outsider_org, "instance": None}


def test_each_organization_numbers_and_links_its_own_events(chains: dict[str, Any]) -> None:
    for organization in chains.values():
        chain = _chain(organization)
        assert len(chain) >= 4
        assert [event.seq for event in chain] == list(range(1, len(chain) + 1))
        assert chain[0].prev_hash == GENESIS_HASH
        for previous, event in itertools.pairwise(chain):
            assert event.prev_hash == previous.hash
        head = (
            AuditChainHead.objects.get(organization=organization)
            if organization is not None
            else AuditChainHead.objects.get(organization__isnull=True)
        )
        assert (head.seq, head.hash) == (chain[-1].seq, chain[-1].hash)


def test_verify_checks_every_chain(chains: dict[str, Any]) -> None:
    result = verify_chain()
    assert result.ok
    assert result.chains == 3
    assert result.checked == AuditEvent.objects.count()


def test_each_chain_has_its_own_lock_key(owner_org: Any, outsider_org: Any) -> None:
    keys = {chain_lock_key(None), chain_lock_key(owner_org.pk), chain_lock_key(outsider_org.pk)}
    assert len(keys) == 3
    assert all(-(2**63) <= key < 2**63 for key in keys)


def _change_a_field(chain: list[AuditEvent]) -> AuditEvent:
    target = chain[1]
    _tamper("UPDATE audit_auditevent SET target_label = %s WHERE id = %s", ["x", target.pk])
    return target


def _delete_a_middle_row(chain: list[AuditEvent]) -> AuditEvent:
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[1].pk])
    return chain[2]  # the first event whose link no longer holds


def _delete_the_last_row(chain: list[AuditEvent]) -> AuditEvent:
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1].pk])
    return chain[-2]  # the chain now ends here, short of its head


def _swap_a_pair(chain: list[AuditEvent]) -> AuditEvent:
    first, second = chain[1], chain[2]
    _tamper("UPDATE audit_auditevent SET seq = 0 WHERE id = %s", [first.pk])
    _tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [first.seq, second.pk])
    _tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [second.seq, first.pk])
    return second  # now in first's place, but its link still names first


TAMPERING = {
    "changed field": _change_a_field,
    "deleted middle row": _delete_a_middle_row,
    "deleted last row": _delete_the_last_row,
    "swapped pair": _swap_a_pair,
}


@pytest.mark.parametrize("which", ["owner", "outsider", "instance"])
@pytest.mark.parametrize("how", list(TAMPERING))
def test_verify_names_the_organization_and_event_of_any_tampering(
    chains: dict[str, Any], which: str, how: str
) -> None:
    organization = chains[which]
    broken = TAMPERING[how](_chain(organization))
    result = verify_chain()
    assert result.failure is not None
    assert result.failure.organization_id == (organization.pk if organization else None)
    assert result.broken is not None and result.broken.uuid == broken.uuid
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", stdout=io.StringIO())
    message = str(error.value)
    if organization is None:
        assert "the instance chain" in message
    else:
        assert f'"{organization.name}" ({organization.uuid})' in message
    assert f"#{result.failure.seq} ({broken.uuid})" in message


def test_verify_catches_a_removed_head(chains: dict[str, Any]) -> None:
    owner = chains["owner"]
    _tamper("DELETE FROM audit_auditchainhead WHERE organization_id = %s", [owner.pk])
    result = verify_chain()
    assert result.failure is not None and result.failure.organization_id == owner.pk
    assert "head record is missing" in result.failure.reason


def test_verify_catches_a_chain_emptied_under_its_head(chains: dict[str, Any]) -> None:
    outsider = chains["outsider"]
    _tamper("DELETE FROM audit_auditevent WHERE organization_id = %s", [outsider.pk])
    result = verify_chain()
    assert result.failure is not None and result.failure.organization_id == outsider.pk
    assert "removed from the end" in result.failure.reason


def test_verify_catches_a_head_moved_back_with_the_last_row(chains: dict[str, Any]) -> None:
    """Deleting the last event and rewinding the head to the one before is a consistent
    truncation: only a head recorded outside the database (``--expect-head``) shows it."""
    chain = _chain(chains["owner"])
    call_command("audit", "verify", "--expect-head", chain[-1].hash, stdout=io.StringIO())
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1].pk])
    _tamper(
        "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE organization_id = %s",
        [chain[-2].seq, chain[-2].hash, chains["owner"].pk],
    )
    assert verify_chain().ok
    with pytest.raises(CommandError, match="no longer in any chain"):
        call_command("audit", "verify", "--expect-head", chain[-1].hash, stdout=io.StringIO())


def test_heads_prints_each_chain_for_keeping_elsewhere(chains: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("audit", "heads", stdout=out)
    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    by_chain = {chain: (int(seq), head) for chain, seq, head in lines}
    owner_chain = _chain(chains["owner"])
    assert by_chain[str(chains["owner"].uuid)] == (owner_chain[-1].seq, owner_chain[-1].hash)
    assert "instance" in by_chain and str(chains["outsider"].uuid) in by_chain


def test_an_undeclared_action_is_refused_and_writes_nothing(owner_org: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(action="plan.teleported", organization=owner_org)
    assert AuditEvent.objects.count() == before


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)


@postgresql_only
def test_postgresql_lets_a_head_move_only_one_step_forward(chains: dict[str, Any]) -> None:
    owner = chains["owner"]
    for statement in (
        "UPDATE audit_auditchainhead SET seq = seq - 1 WHERE organization_id = %s",
        "UPDATE audit_auditchainhead SET seq = seq + 2 WHERE organization_id = %s",
        "DELETE FROM audit_auditchainhead WHERE organization_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="only move forward"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [owner.pk])
    assert verify_chain().ok


def _advisory_locks_held() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_locks_only_the_written_chain_until_commit(
    owner_org: Any, outsider_org: Any
) -> None:
    with transaction.atomic():
        audit_record(action="personal.viewed", organization=owner_org)
        held = _advisory_locks_held()
    assert chain_lock_key(owner_org.pk) in held
    assert chain_lock_key(outsider_org.pk) not in held
    assert chain_lock_key(None) not in held
    assert chain_lock_key(owner_org.pk) not in _advisory_locks_held()


def test_sign_in_events_write_chains_in_organization_id_order(
    owner_org: Any, outsider_org: Any
) -> None:
    """Two transactions that lock the same chains in opposite orders could wait on each other."""
    first, second = sorted([owner_org, outsider_org], key=lambda org: org.pk)
    person = make_member(second, "viewer").user  # joins the later organization first
    services.membership_create(actor=None, user=person, organization=first, role="viewer")
    services.auth_event_record(action="auth.reauthenticated", user=person, request=None)
    written = AuditEvent.objects.filter(action="auth.reauthenticated").order_by("id")
    assert [event.organization_id for event in written] == [first.pk, second.pk]
