"""Audit actions written by people. Events name the person by public id, never a value."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTIONS: dict[str, str] = {
    "people.settings_updated": gettext_noop("Identifying fields recorded about people changed"),
    "people.person_created": gettext_noop("Person recorded"),
    "people.person_updated": gettext_noop("Person's details changed"),
    "people.person_viewed": gettext_noop("Person's record read"),
    "people.persons_listed": gettext_noop("People listed"),
    "people.consent_recorded": gettext_noop("Consent recorded"),
    "people.consent_withdrawn": gettext_noop("Consent withdrawn"),
    "people.consent_exported": gettext_noop("Consent downloaded as FHIR"),
}
