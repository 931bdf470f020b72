"""Audit actions written by people. Events name the person by public id, never a value."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "people.settings_updated": "Identifying fields recorded about people changed",
    "people.person_created": "Person recorded",
    "people.person_updated": "Person's details changed",
    "people.person_viewed": "Person's record read",
    "people.persons_listed": "People listed",
    "people.consent_recorded": "Consent recorded",
    "people.consent_withdrawn": "Consent withdrawn",
    "people.consent_exported": "Consent downloaded as FHIR",
}
