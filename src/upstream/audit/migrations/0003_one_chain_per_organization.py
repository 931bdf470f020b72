"""One hash chain per organization (and one for events without an organization).

Until now every event was one link of a single chain, numbered across all organizations and
appended under one lock. This migration:

1. checks the existing chain first and stops, naming the event, if it is broken: re-hashing a
   broken chain would hide the break;
2. renumbers each organization's events 1, 2, 3... in their original order, links each to the
   previous event of the same organization and re-hashes it (on PostgreSQL with the append-only
   trigger switched off for the duration of this transaction only);
3. writes one head row per chain (its last sequence and hash), and appends to the instance chain
   one ``audit.chains_split`` event that keeps the old chain's head hash, so a head recorded
   outside the system before the split can still be matched;
4. makes a sequence unique within its chain, and on PostgreSQL lets a head move only one step
   forward.

The canonical form is copied here (a migration must not import application code); it is the one
in ``upstream.audit.chain``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import django.db.models.deletion
import django.db.models.functions.comparison
import django.utils.timezone
from django.db import migrations, models

GENESIS_HASH = "0" * 64
FIELDS = (
    "uuid",
    "seq",
    "created_at",
    "organization_id",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "ip_address",
    "details",
    "prev_hash",
)
BATCH = 1000

# ALTER TABLE refuses to run while deferred foreign-key checks are pending: run them first.
PG_CHECK_NOW = "SET CONSTRAINTS ALL IMMEDIATE"
PG_TRIGGER_OFF = "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only"
PG_TRIGGER_ON = "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only"

PG_HEAD_FORWARD = [
    """CREATE OR REPLACE FUNCTION audit_auditchainhead_forward_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE'
           OR NEW.organization_id IS DISTINCT FROM OLD.organization_id
           OR NEW.seq <> OLD.seq + 1 THEN
            RAISE EXCEPTION 'audit chain heads only move forward: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_auditchainhead_forward_only
        BEFORE UPDATE OR DELETE ON audit_auditchainhead
        FOR EACH ROW EXECUTE FUNCTION audit_auditchainhead_forward_only()""",
]
PG_HEAD_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditchainhead_forward_only ON audit_auditchainhead",
    "DROP FUNCTION IF EXISTS audit_auditchainhead_forward_only()",
]


def _hash(values: dict[str, Any]) -> str:
    content = {name: values[name] for name in FIELDS}
    content["uuid"] = str(content["uuid"])
    content["created_at"] = content["created_at"].isoformat(timespec="microseconds")
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _values(event: Any) -> dict[str, Any]:
    return {name: getattr(event, name) for name in FIELDS}


def _batches(ids: list[int]) -> Any:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _rechain(apps: Any, schema_editor: Any, *, per_organization: bool) -> None:
    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditChainHead")
    db = schema_editor.connection.alias
    events = Event.objects.using(db)
    # the order events were appended in: by the old global sequence going forward, by the
    # per-chain order (ids grow in append order) going back
    ids = list(events.order_by("seq" if per_organization else "id").values_list("id", flat=True))
    if not ids:
        return
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(PG_CHECK_NOW)
        schema_editor.execute(PG_TRIGGER_OFF)

    # 1. the existing chain(s) must be intact
    expected: dict[Any, tuple[int, str]] = {}
    for batch in _batches(ids):
        rows = events.in_bulk(batch)
        for pk in batch:
            event = rows[pk]
            key = "global" if per_organization else event.organization_id
            seq, prev = expected.get(key, (0, GENESIS_HASH))
            if (
                event.seq != seq + 1
                or event.prev_hash != prev
                or _hash(_values(event)) != event.hash
            ):
                raise RuntimeError(
                    f"the audit chain is broken at event #{event.seq} ({event.uuid}); run "
                    "`upstream audit verify` on the previous release and investigate before "
                    "migrating: re-chaining would hide the break"
                )
            expected[key] = (event.seq, event.hash)
    old_head = expected["global"][1] if per_organization else ""

    # 2. renumber, relink and re-hash in append order
    heads: dict[int | None, tuple[int, str]] = {}
    for batch in _batches(ids):
        rows = events.in_bulk(batch)
        changed = []
        for pk in batch:
            event = rows[pk]
            key = event.organization_id if per_organization else None
            seq, prev = heads.get(key, (0, GENESIS_HASH))
            event.seq = seq + 1
            event.prev_hash = prev
            event.hash = _hash(_values(event))
            heads[key] = (event.seq, event.hash)
            changed.append(event)
        events.bulk_update(changed, ["seq", "prev_hash", "hash"])

    # 3. the instance chain records the split, with the old head, then every chain gets a head
    Head.objects.using(db).all().delete()
    if per_organization:
        seq, prev = heads.get(None, (0, GENESIS_HASH))
        values = {
            "uuid": uuid.uuid4(),
            "seq": seq + 1,
            "created_at": django.utils.timezone.now(),
            "organization_id": None,
            "actor_id": None,
            "actor_label": "operator",
            "action": "audit.chains_split",
            "target_type": "",
            "target_id": "",
            "target_label": "",
            "ip_address": None,
            "details": {"events": len(ids), "previous_head": old_head},
            "prev_hash": prev,
        }
        split = events.create(hash=_hash(values), **values)
        heads[None] = (split.seq, split.hash)
    Head.objects.using(db).bulk_create(
        Head(organization_id=key, seq=seq, hash=last) for key, (seq, last) in heads.items()
    )
    if postgresql:
        schema_editor.execute(PG_CHECK_NOW)
        schema_editor.execute(PG_TRIGGER_ON)


def forward(apps: Any, schema_editor: Any) -> None:
    _rechain(apps, schema_editor, per_organization=True)


def backward(apps: Any, schema_editor: Any) -> None:
    _rechain(apps, schema_editor, per_organization=False)


def _run(statements_by_vendor: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_accounts_organizations_coalitions"),
        ("audit", "0002_append_only_trigger"),
    ]

    operations = [
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["-id"]}),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(help_text="Position in the organization's chain."),
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organization",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.comparison.Coalesce(
                            "organization", models.Value(0)
                        ),
                        name="audit_chainhead_one_per_chain",
                    )
                ],
            },
        ),
        migrations.RunPython(forward, backward),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Coalesce("organization", models.Value(0)),
                models.F("seq"),
                name="audit_event_one_seq_per_chain",
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": PG_HEAD_FORWARD}), _run({"postgresql": PG_HEAD_BACKWARD})
        ),
    ]
