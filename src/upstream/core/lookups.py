"""One object by its filters, or a 404: the shape every selector's ``*_get`` takes, so that a
missing object, another tenant's object and a malformed id all look the same from outside."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def as_uuid(value: Any) -> uuid.UUID:
    """A UUID from a URL or form value; a malformed one is a 404, not a server error."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def get_or_404(queryset: QuerySet[M], /, **filters: Any) -> M:
    """The first object of ``queryset`` matching ``filters``, or Http404. Filters on ``uuid``
    (or a ``…__uuid`` lookup) are parsed first, so a malformed id 404s too."""
    parsed = {
        name: as_uuid(value) if name == "uuid" or name.endswith("__uuid") else value
        for name, value in filters.items()
    }
    found = queryset.filter(**parsed).first()
    if found is None:
        raise Http404
    return found
