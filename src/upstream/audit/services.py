"""The one way to write an audit event. Call it inside the transaction of the change it records.

Each organization has its own chain (and events without an organization the instance chain), so
appends lock only their own chain: on PostgreSQL an advisory transaction lock keyed by the
organization, held until the transaction commits; on SQLite the database's write lock, which every
write transaction takes at its start, already serializes appends.
"""

from __future__ import annotations

import uuid
from typing import Any

from axes.helpers import get_client_ip_address
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from upstream.audit.actions import ACTIONS
from upstream.audit.chain import event_hash
from upstream.audit.models import GENESIS_HASH, INSTANCE_CHAIN, AuditChainHead, AuditEvent

# The high half of every chain's PostgreSQL advisory-lock key ("UPST"); the low half is the
# organization id (0 for the instance chain).
LOCK_NAMESPACE = 0x55505354


def chain_lock_key(organization_id: int | None) -> int:
    """The advisory-lock key of one chain: a signed 64-bit integer unique to the organization
    (ids that agree in their low 32 bits share a lock, which is safe, only slower)."""
    return (LOCK_NAMESPACE << 32) | ((organization_id or INSTANCE_CHAIN) & 0xFFFFFFFF)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None

    ip = get_client_ip_address(request)
    return ip or None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    actor_label: str = "",
    organization: Any = None,
    target: Any = None,
    target_type: str = "",
    target_label: str = "",
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain of ``organization`` (or the instance chain).

    ``action`` must be declared in an app's ``audit_actions.py``. ``target`` is any model instance
    with a ``uuid``; its type and id are stored. ``details`` holds plain values only (no floats:
    their text form is not stable across databases).

    A transaction that writes to several chains holds each chain's lock until it commits; write
    them in a stable order (by organization id) so two such transactions cannot wait on each other.
    """
    if action not in ACTIONS:
        raise ValueError(
            f"unknown audit action {action!r}: declare it in an app's audit_actions.py"
        )
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    organization_id = organization.pk if organization is not None else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)", [chain_lock_key(organization_id)]
                )
        heads = (
            AuditChainHead.objects.filter(organization__isnull=True)
            if organization_id is None
            else AuditChainHead.objects.filter(organization_id=organization_id)
        )
        head = heads.first()
        values: dict[str, Any] = {
            "uuid": uuid.uuid4(),
            "seq": (head.seq + 1) if head is not None else 1,
            "created_at": timezone.now(),
            "organization_id": organization_id,
            "actor_id": actor.pk if actor is not None else None,
            "actor_label": (actor_label or (actor.email if actor is not None else ""))[:254],
            "action": action,
            "target_type": target_type or (target._meta.model_name if target is not None else ""),
            "target_id": str(target.uuid) if target is not None else "",
            "target_label": target_label[:254],
            "ip_address": client_ip(request),
            "details": details or {},
            "prev_hash": head.hash if head is not None else GENESIS_HASH,
        }
        event = AuditEvent.objects.create(hash=event_hash(values), **values)
        if head is None:
            AuditChainHead.objects.create(
                organization_id=organization_id, seq=event.seq, hash=event.hash
            )
        else:
            AuditChainHead.objects.filter(pk=head.pk).update(
                seq=event.seq, hash=event.hash, updated_at=event.created_at
            )
        return event


def audit_log_export_record(
    *,
    actor: Any,
    organization: Any,
    rows: int,
    filters: dict[str, str],
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record that ``actor`` downloaded ``rows`` events of ``organization``'s log.

    Audit's services sit below accounts, so the policy decision (``audit.export``) is made by the
    selector that reads the rows (``audit.selectors.audit_events_for``); this records the export
    before a single row leaves the server.
    """
    return audit_record(
        action="audit.log_exported",
        actor=actor,
        organization=organization,
        target_type="auditlog",
        target_label="Audit log (CSV)",
        request=request,
        details={"rows": rows, "format": "csv", "filters": filters},
    )
