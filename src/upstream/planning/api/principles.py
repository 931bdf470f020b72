"""Rating a plan against the framework's guiding principles."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest

from upstream.accounts.api import guarded
from upstream.framework import selectors as framework
from upstream.planning import services
from upstream.planning.api.common import _plan
from upstream.planning.api.router import router
from upstream.planning.api.schemas import PlanPrincipleOut, PrincipleIn


@router.put(
    "/{org}/{plan}/principles/{key}",
    response=PlanPrincipleOut,
    operation_id="upstream_planning_api_principle_rate",
    **guarded("plan.edit"),
)
def principle_rate(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, key: str, payload: PrincipleIn
) -> Any:
    """Rate the plan against one guiding principle, with evidence and the practices in place."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    principle = framework.principle_by_key(version_id=the_plan.framework_version_id, key=key)
    if principle is None:
        raise Http404
    rating = services.principle_rate(
        actor=membership,
        plan=the_plan,
        principle=principle,
        rating=payload.rating,
        evidence=payload.evidence,
        practices=payload.practices,
        revision=payload.revision,
        request=request,
    )
    return {
        "key": principle.key,
        "name": principle.name,
        "rating": rating.rating,
        "evidence": rating.evidence,
        "practices": list(rating.practices),
        "revision": rating.revision,
    }
