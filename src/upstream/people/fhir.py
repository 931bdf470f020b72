"""A consent as a FHIR R4 Consent in the shape of the SDOH Clinical Care IG's SDOHCC-Consent
profile: ``category`` IDSCL (information disclosure), ``patient``, ``dateTime``,
``organization`` and ``source[x]`` (an attachment describing how it was given), ``status`` and
``scope`` (patient-privacy). The provision permits the scope for its period, naming the
organizations a sharing consent covers. The encrypted note is not exported (minimum necessary),
and the patient is named by the pseudonymous public id only. Every resource is validated with
``fhir.resources`` before it leaves."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.consent import Consent as FhirConsent

from upstream.people.models import Consent
from upstream.people.vocabularies import CONSENT_GIVERS, CONSENT_METHODS, CONSENT_SCOPES

PROFILE = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-Consent"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
UPSTREAM_SCOPE = "https://upstream.example.org/fhir/CodeSystem/consent-scope"

_STATUS = {
    "active": "active",
    "withdrawn": "inactive",
    "expired": "inactive",
    "pending": "proposed",
}


def _instant(value: Any) -> str:
    return str(value.isoformat(timespec="seconds"))


def consent_resource(consent: Consent) -> dict[str, Any]:
    person = consent.person
    organization = consent.organization
    state = consent.state()
    end = consent.withdrawn_at or consent.expires_at
    period: dict[str, str] = {"start": _instant(consent.given_at)}
    if end is not None:
        period["end"] = _instant(end)
    provision: dict[str, Any] = {
        "type": "permit",
        "period": period,
        "action": [
            {
                "coding": [
                    {
                        "system": UPSTREAM_SCOPE,
                        "code": consent.scope,
                        "display": CONSENT_SCOPES[consent.scope],  # type: ignore[index]
                    }
                ]
            }
        ],
    }
    shared = sorted(consent.shared_with.all(), key=lambda org: org.name)
    if shared:
        provision["actor"] = [
            {
                "role": {"coding": [{"system": PARTICIPATION, "code": "IRCP"}]},
                "reference": {"reference": f"Organization/{org.uuid}", "display": org.name},
            }
            for org in shared
        ]
    giver = CONSENT_GIVERS.get(consent.given_by, consent.given_by)  # type: ignore[call-overload]
    method = CONSENT_METHODS.get(consent.method, consent.method)  # type: ignore[call-overload]
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(consent.uuid),
        "meta": {"profile": [PROFILE]},
        "status": _STATUS[state],
        "scope": {"coding": [{"system": SCOPE_SYSTEM, "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": ACT_CODE, "code": "IDSCL"}]}],
        "patient": {"reference": f"Patient/{person.uuid}"},
        "dateTime": _instant(consent.given_at),
        "performer": (
            [{"reference": f"Patient/{person.uuid}"}]
            if consent.given_by == "person"
            else [{"display": giver}]
        ),
        "organization": [
            {"reference": f"Organization/{organization.uuid}", "display": organization.name}
        ],
        "sourceAttachment": {
            "title": f"{method} consent, given by: {giver}",
            "creation": _instant(consent.recorded_at),
        },
        "policyRule": {"coding": [{"system": ACT_CODE, "code": "OPTIN"}]},
        "provision": provision,
    }
    FhirConsent.model_validate(resource)  # raises if the shape is not a valid R4 Consent
    return resource
