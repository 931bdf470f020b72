"""What the routes of the plans API share: finding the plan, formatting values, reading patches."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from upstream.accounts.api import caller
from upstream.planning import selectors
from upstream.planning.models import Plan


def _plan(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, action: str) -> tuple[Any, Plan]:
    membership = caller(request).membership(org, action)
    return membership, selectors.plan_get(membership=membership, plan_uuid=plan)


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _org(org: Any) -> dict[str, Any]:
    return {"uuid": str(org.uuid), "name": org.name, "sectors": list(org.sectors)}


def _changes(payload: Schema) -> tuple[int, dict[str, Any]]:
    """The fields the client sent, without the revision."""
    changes = payload.dict(exclude_unset=True)
    return int(changes.pop("revision")), changes
