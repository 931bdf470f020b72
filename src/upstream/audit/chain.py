"""Canonical content and hashing of audit events, and verification of the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from upstream.audit.models import GENESIS_HASH, AuditEvent

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


def canonical(values: dict[str, Any]) -> bytes:
    """Stable bytes for an event: sorted keys, no whitespace, UTC ISO timestamps."""
    content = {name: values[name] for name in FIELDS}
    content["uuid"] = str(content["uuid"])
    content["created_at"] = content["created_at"].isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def values_of(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in FIELDS}


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    head: str
    broken: AuditEvent | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(batch: int = 2000) -> VerifyResult:
    """Walk every event in order; stop at the first whose links or content do not match."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        events = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not events:
            return VerifyResult(checked=checked, head=expected_prev)
        for event in events:
            if event.seq != expected_seq:
                return VerifyResult(
                    checked, expected_prev, event, f"expected sequence {expected_seq}"
                )
            if event.prev_hash != expected_prev:
                return VerifyResult(
                    checked, expected_prev, event, "previous-hash link does not match"
                )
            if event_hash(values_of(event)) != event.hash:
                return VerifyResult(checked, expected_prev, event, "content was changed")
            expected_prev = event.hash
            expected_seq += 1
            checked += 1
            last_seq = event.seq
