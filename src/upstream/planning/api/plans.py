"""Plans: list, create, read, edit, publish, start a draft, compare versions, the gap analysis,
the JSON export, and taking a strategy out."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Status

from upstream.accounts.api import caller, guarded
from upstream.accounts.selectors import coalitions_of
from upstream.framework import selectors as framework
from upstream.planning import selectors, services
from upstream.planning.api.common import _changes, _plan
from upstream.planning.api.router import router
from upstream.planning.api.schemas import (
    GapReportOut,
    PlanChangeOut,
    PlanDetailsOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    PlanSummaryOut,
    PublishIn,
)
from upstream.planning.document import plan_details, plan_diff, plan_document
from upstream.planning.gaps import gap_analysis
from upstream.planning.models import Plan


def _plan_details(plan: Plan) -> dict[str, Any]:
    plan = Plan.objects.select_related("organization", "coalition", "framework_version").get(
        pk=plan.pk
    )
    return plan_details(plan)


@router.get(
    "/{org}",
    response=list[PlanSummaryOut],
    operation_id="upstream_planning_api_plan_list",
    **guarded("plan.view"),
)
def plan_list(request: HttpRequest, org: uuid.UUID) -> list[dict[str, Any]]:
    """Plans of the organization and of its coalitions, every version."""
    membership = caller(request).membership(org, "plan.view")
    return [
        {
            "uuid": p.uuid,
            "title": p.title,
            "version": p.version,
            "status": p.status,
            "organization": p.organization.name,
            "coalition": p.coalition.name if p.coalition else None,
            "period_start": p.period_start,
            "period_end": p.period_end,
            "framework_version": p.framework_version.label,
        }
        for p in selectors.plans_for(membership=membership)
    ]


@router.post(
    "/{org}",
    response={201: PlanDetailsOut},
    operation_id="upstream_planning_api_plan_create",
    **guarded("plan.edit"),
)
def plan_create(request: HttpRequest, org: uuid.UUID, payload: PlanIn) -> Any:
    """Start a plan; the answer is its details (read the whole plan with GET)."""
    membership = caller(request).membership(org, "plan.edit")
    version = framework.version_by_key(
        framework=payload.framework, version=payload.framework_version
    )
    if version is None:
        raise ValidationError({"framework_version": [gettext("Unknown framework version.")]})
    coalition = None
    if payload.coalition is not None:
        coalition = coalitions_of(membership=membership).filter(uuid=payload.coalition).first()
        if coalition is None:
            raise ValidationError({"coalition": [gettext("Unknown coalition.")]})
    strategies = framework.strategies_by_keys(version_id=version.pk, keys=payload.strategies)
    if len(strategies) != len(set(payload.strategies)):
        raise ValidationError({"strategies": [gettext("Unknown strategy key.")]})
    plan = services.plan_create(
        actor=membership,
        title=payload.title,
        framework_version=version,
        period_start=payload.period_start,
        period_end=payload.period_end,
        state_fips=payload.state_fips,
        county_fips=payload.county_fips,
        populations=payload.populations,
        coalition=coalition,
        strategies=strategies,
        request=request,
    )
    return Status(201, _plan_details(plan))


@router.get(
    "/{org}/{plan}",
    response=PlanOut,
    operation_id="upstream_planning_api_plan_get",
    **guarded("plan.view"),
)
def plan_get(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID) -> Any:
    """The whole plan: strategies, activities, outcomes, indicators, principles, partners."""
    _membership, the_plan = _plan(request, org, plan, "plan.view")
    return plan_document(the_plan)


@router.patch(
    "/{org}/{plan}",
    response=PlanDetailsOut,
    operation_id="upstream_planning_api_plan_patch",
    **guarded("plan.edit"),
)
def plan_patch(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, payload: PlanPatch) -> Any:
    """Change a draft plan's details, naming the plan ``revision`` you read."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    revision, changes = _changes(payload)
    services.plan_update(
        actor=membership, plan=the_plan, revision=revision, request=request, **changes
    )
    return _plan_details(the_plan)


