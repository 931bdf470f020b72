"""Canonical content and hashing of audit events, and verification of every chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from upstream.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

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


def chain_name(organization_id: int | None) -> str:
    """How ``verify`` names a chain: the organization's name and UUID, or the instance."""
    if organization_id is None:
        return "the instance chain (events without an organization)"
    organization = (
        apps.get_model("accounts", "Organization")
        .objects.filter(pk=organization_id)
        .values("name", "uuid")
        .first()
    )
    if organization is None:
        return f"the chain of organization id {organization_id}"
    return f'the chain of organization "{organization["name"]}" ({organization["uuid"]})'


@dataclass(frozen=True)
class ChainBreak:
    """The first place a chain stops matching: its organization, its event, and why."""

    organization_id: int | None
    chain: str
    seq: int
    event: AuditEvent | None
    reason: str
    intact: int

    def describe(self) -> str:
        where = (
            f"event #{self.seq} ({self.event.uuid})"
            if self.event is not None
            else f"its start (#{self.seq})"
        )
        return (
            f"{self.chain} is broken at {where}: {self.reason}. "
            f"{self.intact} events before it in that chain are intact."
        )


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    chains: int
    heads: dict[int | None, str]
    failure: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def broken(self) -> AuditEvent | None:
        return self.failure.event if self.failure is not None else None


def _sort_key(organization_id: int | None) -> int:
    return -1 if organization_id is None else organization_id


def verify_chain(batch: int = 2000) -> VerifyResult:
    """Walk every chain (the instance's first, then each organization's); stop at the first event
    whose links or content do not match, or the first chain whose head record disagrees with its
    last event."""
    heads = {
        head.organization_id: head for head in AuditChainHead.objects.order_by("organization_id")
    }
    chains = set(heads) | set(
        AuditEvent.objects.order_by().values_list("organization_id", flat=True).distinct()
    )
    checked = 0
    seen: dict[int | None, str] = {}
    for organization_id in sorted(chains, key=_sort_key):
        failure, count, last_hash = _verify_one(organization_id, heads.get(organization_id), batch)
        checked += count
        if failure is not None:
            return VerifyResult(checked, len(chains), seen, failure)
        seen[organization_id] = last_hash
    return VerifyResult(checked, len(chains), seen)


def _verify_one(
    organization_id: int | None, head: AuditChainHead | None, batch: int
) -> tuple[ChainBreak | None, int, str]:
    def fail(seq: int, event: AuditEvent | None, reason: str) -> ChainBreak:
        return ChainBreak(organization_id, chain_name(organization_id), seq, event, reason, checked)

    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last: AuditEvent | None = None
    events_of_chain = (
        AuditEvent.objects.filter(organization__isnull=True)
        if organization_id is None
        else AuditEvent.objects.filter(organization_id=organization_id)
    )
    while True:
        events = list(events_of_chain.filter(seq__gte=expected_seq).order_by("seq")[:batch])
        for event in events:
            if event.seq != expected_seq:
                return fail(event.seq, event, f"expected sequence {expected_seq}"), checked, ""
            if event.prev_hash != expected_prev:
                return fail(event.seq, event, "previous-hash link does not match"), checked, ""
            if event_hash(values_of(event)) != event.hash:
                return fail(event.seq, event, "content was changed"), checked, ""
            expected_prev = event.hash
            expected_seq += 1
            checked += 1
            last = event
        if len(events) < batch:
            break
    last_seq = last.seq if last is not None else 0
    if head is None:
        return fail(last_seq, last, "its head record is missing"), checked, ""
    if head.seq > last_seq:
        return (
            fail(
                last_seq,
                last,
                f"its head records #{head.seq}, so events were removed from the end",
            ),
            checked,
            "",
        )
    if head.seq < last_seq or head.hash != expected_prev:
        return (
            fail(last_seq, last, f"its head records #{head.seq} with another hash"),
            checked,
            "",
        )
    return None, checked, expected_prev


def chain_heads() -> list[tuple[str, int, str]]:
    """Each chain's head, for the operator to keep outside the database: the organization's UUID
    (``instance`` for the instance chain), the last sequence and its hash."""
    heads = AuditChainHead.objects.select_related("organization").order_by("organization_id")
    return [
        (str(head.organization.uuid) if head.organization else "instance", head.seq, head.hash)
        for head in heads
    ]


def hash_in_any_chain(event_hash: str) -> bool:
    return AuditEvent.objects.filter(hash=event_hash).exists()
