"""Creating and editing organizations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from upstream.accounts.models import Membership, Organization, User
from upstream.accounts.policy import check
from upstream.audit.services import audit_record

# Organizations ------------------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    name: str,
    sectors: list[str],
    state_fips: str,
    county_fips: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    website: str = "",
    address: str = "",
) -> Organization:
    """Create an organization. Operators do this (CLI or demo); ``actor`` may be None."""
    org = Organization(
        name=name,
        sectors=sectors,
        state_fips=state_fips,
        county_fips=county_fips,
        contact_email=contact_email,
        contact_phone=contact_phone,
        website=website,
        address=address,
    )
    org.full_clean()
    org.save()
    audit_record(
        action="org.created",
        actor=actor,
        actor_label="" if actor else "operator",
        organization=org,
        target=org,
        target_label=org.name,
    )
    return org


ORG_EDITABLE = ("name", "sectors", "county_fips", "contact_email", "contact_phone", "website")


@transaction.atomic
def organization_update(
    *, actor: Membership, request: HttpRequest | None = None, **changes: Any
) -> Organization:
    check(actor, "org.edit")
    org = Organization.objects.select_for_update().get(pk=actor.organization_id)
    changed = []
    for field, value in changes.items():
        if field not in ORG_EDITABLE and field != "address":
            raise ValidationError(f"{field} cannot be changed here.")
        if getattr(org, field) != value:
            setattr(org, field, value)
            changed.append(field)
    if field_errors := _clean(org):
        raise field_errors
    org.save()
    audit_record(
        action="org.updated",
        actor=actor.user,
        organization=org,
        target=org,
        target_label=org.name,
        details={"fields": sorted(changed)},
        request=request,
    )
    return org


def _clean(obj: Any) -> ValidationError | None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        return exc
    return None
