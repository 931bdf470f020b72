"""Schemas of the people API."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field

from upstream.core.api import PatchSchema
from upstream.people.vocabularies import (
    ConsentGiver,
    ConsentMethod,
    ConsentScope,
)


class PersonSummaryOut(Schema):
    uuid: UUID
    public_id: str
    created_at: dt.datetime


class PersonPageOut(Schema):
    items: list[PersonSummaryOut]
    page: int
    pages: int
    count: int


class ConsentOut(Schema):
    uuid: UUID
    scope: ConsentScope
    shared_with: list[UUID]
    method: ConsentMethod
    given_by: ConsentGiver
    given_at: dt.datetime
    expires_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    state: str
    note: str


class PersonOut(Schema):
    uuid: UUID
    public_id: str
    created_at: dt.datetime
    display_name: str | None = Field(None, description="Only if the organization records it.")
    birth_date: dt.date | None = None
    contact: str | None = None
    preferred_language: str | None = None
    consents: list[ConsentOut]


class PersonIn(Schema):
    display_name: str = Field("", max_length=200)
    birth_date: dt.date | None = None
    contact: str = Field("", max_length=200)
    preferred_language: str = Field("", max_length=20)


class PersonPatch(PatchSchema):
    """The fields to change; "" clears a text field and null clears the date of birth."""

    nullable = frozenset({"birth_date"})
    display_name: str | None = Field(None, max_length=200)
    birth_date: dt.date | None = None
    contact: str | None = Field(None, max_length=200)
    preferred_language: str | None = Field(None, max_length=20)


class ConsentIn(Schema):
    scope: ConsentScope
    method: ConsentMethod
    given_by: ConsentGiver = "person"
    given_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    shared_with: list[UUID] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=2000)


FhirConsentOut = dict[str, Any]
