"""The indicators of a plan's outcomes: add, edit, remove."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Status

from upstream.accounts.api import guarded
from upstream.planning import selectors, services
from upstream.planning.api.common import _changes, _day, _decimal, _plan
from upstream.planning.api.router import router
from upstream.planning.api.schemas import IndicatorIn, IndicatorPatch, PlanIndicatorOut
from upstream.planning.models import Indicator


def _indicator_item(i: Indicator) -> dict[str, Any]:
    return {
        "uuid": str(i.uuid),
        "revision": i.revision,
        "name": i.name,
        "definition": i.definition,
        "unit": i.unit,
        "data_source": i.data_source,
        "baseline_value": _decimal(i.baseline_value),
        "baseline_date": _day(i.baseline_date),
        "target_value": _decimal(i.target_value),
        "target_date": _day(i.target_date),
        "direction": i.direction,
        "frequency": i.frequency,
    }


@router.post(
    "/{org}/{plan}/outcomes/{outcome}/indicators",
    response={201: PlanIndicatorOut},
    operation_id="upstream_planning_api_indicator_add",
    **guarded("plan.edit"),
)
def indicator_add(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, outcome: uuid.UUID, payload: IndicatorIn
) -> Any:
    """Add an indicator to an outcome of this plan (a target needs a unit)."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    the_outcome = selectors.outcome_get(membership=membership, plan=the_plan, outcome_uuid=outcome)
    values = payload.dict()
    name = values.pop("name")
    indicator = services.indicator_add(
        actor=membership,
        plan=the_plan,
        outcome=the_outcome,
        name=name,
        request=request,
        **values,
    )
    return Status(201, _indicator_item(indicator))


@router.patch(
    "/{org}/{plan}/indicators/{indicator}",
    response=PlanIndicatorOut,
    operation_id="upstream_planning_api_indicator_patch",
    **guarded("plan.edit"),
)
def indicator_patch(
    request: HttpRequest,
    org: uuid.UUID,
    plan: uuid.UUID,
    indicator: uuid.UUID,
    payload: IndicatorPatch,
) -> Any:
    """Change an indicator of a draft plan, naming its ``revision``."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.indicator_get(membership=membership, plan=the_plan, indicator_uuid=indicator)
    revision, changes = _changes(payload)
    services.indicator_update(
        actor=membership, indicator=item, revision=revision, request=request, **changes
    )
    return _indicator_item(item)


@router.delete(
    "/{org}/{plan}/indicators/{indicator}",
    response={204: None},
    operation_id="upstream_planning_api_indicator_delete",
    **guarded("plan.edit"),
)
def indicator_delete(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, indicator: uuid.UUID
) -> Any:
    """Remove an indicator from a draft plan."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.indicator_get(membership=membership, plan=the_plan, indicator_uuid=indicator)
    services.plan_indicator_remove(actor=membership, indicator=item, request=request)
    return Status(204, None)
