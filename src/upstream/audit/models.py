"""Append-only, hash-chained audit events: one chain per organization, one for the instance.

Each organization's events form their own chain (``seq`` 1, 2, 3... within the organization);
events that belong to no organization (a failed sign-in for an unknown account, an operator's
migration) form the instance chain. Each event stores the hash of the previous event of its chain
(``prev_hash``) and the SHA-256 of its own canonical content, which includes ``prev_hash``,
``seq`` and ``organization_id``: editing, deleting or re-ordering any event breaks its chain from
that point on. Each chain also has one ``AuditChainHead`` row, advanced in the same transaction as
every append, holding the sequence and hash of the chain's last event, so that removing events
from the end of a chain is detected too. ``upstream audit verify`` walks every chain and names the
organization and event of the first break. On PostgreSQL triggers refuse UPDATE and DELETE of
events and any change to a head other than one step forward.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

GENESIS_HASH = "0" * 64

# The chain key of events without an organization (organization ids start at 1).
INSTANCE_CHAIN = 0


class AuditEvent(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seq = models.PositiveBigIntegerField(help_text="Position in the organization's chain.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organization", "-seq"], name="audit_org_seq")]
        constraints = [
            models.UniqueConstraint(
                Coalesce("organization", models.Value(INSTANCE_CHAIN)),
                "seq",
                name="audit_event_one_seq_per_chain",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The last event of one chain, written in the same transaction as that event."""

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Coalesce("organization", models.Value(INSTANCE_CHAIN)),
                name="audit_chainhead_one_per_chain",
            )
        ]

    def __str__(self) -> str:
        return f"head #{self.seq} of {self.organization_id or 'the instance'}"
