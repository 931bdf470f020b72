"""Organizations, coalitions, users, memberships, invitations and API keys.

Public identifiers are UUIDs (``uuid``); sequential ids never leave the database. Secrets
(invitation tokens, API keys) are stored only as SHA-256 hashes: they are long random values, so a
fast hash is enough and lets a lookup use an index.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from upstream.accounts.policy import Role
from upstream.core.validators import validate_text_fields
from upstream.core.vocabularies import SECTORS

SECTOR_CHOICES = list(SECTORS.items())

state_fips_validator = RegexValidator(r"^\d{2}$", "A state FIPS code is two digits, e.g. 39.")
county_fips_validator = RegexValidator(r"^\d{5}$", "A county FIPS code is five digits, e.g. 39049.")


def validate_sectors(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Sectors must be a list of sector keys.")
    unknown = sorted(set(value) - set(SECTORS))
    if unknown:
        noun = "sector" if len(unknown) == 1 else "sectors"
        raise ValidationError(f"Unknown {noun}: {', '.join(unknown)}.")


class Organization(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    sectors = models.JSONField(default=list, validators=[validate_sectors])
    state_fips = models.CharField(max_length=2, validators=[state_fips_validator])
    county_fips = models.CharField(max_length=5, blank=True, validators=[county_fips_validator])
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_text_fields(self)  # ASCII digits for codes; no control characters in text

    @property
    def sector_labels(self) -> list[str]:
        return [SECTORS[key] for key in self.sectors if key in SECTORS]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who signs in. Email is the sign-in name; there is no username."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # when the last password-reset email went out (to send at most one every few minutes)
    password_reset_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # changed to sign the person out everywhere (two-factor reset); part of the session hash
    security_stamp = models.CharField(max_length=32, blank=True, default="", editable=False)
    # the language pages and emails use for this person; blank: not chosen (cookie or browser)
    language = models.CharField(max_length=10, blank=True, default="", choices=settings.LANGUAGES)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's hash of the password, plus the security stamp once one was set: changing
        either ends every session of this person (an empty stamp keeps existing sessions)."""
        if not self.security_stamp:
            inherited: str = super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
            return inherited
        return salted_hmac(
            "upstream.accounts.User.session_auth_hash",
            f"{self.password}\x00{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_short_name(self) -> str:
        return self.full_name or self.email


class ActiveMembershipManager(models.Manager["Membership"]):
    def get_queryset(self) -> models.QuerySet[Membership]:
        return super().get_queryset().filter(removed_at__isnull=True)


class Membership(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager()
    active = ActiveMembershipManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(removed_at__isnull=True),
                name="one_active_membership_per_user_and_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id} as {self.role}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class Invitation(models.Model):
    """An invitation to join an organization. The token is shown once (in the email) and
    stored hashed; it works once and until ``expires_at``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    # Empty when an operator invited the first administrator from the command line.
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.uuid}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class Coalition(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    state_fips = models.CharField(max_length=2, validators=[state_fips_validator])
    county_fips = models.JSONField(default=list, blank=True)
    lead_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="led_coalitions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_text_fields(self)


class CoalitionMembership(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.PROTECT, related_name="members")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="coalition_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "organization"],
                condition=Q(left_at__isnull=True),
                name="one_active_coalition_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} in coalition {self.coalition_id}"


class CoalitionInvitation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    coalition = models.ForeignKey(Coalition, on_delete=models.PROTECT, related_name="invitations")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="coalition_invitations"
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"coalition invitation {self.uuid}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.declined_at is None
            and self.expires_at > timezone.now()
        )


class ApiKey(models.Model):
    """An API key for one organization. Shown once; stored as a public prefix plus a hash.

    A key acts with its creator's membership: when that membership ends, the key stops working.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="keys")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="keys")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"key {self.prefix}"
