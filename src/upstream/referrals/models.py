"""Closed-loop referrals: a referral from one organization's person to a directory service, its
timeline of events, and warm handoffs (a referral made without sharing anything about the person).

The receiving Upstream organization is the one the directory provider is linked to (see
docs/referrals.md); with no link the referral was sent outside Upstream and its outcome is
recorded by hand by the sender. ``need_domains`` is where a screening's need domains are carried.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from upstream.core.crypto import EncryptedModel, EncryptedTextField
from upstream.core.vocabularies import choices
from upstream.people.models import random_public_id
from upstream.referrals.vocabularies import OUTCOMES, STATUSES


class Referral(EncryptedModel):
    uuid = models.UUIDField(default=random_public_id, unique=True, editable=False)
    sending_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="referrals_sent"
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receiving_organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_received",
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="referrals")
    consent = models.ForeignKey(
        "people.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=choices(STATUSES), default="requested")
    status_reason = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20, choices=choices(OUTCOMES), blank=True)
    do_not_contact = models.BooleanField(default=False)
    shared_fields = EncryptedTextField()
    notes = EncryptedTextField()
    need_domains = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sending_organization", "-created_at"]),
            models.Index(fields=["receiving_organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"Referral {self.uuid}"

    @property
    def outside_upstream(self) -> bool:
        return self.receiving_organization_id is None


class ReferralEvent(EncryptedModel):
    uuid = models.UUIDField(default=random_public_id, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=choices(STATUSES))
    reason = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20, choices=choices(OUTCOMES), blank=True)
    note = EncryptedTextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class WarmHandoff(models.Model):
    """A handoff made without consent to share: which service, when, by whom; no personal data."""

    uuid = models.UUIDField(default=random_public_id, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="+")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Warm handoff {self.uuid}"
