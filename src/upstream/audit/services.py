"""The one way to write an audit event. Call it inside the transaction of the change it records."""

from __future__ import annotations

import uuid
from typing import Any

from axes.helpers import get_client_ip_address
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from upstream.audit.chain import event_hash
from upstream.audit.models import GENESIS_HASH, AuditEvent

# A fixed key for the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 0x55505354  # "UPST"


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
    """Append one event to the chain.

    ``target`` is any model instance with a ``uuid``; its type and id are stored. ``details`` holds
    plain values only (no floats: their text form is not stable across databases).
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        values: dict[str, Any] = {
            "uuid": uuid.uuid4(),
            "seq": (last["seq"] + 1) if last else 1,
            "created_at": timezone.now(),
            "organization_id": organization.pk if organization is not None else None,
            "actor_id": actor.pk if actor is not None else None,
            "actor_label": (actor_label or (actor.email if actor is not None else ""))[:254],
            "action": action,
            "target_type": target_type or (target._meta.model_name if target is not None else ""),
            "target_id": str(target.uuid) if target is not None else "",
            "target_label": target_label[:254],
            "ip_address": client_ip(request),
            "details": details or {},
            "prev_hash": last["hash"] if last else GENESIS_HASH,
        }
        return AuditEvent.objects.create(hash=event_hash(values), **values)
