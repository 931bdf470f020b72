"""Reads of people and consents. Each takes a membership, returns only its organization's
records (anything else is a 404), and writes its audit event in the same transaction as the
read: who read which person, and an administrator's stated reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest

from upstream.accounts.policy import check
from upstream.core.lookups import get_or_404
from upstream.people.fhir import consent_resource
from upstream.people.models import Consent, PeopleSettings, Person
from upstream.people.policy import require_read
from upstream.people.services import personal_read_record

if TYPE_CHECKING:
    from upstream.accounts.models import Membership

PAGE_SIZE = 50


def people_settings(*, organization_id: int) -> PeopleSettings:
    return PeopleSettings.of(organization_id)


def recorded_fields(*, membership: Membership) -> list[str]:
    check(membership, "person.view")
    return list(people_settings(organization_id=membership.organization_id).recorded_fields)


def _people(membership: Membership) -> QuerySet[Person]:
    return Person.objects.filter(organization_id=membership.organization_id)


def persons_for(
    *, membership: Membership, reason: str = "", page: Any = 1, request: HttpRequest | None = None
) -> Page[Person]:
    """One page of the organization's people, newest first (shown by public id only)."""
    reason = require_read(membership=membership, reason=reason)
    paginator = Paginator(_people(membership).only("pk", "uuid", "created_at"), PAGE_SIZE)
    with transaction.atomic():
        listed = paginator.get_page(page)
        personal_read_record(
            action="people.persons_listed",
            actor=membership,
            target_type="person",
            label="People list",
            request=request,
            reason=reason,
            count=len(listed.object_list),
            page=listed.number,
        )
    return listed


def person_get(
    *,
    membership: Membership,
    person_uuid: Any,
    reason: str = "",
    request: HttpRequest | None = None,
    audit: bool = True,
) -> Person:
    """One person of the organization with their consents; the read is audited. Another
    organization's person is a 404 before anything else is asked."""
    check(membership, "person.view")
    consents = Consent.objects.select_related("recorded_by", "withdrawn_by").prefetch_related(
        "shared_with"
    )
    with transaction.atomic():
        person = get_or_404(
            _people(membership).prefetch_related(Prefetch("consents", queryset=consents)),
            uuid=person_uuid,
        )
        reason = require_read(membership=membership, reason=reason)
        if audit:
            personal_read_record(
                action="people.person_viewed",
                actor=membership,
                target=person,
                label=f"Person {person.public_id}",
                request=request,
                reason=reason,
            )
    return person


def person_for_change(*, membership: Membership, person_uuid: Any) -> Person:
    """A person to change (services audit the change itself)."""
    check(membership, "person.edit")
    return get_or_404(_people(membership), uuid=person_uuid)


def consent_get(*, membership: Membership, person: Person, consent_uuid: Any) -> Consent:
    check(membership, "person.view")
    return get_or_404(
        Consent.objects.filter(person=person, organization_id=membership.organization_id)
        .select_related("person", "organization", "recorded_by")
        .prefetch_related("shared_with"),
        uuid=consent_uuid,
    )


def consent_export(
    *,
    membership: Membership,
    person_uuid: Any,
    consent_uuid: Any,
    reason: str = "",
    request: HttpRequest | None = None,
) -> dict[str, Any]:
    """A consent as a FHIR R4 Consent (SDOH Clinical Care shape); the download is audited."""
    check(membership, "person.export")
    with transaction.atomic():
        person = get_or_404(_people(membership), uuid=person_uuid)
        consent = consent_get(membership=membership, person=person, consent_uuid=consent_uuid)
        reason = require_read(membership=membership, reason=reason)
        resource = consent_resource(consent)
        personal_read_record(
            action="people.consent_exported",
            actor=membership,
            target=consent,
            label=f"Consent of person {person.public_id}",
            request=request,
            reason=reason,
            format="fhir-r4",
        )
    return resource
