"""People: list (public ids only), record, read (audited), change."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema, Status
from pydantic import Field

from upstream.accounts.api import caller, guarded
from upstream.people import selectors, services
from upstream.people.api.router import REASON_HEADER, router
from upstream.people.api.schemas import PersonIn, PersonOut, PersonPageOut, PersonPatch
from upstream.people.models import Consent, Person


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)


def consent_out(consent: Consent) -> dict[str, Any]:
    return {
        "uuid": consent.uuid,
        "scope": consent.scope,
        "shared_with": [org.uuid for org in consent.shared_with.all()],
        "method": consent.method,
        "given_by": consent.given_by,
        "given_at": consent.given_at,
        "expires_at": consent.expires_at,
        "withdrawn_at": consent.withdrawn_at,
        "state": consent.state(),
        "note": str(consent.note),
    }


def person_out(person: Person, recorded: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": person.uuid,
        "public_id": person.public_id,
        "created_at": person.created_at,
        "consents": [consent_out(c) for c in person.consents.all()],
    }
    for name in recorded:
        value = getattr(person, name)
        body[name] = (str(value) if isinstance(value, str) else value) or None
    return body


def reason(request: HttpRequest) -> str:
    return request.headers.get(REASON_HEADER, "")


@router.get(
    "/{org}",
    response=PersonPageOut,
    operation_id="upstream_people_api_person_list",
    **guarded("person.view"),
)
def person_list(request: HttpRequest, org: uuid.UUID, query: Query[PageQuery]) -> dict[str, Any]:
    """The organization's people, 50 a page, newest first, by public id only."""
    membership = caller(request).membership(org, "person.view")
    page = selectors.persons_for(
        membership=membership, reason=reason(request), page=query.page, request=request
    )
    return {
        "items": [
            {"uuid": p.uuid, "public_id": p.public_id, "created_at": p.created_at}
            for p in page.object_list
        ],
        "page": page.number,
        "pages": page.paginator.num_pages,
        "count": page.paginator.count,
    }


@router.post(
    "/{org}",
    response={201: PersonOut},
    operation_id="upstream_people_api_person_create",
    **guarded("person.edit"),
)
def person_create(request: HttpRequest, org: uuid.UUID, payload: PersonIn) -> Any:
    """Record a person; send only the identifying fields the organization records."""
    membership = caller(request).membership(org, "person.edit")
    values = payload.dict()
    person = services.person_create(actor=membership, request=request, **values)
    recorded = selectors.recorded_fields(membership=membership)
    return Status(201, person_out(person, recorded))


@router.get(
    "/{org}/{person}",
    response=PersonOut,
    operation_id="upstream_people_api_person_get",
    **guarded("person.view"),
)
def person_get(request: HttpRequest, org: uuid.UUID, person: uuid.UUID) -> dict[str, Any]:
    """One person with their consents (administrators send their reason in X-Upstream-Reason)."""
    membership = caller(request).membership(org, "person.view")
    found = selectors.person_get(
        membership=membership, person_uuid=person, reason=reason(request), request=request
    )
    return person_out(found, selectors.recorded_fields(membership=membership))


@router.patch(
    "/{org}/{person}",
    response=PersonOut,
    operation_id="upstream_people_api_person_update",
    **guarded("person.edit"),
)
def person_update(
    request: HttpRequest, org: uuid.UUID, person: uuid.UUID, payload: PersonPatch
) -> dict[str, Any]:
    membership = caller(request).membership(org, "person.edit")
    found = selectors.person_for_change(membership=membership, person_uuid=person)
    services.person_update(
        actor=membership, person=found, request=request, **payload.dict(exclude_unset=True)
    )
    found = selectors.person_get(
        membership=membership, person_uuid=person, request=request, audit=False
    )
    return person_out(found, selectors.recorded_fields(membership=membership))
