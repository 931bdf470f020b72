"""Consent: recorded with scope, method, who and when; withdrawn from a moment on; checked by
``consent_require`` in services (withdrawn, expired, other scope or organization: refused)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import make_member
from tests.people.conftest import NAME_CANARY, NOTE_CANARY
from upstream.audit.models import AuditEvent
from upstream.people import services
from upstream.people.models import Consent
from upstream.people.services import ConsentRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(owner_org: Any, members_by_role: dict[str, Any]) -> Any:
    from upstream.accounts import services as accounts

    coalition = accounts.coalition_create(
        actor=members_by_role["admin"], name="Shelter Coalition", state_fips="39"
    )
    partner = accounts.organization_create(
        actor=None, name="Partner Shelter", sectors=["housing"], state_fips="39"
    )
    invitation = accounts.coalition_invite(
        actor=members_by_role["admin"], coalition=coalition, organization=partner
    )
    accounts.coalition_invitation_answer(
        actor=make_member(partner, "admin"), invitation=invitation, accept=True
    )
    return partner


def test_a_recorded_consent_allows_its_scope(consent: Any, screener: Any, person: Any) -> None:
    assert services.consent_require(actor=screener, person=person, scope="screening") == consent
    assert AuditEvent.objects.filter(action="people.consent_recorded").count() == 1


def test_no_consent_for_a_scope_is_refused_with_a_clear_message(
    consent: Any, screener: Any, person: Any
) -> None:
    with pytest.raises(ConsentRefused, match="no consent for “Referral to services”"):
        services.consent_require(actor=screener, person=person, scope="referral")


def test_a_withdrawn_consent_stops_further_use_from_that_moment(
    consent: Any, screener: Any, person: Any
) -> None:
    services.consent_withdraw(actor=screener, consent=consent)
    with pytest.raises(ConsentRefused, match="was withdrawn on"):
        services.consent_require(actor=screener, person=person, scope="screening")
    event = AuditEvent.objects.get(action="people.consent_withdrawn")
    assert event.target_id == str(consent.uuid)
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.consent_withdraw(actor=screener, consent=Consent.objects.get(pk=consent.pk))


def test_an_expired_consent_is_refused(screener: Any, person: Any) -> None:
    now = timezone.now()
    services.consent_record(
        actor=screener,
        person=person,
        scope="referral",
        method="written",
        expires_at=now + dt.timedelta(days=30),
    )
    assert services.consent_require(actor=screener, person=person, scope="referral")
    with (
        time_machine.travel(now + dt.timedelta(days=31)),
        pytest.raises(ConsentRefused, match="expired on"),
    ):
        services.consent_require(actor=screener, person=person, scope="referral")


def test_sharing_needs_a_consent_naming_that_organization(
    screener: Any, person: Any, partner: Any, outsider_org: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.consent_record(
            actor=screener, person=person, scope="share_with_organizations", method="verbal"
        )
    assert "shared_with" in caught.value.message_dict
    with pytest.raises(ValidationError, match="Only partners"):
        services.consent_record(
            actor=screener,
            person=person,
            scope="share_with_organizations",
            method="verbal",
            shared_with=[outsider_org],
        )
    services.consent_record(
        actor=screener,
        person=person,
        scope="share_with_organizations",
        method="verbal",
        shared_with=[partner],
    )
    assert services.consent_require(
        actor=screener, person=person, scope="share_with_organizations", organization=partner
    )
    with pytest.raises(ConsentRefused, match="Outsider Org"):
        services.consent_require(
            actor=screener,
            person=person,
            scope="share_with_organizations",
            organization=outsider_org,
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scope": "everything"}, "scope"),
        ({"method": "telepathy"}, "method"),
        ({"given_by": "stranger"}, "given_by"),
        ({"given_at_days": 3}, "given_at"),
        ({"expires_at_days": -1}, "expires_at"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_consent_input_is_refused_and_nothing_is_written(
    screener: Any, person: Any, changes: dict[str, Any], field: str
) -> None:
    now = timezone.now()
    values: dict[str, Any] = {"scope": "screening", "method": "verbal"}
    if "given_at_days" in changes:
        values["given_at"] = now + dt.timedelta(days=changes.pop("given_at_days"))
    if "expires_at_days" in changes:
        values["expires_at"] = now + dt.timedelta(days=changes.pop("expires_at_days"))
    values.update(changes)
    with pytest.raises(ValidationError) as caught:
        services.consent_record(actor=screener, person=person, **values)
    assert field in caught.value.message_dict
    assert Consent.objects.count() == 0
    assert not AuditEvent.objects.filter(action="people.consent_recorded").exists()


def test_another_organizations_member_cannot_use_or_record_consent(
    consent: Any, person: Any, outsider_org: Any
) -> None:
    other_screener = make_member(outsider_org, "screener")
    with pytest.raises(PermissionDenied):
        services.consent_require(actor=other_screener, person=person, scope="screening")
    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=other_screener, person=person, scope="screening", method="verbal"
        )
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(actor=other_screener, consent=consent)


@pytest.mark.parametrize("role", ["admin", "coordinator", "staff", "provider", "analyst", "viewer"])
def test_roles_other_than_screener_cannot_record_people_or_consent(
    members_by_role: dict[str, Any], person: Any, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.person_create(actor=members_by_role[role])
    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=members_by_role[role], person=person, scope="screening", method="verbal"
        )


def test_the_fhir_consent_has_the_sdoh_clinical_care_shape(
    consent: Any, screener: Any, person: Any
) -> None:
    from fhir.resources.R4B.consent import Consent as FhirConsent

    from upstream.people.selectors import consent_export

    resource = consent_export(
        membership=screener, person_uuid=person.uuid, consent_uuid=consent.uuid
    )
    parsed = FhirConsent.model_validate(resource)
    assert resource["meta"]["profile"] == [
        "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-Consent"
    ]
    assert resource["category"][0]["coding"][0]["code"] == "IDSCL"
    assert resource["scope"]["coding"][0]["code"] == "patient-privacy"
    assert resource["patient"]["reference"] == f"Patient/{person.uuid}"
    assert parsed.status == "active"
    assert resource["organization"][0]["reference"] == f"Organization/{person.organization.uuid}"
    assert resource["sourceAttachment"]["title"].startswith("Verbal consent")
    assert NAME_CANARY not in str(resource)
    assert NOTE_CANARY not in str(resource)  # minimum necessary: the note stays inside
    assert AuditEvent.objects.filter(action="people.consent_exported").count() == 1
    services.consent_withdraw(actor=screener, consent=consent)
    again = consent_export(membership=screener, person_uuid=person.uuid, consent_uuid=consent.uuid)
    assert again["status"] == "inactive"
    assert "end" in again["provision"]["period"]


@pytest.mark.parametrize("role", ["analyst", "viewer", "provider"])
def test_selectors_refuse_roles_that_see_nothing_personal(
    members_by_role: dict[str, Any], person: Any, consent: Any, role: str
) -> None:
    from upstream.people import selectors

    membership = members_by_role[role]
    for read in (
        lambda: selectors.persons_for(membership=membership),
        lambda: selectors.person_get(membership=membership, person_uuid=person.uuid),
        lambda: selectors.consent_get(
            membership=membership, person=person, consent_uuid=consent.uuid
        ),
        lambda: selectors.consent_export(
            membership=membership, person_uuid=person.uuid, consent_uuid=consent.uuid
        ),
    ):
        with pytest.raises(PermissionDenied):
            read()
    assert not AuditEvent.objects.filter(action__startswith="people.person_viewed").exists()
