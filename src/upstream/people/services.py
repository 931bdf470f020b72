"""Writes of people and consents, and the consent check every screening and referral makes.

Each service takes the acting membership (``actor=``), checks the policy, validates everything
before writing anything, and writes its audit event in the same transaction. Audit events name
which fields changed, never their values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from upstream.accounts.policy import check
from upstream.audit.services import audit_record
from upstream.people.models import Consent, PeopleSettings, Person
from upstream.people.policy import share_candidates
from upstream.people.vocabularies import (
    CONSENT_GIVERS,
    CONSENT_METHODS,
    CONSENT_SCOPES,
    IDENTIFYING_FIELDS,
    LANGUAGES,
)

if TYPE_CHECKING:
    from upstream.accounts.models import Membership, Organization

MAX_TEXT = {"display_name": 200, "contact": 200, "preferred_language": 20}
MAX_NOTE = 2000


class ConsentRefused(PermissionDenied):
    """No consent covers what was asked: the message says why, for the person asking."""

    explained = True


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _same_org(actor: Membership, organization_id: int) -> None:
    if actor.organization_id != organization_id:
        raise PermissionDenied("person.edit")


# --- reads ---------------------------------------------------------------------------------


def personal_read_record(
    *,
    action: str,
    actor: Membership,
    label: str,
    target: Any = None,
    target_type: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
    **details: Any,
) -> None:
    """Record a read of personal records. The selectors that read call it inside the read's
    transaction, so no record leaves without its event."""
    if reason:
        details["reason"] = reason
    audit_record(
        action=action,
        actor=actor.user,
        organization=actor.organization,
        target=target,
        target_type=target_type,
        target_label=label,
        request=request,
        details=details,
    )


# --- settings ---------------------------------------------------------------------------------


def people_settings_update(
    *, actor: Membership, recorded_fields: Sequence[str], request: HttpRequest | None = None
) -> PeopleSettings:
    """Choose which identifying fields the organization records. Values already recorded in a
    field that is no longer chosen stay (and stay encrypted) until they are cleared."""
    check(actor, "person.configure")
    unknown = sorted(set(recorded_fields) - set(IDENTIFYING_FIELDS))
    if unknown:
        message = gettext("Unknown field: %(names)s.") % {"names": ", ".join(unknown)}
        raise ValidationError({"recorded_fields": [message]})
    chosen = [name for name in IDENTIFYING_FIELDS if name in set(recorded_fields)]
    with transaction.atomic():
        current = PeopleSettings.of(actor.organization_id)
        before = list(current.recorded_fields)
        current.recorded_fields = chosen
        current.updated_at = timezone.now()
        current.save()
        audit_record(
            action="people.settings_updated",
            actor=actor.user,
            organization=actor.organization,
            target_type="peoplesettings",
            target_label="Identifying fields recorded",
            request=request,
            details={"before": before, "after": chosen},
        )
    return current


# --- people ---------------------------------------------------------------------------------


def _identifying_errors(
    recorded: Iterable[str], values: dict[str, Any], today: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    allowed = set(recorded)
    for name, value in values.items():
        if name not in IDENTIFYING_FIELDS:
            errors[name] = [gettext("Unknown field.")]
            continue
        empty = value is None or value == ""
        if not empty and name not in allowed:
            errors[name] = [
                gettext(
                    "This organization does not record “%(field)s” "
                    "(an administrator can change that in People settings)."
                )
                % {"field": gettext(IDENTIFYING_FIELDS[name])}  # type: ignore[index]
            ]
            continue
        if empty:
            continue
        if name == "birth_date":
            if not isinstance(value, dt.date):
                errors[name] = [gettext("Enter a date (YYYY-MM-DD).")]
            elif value > today:
                errors[name] = [gettext("The date of birth cannot be in the future.")]
            elif value.year < 1900:
                errors[name] = [gettext("Enter a date of birth after 1900.")]
        elif not isinstance(value, str):
            errors[name] = [gettext("Enter text.")]
        elif name == "preferred_language" and value not in LANGUAGES:
            errors[name] = [gettext("Choose a language from the list.")]
        elif len(value.strip()) > MAX_TEXT[name]:
            errors[name] = [_at_most(MAX_TEXT[name])]
    return errors


def _at_most(limit: int) -> str:
    return ngettext(
        "Use at most %(limit)d character.", "Use at most %(limit)d characters.", limit
    ) % {"limit": limit}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}


def person_create(
    *, actor: Membership, request: HttpRequest | None = None, **identifying: Any
) -> Person:
    """Record a person: a new random public id and the identifying fields the organization
    records (all optional)."""
    check(actor, "person.edit")
    values = _clean(identifying)
    recorded = PeopleSettings.of(actor.organization_id).recorded_fields
    _raise(_identifying_errors(recorded, values, timezone.localdate()))
    with transaction.atomic():
        person = Person(organization_id=actor.organization_id, created_by=actor.user)
        for name, value in values.items():
            setattr(person, name, value)
        person.save()
        audit_record(
            action="people.person_created",
            actor=actor.user,
            organization=actor.organization,
            target=person,
            target_label=f"Person {person.public_id}",
            request=request,
            details={"fields": sorted(k for k, v in values.items() if v not in (None, ""))},
        )
    return person


def person_update(
    *, actor: Membership, person: Person, request: HttpRequest | None = None, **changes: Any
) -> Person:
    """Change identifying fields (an empty value clears one)."""
    check(actor, "person.edit")
    _same_org(actor, person.organization_id)
    values = _clean(changes)
    recorded = PeopleSettings.of(actor.organization_id).recorded_fields
    _raise(_identifying_errors(recorded, values, timezone.localdate()))
    changed = sorted(name for name, value in values.items() if getattr(person, name) != value)
    if not changed:
        return person
    with transaction.atomic():
        for name in changed:
            setattr(person, name, values[name])
        person.updated_at = timezone.now()
        person.save()
        audit_record(
            action="people.person_updated",
            actor=actor.user,
            organization=actor.organization,
            target=person,
            target_label=f"Person {person.public_id}",
            request=request,
            details={"fields": changed},
        )
    return person


# --- consents -------------------------------------------------------------------------------


def consent_record(
    *,
    actor: Membership,
    person: Person,
    scope: str,
    method: str,
    given_by: str = "person",
    given_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    shared_with: Sequence[Organization] = (),
    note: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    """Record a consent the person gave: its scope (and, for sharing, the organizations named),
    how and by whom it was given, when, and until when."""
    check(actor, "person.edit")
    _same_org(actor, person.organization_id)
    now = timezone.now()
    given_at = given_at or now
    errors: dict[str, list[str]] = {}
    if scope not in CONSENT_SCOPES:
        errors["scope"] = [gettext("Choose what the consent covers.")]
    if method not in CONSENT_METHODS:
        errors["method"] = [gettext("Choose how the consent was given.")]
    if given_by not in CONSENT_GIVERS:
        errors["given_by"] = [gettext("Choose who gave the consent.")]
    if given_at > now + dt.timedelta(minutes=5):
        errors["given_at"] = [gettext("A consent cannot be recorded before it is given.")]
    if expires_at is not None and expires_at <= max(given_at, now):
        errors["expires_at"] = [
            gettext("The expiry must be later than now and than when it was given.")
        ]
    named = list(shared_with)
    if scope == "share_with_organizations":
        allowed = set(share_candidates(membership=actor).values_list("pk", flat=True))
        if not named:
            errors["shared_with"] = [gettext("Name at least one organization to share with.")]
        elif any(org.pk not in allowed for org in named):
            errors["shared_with"] = [
                gettext("Only partners in the organization's coalitions can be named.")
            ]
    elif named:
        errors["shared_with"] = [gettext("Organizations are named only for a consent to share.")]
    note = note.strip()
    if len(note) > MAX_NOTE:
        errors["note"] = [_at_most(MAX_NOTE)]
    _raise(errors)
    with transaction.atomic():
        consent = Consent(
            organization_id=person.organization_id,
            person=person,
            scope=scope,
            method=method,
            given_by=given_by,
            given_at=given_at,
            expires_at=expires_at,
            recorded_by=actor.user,
            note=note,
        )
        consent.save()
        if named:
            consent.shared_with.set(named)
        audit_record(
            action="people.consent_recorded",
            actor=actor.user,
            organization=actor.organization,
            target=consent,
            target_label=f"Consent of person {person.public_id}",
            request=request,
            details={
                "person": str(person.uuid),
                "scope": scope,
                "method": method,
                "shared_with": sorted(str(org.uuid) for org in named),
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return consent


def consent_withdraw(
    *, actor: Membership, consent: Consent, request: HttpRequest | None = None
) -> Consent:
    """Withdraw a consent: from this moment it allows no further use or sharing."""
    check(actor, "person.edit")
    _same_org(actor, consent.organization_id)
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_at is not None:
            raise ValidationError(
                gettext("This consent was already withdrawn on %(when)s.")
                % {"when": f"{timezone.localtime(locked.withdrawn_at):%Y-%m-%d %H:%M}"}
            )
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor.user
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            action="people.consent_withdrawn",
            actor=actor.user,
            organization=actor.organization,
            target=locked,
            target_label="Consent withdrawn",
            request=request,
            details={"person": str(consent.person.uuid), "scope": locked.scope},
        )
    return locked


def consent_require(
    *,
    actor: Membership,
    person: Person,
    scope: str,
    organization: Organization | None = None,
) -> Consent:
    """The active consent that allows ``scope`` for ``person`` now, or ``ConsentRefused`` saying
    why not (none recorded, withdrawn, expired, or not naming ``organization``). Screening and
    referral services call this before they use or share anything; views never do."""
    if scope not in CONSENT_SCOPES:
        message = gettext("Unknown consent scope “%(scope)s”.") % {"scope": scope}
        raise ValidationError({"scope": [message]})
    if actor.organization_id != person.organization_id:
        raise PermissionDenied("person.view")
    if scope == "share_with_organizations" and organization is None:
        raise ValidationError({"organization": [gettext("Name the organization to share with.")]})
    now = timezone.now()
    consents = list(
        Consent.objects.filter(person=person, scope=scope)
        .prefetch_related("shared_with")
        .order_by("-given_at")
    )
    if organization is not None and scope == "share_with_organizations":
        consents = [c for c in consents if organization in c.shared_with.all()]
    for consent in consents:
        if consent.state(now) == "active":
            return consent
    names = {"person": person.public_id, "scope": gettext(CONSENT_SCOPES[scope])}  # type: ignore[index]
    if not consents:
        if organization is not None:
            message = gettext(
                "Person %(person)s has no consent for “%(scope)s” with %(organization)s. "
                "Record one first."
            )
            names["organization"] = organization.name
        else:
            message = gettext("Person %(person)s has no consent for “%(scope)s”. Record one first.")
        raise ConsentRefused(message % names)
    latest = consents[0]
    state = latest.state(now)
    if state == "withdrawn":
        when = timezone.localtime(latest.withdrawn_at or now)
        raise ConsentRefused(
            gettext(
                "The consent of person %(person)s for “%(scope)s” was withdrawn on %(when)s; "
                "nothing more may be done under it."
            )
            % {**names, "when": f"{when:%Y-%m-%d %H:%M}"}
        )
    if state == "expired":
        when = timezone.localtime(latest.expires_at or now)
        raise ConsentRefused(
            gettext(
                "The consent of person %(person)s for “%(scope)s” expired on %(when)s. "
                "Record a new one."
            )
            % {**names, "when": f"{when:%Y-%m-%d %H:%M}"}
        )
    raise ConsentRefused(
        gettext("The consent of person %(person)s for “%(scope)s” starts later (%(when)s).")
        % {**names, "when": f"{timezone.localtime(latest.given_at):%Y-%m-%d %H:%M}"}
    )
