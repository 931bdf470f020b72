"""A plan's outcomes: add, edit, remove."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Status

from upstream.accounts.api import guarded
from upstream.framework import selectors as framework
from upstream.planning import selectors, services
from upstream.planning.api.common import _changes, _plan
from upstream.planning.api.indicators import _indicator_item
from upstream.planning.api.router import router
from upstream.planning.api.schemas import OutcomeIn, OutcomePatch, PlanOutcomeOut
from upstream.planning.models import PlanOutcome


def _outcome_item(outcome: PlanOutcome) -> dict[str, Any]:
    o = (
        PlanOutcome.objects.select_related("plan_strategy__strategy", "framework_outcome")
        .prefetch_related("activities", "indicators")
        .get(pk=outcome.pk)
    )
    return {
        "uuid": str(o.uuid),
        "revision": o.revision,
        "name": o.name,
        "description": o.description,
        "strategy": o.plan_strategy.strategy.key if o.plan_strategy else None,
        "framework_outcome": o.framework_outcome.key if o.framework_outcome else None,
        "horizon": o.horizon,
        "activities": sorted(str(a.key) for a in o.activities.all()),
        "indicators": [_indicator_item(i) for i in sorted(o.indicators.all(), key=lambda i: i.pk)],
    }


def _unknown_activities() -> ValidationError:
    return ValidationError(
        {"activities": [gettext("Every linked activity must belong to this plan.")]}
    )


@router.post(
    "/{org}/{plan}/outcomes",
    response={201: PlanOutcomeOut},
    operation_id="upstream_planning_api_outcome_add",
    **guarded("plan.edit"),
)
def outcome_add(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, payload: OutcomeIn) -> Any:
    """Add an outcome: name a framework outcome to start from it, or describe your own; link the
    plan activities (uuids) that drive it."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    framework_outcome = None
    if payload.framework_outcome:
        framework_outcome = framework.outcome_by_key(
            version_id=the_plan.framework_version_id, key=payload.framework_outcome
        )
        if framework_outcome is None:
            raise ValidationError({"framework_outcome": [gettext("Unknown framework outcome.")]})
    activities = list(the_plan.activities.filter(uuid__in=payload.activities))
    if len(activities) != len(set(payload.activities)):
        raise _unknown_activities()
    outcome = services.plan_outcome_add(
        actor=membership,
        plan=the_plan,
        name=payload.name or (framework_outcome.name if framework_outcome else ""),
        horizon=payload.horizon or (framework_outcome.horizon if framework_outcome else ""),
        framework_outcome=framework_outcome,
        description=payload.description,
        activities=activities,
        request=request,
    )
    return Status(201, _outcome_item(outcome))


@router.patch(
    "/{org}/{plan}/outcomes/{outcome}",
    response=PlanOutcomeOut,
    operation_id="upstream_planning_api_outcome_patch",
    **guarded("plan.edit"),
)
def outcome_patch(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, outcome: uuid.UUID, payload: OutcomePatch
) -> Any:
    """Change an outcome of a draft plan, naming its ``revision``."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.outcome_get(membership=membership, plan=the_plan, outcome_uuid=outcome)
    revision, changes = _changes(payload)
    if "activities" in changes:
        wanted = set(changes["activities"] or [])
        changes["activities"] = list(the_plan.activities.filter(uuid__in=wanted))
        if len(changes["activities"]) != len(wanted):
            raise _unknown_activities()
    services.plan_outcome_update(
        actor=membership, outcome=item, revision=revision, request=request, **changes
    )
    return _outcome_item(item)


@router.delete(
    "/{org}/{plan}/outcomes/{outcome}",
    response={204: None},
    operation_id="upstream_planning_api_outcome_delete",
    **guarded("plan.edit"),
)
def outcome_delete(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, outcome: uuid.UUID
) -> Any:
    """Remove an outcome, and its indicators, from a draft plan."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.outcome_get(membership=membership, plan=the_plan, outcome_uuid=outcome)
    services.plan_outcome_remove(actor=membership, outcome=item, request=request)
    return Status(204, None)