@router.post(
    "/{org}/{plan}/publish",
    response=PlanDetailsOut,
    operation_id="upstream_planning_api_plan_publish",
    **guarded("plan.publish"),
)
def plan_publish(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, payload: PublishIn) -> Any:
    """Freeze this version (naming the plan revision you read); it can no longer change."""
    membership, the_plan = _plan(request, org, plan, "plan.publish")
    services.plan_publish(
        actor=membership, plan=the_plan, revision=payload.revision, request=request
    )
    return _plan_details(the_plan)


@router.post(
    "/{org}/{plan}/drafts",
    response={201: PlanDetailsOut},
    operation_id="upstream_planning_api_plan_new_draft",
    **guarded("plan.edit"),
)
def plan_new_draft(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID) -> Any:
    """Start a new draft version from this published one; the answer is the draft's details."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    draft = services.plan_new_draft(actor=membership, plan=the_plan, request=request)
    return Status(201, _plan_details(draft))


@router.get(
    "/{org}/{plan}/diff",
    response=list[PlanChangeOut],
    operation_id="upstream_planning_api_plan_versions_diff",
    **guarded("plan.view"),
)
def plan_versions_diff(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, against: uuid.UUID
) -> Any:
    """What changed from version ``against`` (another version of the same plan) to this one."""
    membership, the_plan = _plan(request, org, plan, "plan.view")
    other = selectors.plan_get(membership=membership, plan_uuid=against)
    if other.series != the_plan.series:
        raise ValidationError({"against": [gettext("Compare versions of the same plan.")]})
    return plan_diff(plan_document(other), plan_document(the_plan))


@router.get(
    "/{org}/{plan}/gaps",
    response=GapReportOut,
    operation_id="upstream_planning_api_plan_gaps",
    **guarded("plan.view"),
)
def plan_gaps(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID) -> Any:
    _membership, the_plan = _plan(request, org, plan, "plan.view")
    report = gap_analysis(the_plan)
    return {
        "levels": [level["key"] for level in report.levels],
        "heatmap": [
            {
                "key": row.key,
                "name": row.name,
                "chosen": row.chosen,
                "counts": [c.count for c in row.cells],
                "total": row.total,
            }
            for row in report.heatmap
        ],
        "tiers": report.tiers,
        "sectors_present": report.sectors_present,
        "sectors_missing": report.sectors_missing,
        "populations_uncovered": [p["key"] for p in report.populations_uncovered],
        "activities_without_outcomes": report.activities_without_outcomes,
        "outcomes_without_indicators": report.outcomes_without_indicators,
        "indicators_without_baseline": report.indicators_without_baseline,
        "indicators_without_target": report.indicators_without_target,
        "principles_low": [p["key"] for p in report.principles_low],
        "summary": [
            {
                "kind": g.kind,
                "title": g.title,
                "detail": g.detail,
                "suggestions": [
                    {
                        "key": s.key,
                        "name": s.name,
                        "strategy": s.strategy,
                        "level": s.level,
                        "tier": s.tier,
                    }
                    for s in g.suggestions
                ],
            }
            for g in report.summary
        ],
    }


@router.get(
    "/{org}/{plan}/export.json",
    response=PlanOut,
    operation_id="upstream_planning_api_plan_export_json",
    **guarded("plan.export"),
)
def plan_export_json(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID) -> Any:
    """The plan document as a download; recorded in the audit log."""
    membership, the_plan = _plan(request, org, plan, "plan.export")
    services.plan_export_record(actor=membership, plan=the_plan, format="json", request=request)
    return plan_document(the_plan)


@router.delete(
    "/{org}/{plan}/strategies/{key}",
    response={204: None},
    operation_id="upstream_planning_api_strategy_delete",
    **guarded("plan.edit"),
)
def strategy_delete(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, key: str) -> Any:
    """Take a framework strategy (by key) out of a draft plan; refused while it has activities."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = the_plan.strategies.filter(strategy__key=key).select_related("strategy").first()
    if item is None:
        raise Http404
    services.plan_strategy_remove(actor=membership, plan_strategy=item, request=request)
    return Status(204, None)
