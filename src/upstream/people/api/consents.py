"""Consents: record, withdraw, and the FHIR R4 Consent (SDOH Clinical Care shape)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Status

from upstream.accounts.api import caller, guarded
from upstream.people import selectors, services
from upstream.people.api.people import consent_out, reason
from upstream.people.api.router import router
from upstream.people.api.schemas import ConsentIn, ConsentOut
from upstream.people.policy import share_candidates


@router.post(
    "/{org}/{person}/consents",
    response={201: ConsentOut},
    operation_id="upstream_people_api_consent_record",
    **guarded("person.edit"),
)
def consent_record(
    request: HttpRequest, org: uuid.UUID, person: uuid.UUID, payload: ConsentIn
) -> Any:
    """Record a consent; ``shared_with`` names partner organizations by uuid."""
    membership = caller(request).membership(org, "person.edit")
    found = selectors.person_for_change(membership=membership, person_uuid=person)
    partners = {org.uuid: org for org in share_candidates(membership=membership)}
    unknown = [str(u) for u in payload.shared_with if u not in partners]
    if unknown:
        raise ValidationError(
            {
                "shared_with": [
                    gettext("Only partners in the organization's coalitions can be named.")
                ]
            }
        )
    consent = services.consent_record(
        actor=membership,
        person=found,
        scope=payload.scope,
        method=payload.method,
        given_by=payload.given_by,
        given_at=payload.given_at,
        expires_at=payload.expires_at,
        shared_with=[partners[u] for u in payload.shared_with],
        note=payload.note,
        request=request,
    )
    return Status(201, consent_out(consent))


@router.post(
    "/{org}/{person}/consents/{consent}/withdraw",
    response=ConsentOut,
    operation_id="upstream_people_api_consent_withdraw",
    **guarded("person.edit"),
)
def consent_withdraw(
    request: HttpRequest, org: uuid.UUID, person: uuid.UUID, consent: uuid.UUID
) -> dict[str, Any]:
    """Withdraw a consent from this moment (422 if it was already withdrawn)."""
    membership = caller(request).membership(org, "person.edit")
    found = selectors.person_for_change(membership=membership, person_uuid=person)
    the_consent = selectors.consent_get(membership=membership, person=found, consent_uuid=consent)
    return consent_out(
        services.consent_withdraw(actor=membership, consent=the_consent, request=request)
    )


@router.get(
    "/{org}/{person}/consents/{consent}/fhir",
    response=dict[str, Any],
    operation_id="upstream_people_api_consent_fhir",
    **guarded("person.export"),
)
def consent_fhir(
    request: HttpRequest, org: uuid.UUID, person: uuid.UUID, consent: uuid.UUID
) -> dict[str, Any]:
    """The consent as a FHIR R4 Consent resource in the SDOHCC-Consent profile's shape."""
    membership = caller(request).membership(org, "person.export")
    return selectors.consent_export(
        membership=membership,
        person_uuid=person,
        consent_uuid=consent,
        reason=reason(request),
        request=request,
    )
