"""A plan's activities: add, edit, update the status of, remove."""

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
from upstream.planning.api.common import _changes, _day, _decimal, _org, _plan
from upstream.planning.api.router import router
from upstream.planning.api.schemas import ActivityIn, ActivityPatch, PlanActivityOut, StatusIn
from upstream.planning.models import PlanActivity


def _activity_item(activity: PlanActivity) -> dict[str, Any]:
    a = (
        PlanActivity.objects.select_related(
            "framework_activity", "level", "tier", "lead_organization"
        )
        .prefetch_related("partners")
        .get(pk=activity.pk)
    )
    return {
        "uuid": str(a.uuid),
        "key": str(a.key),
        "revision": a.revision,
        "name": a.name,
        "description": a.description,
        "framework_activity": a.framework_activity.key if a.framework_activity else None,
        "level": a.level.key,
        "tier": a.tier.key,
        "population": a.population,
        "lead": _org(a.lead_organization),
        "partners": sorted((_org(p) for p in a.partners.all()), key=lambda o: o["name"]),
        "start": _day(a.start),
        "end": _day(a.end),
        "status": a.status,
        "budget": _decimal(a.budget),
    }


@router.post(
    "/{org}/{plan}/activities",
    response={201: PlanActivityOut},
    operation_id="upstream_planning_api_activity_add",
    **guarded("plan.edit"),
)
def activity_add(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, payload: ActivityIn) -> Any:
    """Add an activity: name a framework activity to start from it, or describe your own."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    version_id = the_plan.framework_version_id
    strategy = framework.strategy_by_key(version_id=version_id, key=payload.strategy)
    framework_activity = None
    if payload.framework_activity:
        framework_activity = framework.activity_by_key(
            version_id=version_id, key=payload.framework_activity
        )
    level = (
        framework.level_by_key(version_id=version_id, key=payload.level) if payload.level else None
    )
    tier = framework.tier_by_key(version_id=version_id, key=payload.tier) if payload.tier else None
    if framework_activity is not None:
        level = level or framework_activity.level
        tier = tier or framework_activity.tier
    missing = {
        name: [gettext("Unknown or missing.")]
        for name, value in {
            "strategy": strategy,
            "level": level,
            "tier": tier,
            "framework_activity": framework_activity if payload.framework_activity else True,
        }.items()
        if value is None
    }
    # Only the plan's own organizations are looked up: an outside uuid is simply unknown, so the
    # answer never reveals another organization's name.
    choices = selectors.partner_choices(plan=the_plan)
    lead = membership.organization
    if payload.lead_organization is not None:
        found = choices.filter(uuid=payload.lead_organization).first()
        if found is None:
            missing["lead_organization"] = [gettext("Unknown organization for this plan.")]
        else:
            lead = found
    partners = list(choices.filter(uuid__in=payload.partners))
    if len(partners) != len(set(payload.partners)):
        missing["partners"] = [gettext("Unknown organization for this plan.")]
    if strategy is None or level is None or tier is None or "framework_activity" in missing:
        raise ValidationError(missing)
    values: dict[str, Any] = {
        "strategy": strategy,
        "framework_activity": framework_activity,
        "name": payload.name or (framework_activity.name if framework_activity else ""),
        "level": level,
        "tier": tier,
        "population": payload.population,
        "lead_organization": lead,
        "partners": partners,
        "start": payload.start,
        "end": payload.end,
        "status": payload.status,
        "budget": payload.budget,
    }
    if missing:  # unknown organizations: report them with every other problem, write nothing
        raise ValidationError({**services.activity_errors(the_plan, **values), **missing})
    description = payload.description or (
        framework_activity.description if framework_activity else ""
    )
    activity = services.plan_activity_add(
        actor=membership, plan=the_plan, description=description, request=request, **values
    )
    return Status(201, _activity_item(activity))


@router.patch(
    "/{org}/{plan}/activities/{activity}/status",
    response=PlanActivityOut,
    operation_id="upstream_planning_api_activity_status",
    **guarded("plan.update_own_activity"),
)
def activity_status(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, activity: uuid.UUID, payload: StatusIn
) -> Any:
    """Change an activity's status, naming the revision you read (409 if it changed since)."""
    membership, the_plan = _plan(request, org, plan, "plan.update_own_activity")
    item = selectors.activity_get(membership=membership, plan=the_plan, activity_uuid=activity)
    services.plan_activity_set_status(
        actor=membership,
        activity=item,
        status=payload.status,
        revision=payload.revision,
        request=request,
    )
    return _activity_item(item)


@router.patch(
    "/{org}/{plan}/activities/{activity}",
    response=PlanActivityOut,
    operation_id="upstream_planning_api_activity_patch",
    **guarded("plan.edit"),
)
def activity_patch(
    request: HttpRequest,
    org: uuid.UUID,
    plan: uuid.UUID,
    activity: uuid.UUID,
    payload: ActivityPatch,
) -> Any:
    """Change an activity of a draft plan, naming its ``revision``."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.activity_get(membership=membership, plan=the_plan, activity_uuid=activity)
    revision, changes = _changes(payload)
    problems: dict[str, list[str]] = {}
    version_id = the_plan.framework_version_id
    if "level" in changes:
        changes["level"] = framework.level_by_key(version_id=version_id, key=changes["level"])
        if changes["level"] is None:
            problems["level"] = [gettext("Unknown level.")]
    if "tier" in changes:
        changes["tier"] = framework.tier_by_key(version_id=version_id, key=changes["tier"])
        if changes["tier"] is None:
            problems["tier"] = [gettext("Unknown tier.")]
    choices = selectors.partner_choices(plan=the_plan)
    if "lead_organization" in changes:
        changes["lead_organization"] = choices.filter(uuid=changes["lead_organization"]).first()
        if changes["lead_organization"] is None:
            problems["lead_organization"] = [gettext("Unknown organization for this plan.")]
    if "partners" in changes:
        wanted = set(changes["partners"] or [])
        changes["partners"] = list(choices.filter(uuid__in=wanted))
        if len(changes["partners"]) != len(wanted):
            problems["partners"] = [gettext("Unknown organization for this plan.")]
    if problems:
        raise ValidationError(problems)
    services.plan_activity_update(
        actor=membership, activity=item, revision=revision, request=request, **changes
    )
    return _activity_item(item)


@router.delete(
    "/{org}/{plan}/activities/{activity}",
    response={204: None},
    operation_id="upstream_planning_api_activity_delete",
    **guarded("plan.edit"),
)
def activity_delete(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, activity: uuid.UUID
) -> Any:
    """Remove an activity from a draft plan."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.activity_get(membership=membership, plan=the_plan, activity_uuid=activity)
    services.plan_activity_remove(actor=membership, activity=item, request=request)
    return Status(204, None)
