"""The migration to one chain per organization carries an existing single chain over intact, and
refuses to re-hash a chain that is already broken."""

from __future__ import annotations

import io
import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from upstream.accounts.models import Organization
from upstream.audit.chain import FIELDS, event_hash, verify_chain
from upstream.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0002_append_only_trigger")]
AFTER = [("audit", "0003_one_chain_per_organization")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def single_chain() -> Iterator[dict[str, Any]]:
    """The audit tables as the previous release left them: one chain across organizations."""
    old = _migrate(BEFORE)
    Event = old.get_model("audit", "AuditEvent")
    a = Organization.objects.create(name="Alpha Coalition", state_fips="39")
    b = Organization.objects.create(name="Beta Shelter", state_fips="39")
    prev = GENESIS_HASH
    order = []
    for seq, org in enumerate([a, b, None, a, a, b, None, a], start=1):
        values = {
            "uuid": uuid.uuid4(),
            "seq": seq,
            "created_at": timezone.now(),
            "organization_id": org.pk if org else None,
            "actor_id": None,
            "actor_label": f"person {seq}",
            "action": "personal.viewed",
            "target_type": "",
            "target_id": "",
            "target_label": "",
            "ip_address": "192.0.2.1",
            "details": {"n": seq},
            "prev_hash": prev,
        }
        prev = event_hash(values)
        Event.objects.create(hash=prev, **values)
        order.append(values["uuid"])
    try:
        yield {"a": a, "b": b, "order": order, "old_head": prev, "Event": Event}
    finally:
        _migrate(AFTER)


def test_existing_events_move_into_per_organization_chains_that_verify(
    single_chain: dict[str, Any],
) -> None:
    _migrate(AFTER)
    result = verify_chain()
    assert result.ok, result.failure and result.failure.describe()
    assert result.chains == 3
    order = single_chain["order"]
    for org, positions in ((single_chain["a"], [0, 3, 4, 7]), (single_chain["b"], [1, 5])):
        chain = list(AuditEvent.objects.filter(organization=org).order_by("seq"))
        assert [e.uuid for e in chain] == [order[i] for i in positions]
        assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
        assert [e.details["n"] for e in chain] == [i + 1 for i in positions]  # content kept
    instance = list(AuditEvent.objects.filter(organization__isnull=True).order_by("seq"))
    assert [e.uuid for e in instance[:2]] == [order[2], order[6]]
    split = instance[-1]
    assert split.action == "audit.chains_split"
    assert split.details == {"events": 8, "previous_head": single_chain["old_head"]}
    assert AuditChainHead.objects.count() == 3
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit chain intact: 9 events in 3 chains" in out.getvalue()


def test_going_back_rebuilds_one_chain_the_previous_release_accepts(
    single_chain: dict[str, Any],
) -> None:
    _migrate(AFTER)
    old = _migrate(BEFORE)
    chain = list(old.get_model("audit", "AuditEvent").objects.order_by("seq"))
    assert [e.seq for e in chain] == list(range(1, 10))
    assert chain[0].prev_hash == GENESIS_HASH
    for previous, event in itertools.pairwise(chain):
        assert event.prev_hash == previous.hash
    for event in chain:
        assert event_hash({name: getattr(event, name) for name in FIELDS}) == event.hash


def test_a_broken_chain_stops_the_migration_and_changes_nothing(
    single_chain: dict[str, Any],
) -> None:
    Event = single_chain["Event"]
    tampered = Event.objects.get(uuid=single_chain["order"][3])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = 'someone else' WHERE id = %s",
            [tampered.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER ALL")
    with pytest.raises(RuntimeError, match=f"broken at event #4 \\({tampered.uuid}\\)"):
        _migrate(AFTER)
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 9))
    # put it back so the fixture can finish the migration
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s",
            [tampered.actor_label, tampered.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER ALL")
