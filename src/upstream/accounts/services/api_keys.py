"""API keys: issuing and revoking them."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from upstream.accounts.models import ApiKey, Membership
from upstream.accounts.object_policy import apikey_revocable
from upstream.accounts.policy import check
from upstream.accounts.services._common import token_hash
from upstream.audit.services import audit_record

API_KEY_PREFIX = "upk_"


# API keys -----------------------------------------------------------------------------------


@transaction.atomic
def apikey_create(
    *, actor: Membership, name: str, scope: str, request: HttpRequest | None = None
) -> tuple[ApiKey, str]:
    """Create a key; the secret is returned once and never stored."""
    check(actor, "apikey.manage")
    if scope not in ApiKey.Scope.values:
        raise ValidationError(gettext("Choose read only or read and write."))
    name = name.strip()
    if not name:
        raise ValidationError(gettext("Give the key a name."))
    prefix = secrets.token_hex(6)
    secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        organization_id=actor.organization_id,
        membership=actor,
        name=name[:100],
        scope=scope,
        prefix=prefix,
        key_hash=token_hash(secret),
    )
    audit_record(
        action="apikey.created",
        actor=actor.user,
        organization=actor.organization,
        target=key,
        target_label=f"{key.name} ({prefix})",
        request=request,
        details={"scope": scope},
    )
    return key, secret


@transaction.atomic
def apikey_revoke(*, actor: Membership, key: ApiKey, request: HttpRequest | None = None) -> None:
    check(actor, "apikey.manage")
    if not apikey_revocable(membership=actor, key=key):
        raise PermissionDenied("not this organization's key")
    if key.revoked_at:
        return
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_record(
        action="apikey.revoked",
        actor=actor.user,
        organization=actor.organization,
        target=key,
        target_label=f"{key.name} ({key.prefix})",
        request=request,
    )
