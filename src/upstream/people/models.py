"""People and consents. A person is a pseudonymous record of one organization: a random public id
and, only if the organization chooses to record them, an encrypted name, date of birth, contact
and preferred language. Nothing links people across organizations."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from upstream.core.crypto import (
    EncryptedDateField,
    EncryptedModel,
    EncryptedTextField,
)
from upstream.core.vocabularies import choices
from upstream.people.vocabularies import CONSENT_GIVERS, CONSENT_METHODS, CONSENT_SCOPES


def random_public_id() -> uuid.UUID:
    """A version-4 UUID from the operating system's secure random source."""
    return uuid.UUID(bytes=secrets.token_bytes(16), version=4)


class PeopleSettings(models.Model):
    """Which identifying fields an organization records about people (none by default)."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="people_settings"
    )
    recorded_fields = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"people settings of organization {self.organization_id}"

    @classmethod
    def of(cls, organization_id: int) -> PeopleSettings:
        """The organization's settings (unsaved defaults if it never chose)."""
        found = cls.objects.filter(organization_id=organization_id).first()
        return found or cls(organization_id=organization_id, recorded_fields=[])


class Person(EncryptedModel):
    uuid = models.UUIDField(default=random_public_id, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="people"
    )
    display_name = EncryptedTextField()
    birth_date = EncryptedDateField()
    contact = EncryptedTextField()
    preferred_language = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"Person {self.public_id}"

    @property
    def public_id(self) -> str:
        """The short form people are listed by (the uuid's first 8 hex digits)."""
        return str(self.uuid)[:8].upper()


class Consent(EncryptedModel):
    uuid = models.UUIDField(default=random_public_id, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="consents"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=40, choices=choices(CONSENT_SCOPES))
    shared_with = models.ManyToManyField(
        "accounts.Organization", blank=True, related_name="consents_received"
    )
    method = models.CharField(max_length=20, choices=choices(CONSENT_METHODS))
    given_by = models.CharField(max_length=20, choices=choices(CONSENT_GIVERS), default="person")
    given_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"Consent {self.uuid}"

    def state(self, at: object = None) -> str:
        """``active``, ``withdrawn``, ``expired`` or ``pending`` (given in the future)."""
        now = at or timezone.now()
        if self.withdrawn_at is not None and self.withdrawn_at <= now:  # type: ignore[operator]
            return "withdrawn"
        if self.expires_at is not None and self.expires_at <= now:  # type: ignore[operator]
            return "expired"
        if self.given_at > now:  # type: ignore[operator]
            return "pending"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.state() == "active"
