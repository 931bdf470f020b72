"""Plans API, under /api/v1/plans/{org}/...: everything the plan pages do. Create, read and edit
plans; add, edit and remove activities; add and edit outcomes and indicators; rate principles;
update an activity's status; publish, start a draft, compare versions; the gap analysis and the
JSON export.

Authentication and roles are those of the accounts API (a session or an API key; read-only keys
read). Another organization's uuid, or a plan the organization may not see, answers 404. A save
from a stale ``revision`` answers 409 with code ``conflict``; bad input answers 422 with the
fields that are wrong.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.throttling import AuthRateThrottle

from upstream.accounts.api import API_RATE, AUTH, caller, guarded
from upstream.accounts.selectors import coalitions_of
from upstream.core.api import PatchSchema, Revision
from upstream.core.validators import CountyFips, Line, MultilineText, Name, StateFips
from upstream.framework import selectors as framework
from upstream.planning import selectors, services
from upstream.planning.document import plan_diff, plan_document
from upstream.planning.gaps import gap_analysis
from upstream.planning.models import Indicator, Plan, PlanActivity, PlanOutcome
from upstream.planning.vocabularies import PRIORITY_POPULATIONS

router = Router(tags=["plans"], auth=AUTH, throttle=[AuthRateThrottle(API_RATE)])


class OrgOut(Schema):
    uuid: str
    name: str
    sectors: list[str]


class PlanSummaryOut(Schema):
    uuid: uuid.UUID
    title: str
    version: int
    status: str
    organization: str
    coalition: str | None
    period_start: dt.date
    period_end: dt.date
    framework_version: str


class PlanActivityOut(Schema):
    uuid: str
    key: str
    revision: int
    name: str
    description: str
    framework_activity: str | None
    level: str
    tier: str
    population: str
    lead: OrgOut
    partners: list[OrgOut]
    start: str | None
    end: str | None
    status: str
    budget: str | None


class PlanStrategyOut(Schema):
    key: str
    name: str
    number: int | None
    activities: list[PlanActivityOut]


class PlanIndicatorOut(Schema):
    uuid: str
    revision: int
    name: str
    definition: str
    unit: str
    data_source: str
    baseline_value: str | None
    baseline_date: str | None
    target_value: str | None
    target_date: str | None
    direction: str
    frequency: str


class PlanOutcomeOut(Schema):
    uuid: str
    revision: int
    name: str
    description: str
    strategy: str | None
    framework_outcome: str | None
    horizon: str
    activities: list[str]
    indicators: list[PlanIndicatorOut]


class PlanPrincipleOut(Schema):
    key: str
    name: str
    rating: str
    evidence: str
    practices: list[str]
    revision: int


class PopulationOut(Schema):
    key: str
    label: str


class PlanDetailsOut(Schema):
    """A plan's own fields, without its logic model (what plan writes answer)."""

    uuid: str
    series: str
    title: str
    organization: OrgOut
    coalition: dict[str, str] | None
    period_start: str
    period_end: str
    state_fips: str
    county_fips: str
    populations: list[PopulationOut]
    framework_version: str
    status: str
    version: int
    revision: int


class PlanOut(PlanDetailsOut):
    """The whole plan: its fields and its logic model."""

    strategies: list[PlanStrategyOut]
    outcomes: list[PlanOutcomeOut]
    principles: list[PlanPrincipleOut]
    partners: list[OrgOut]


class PlanIn(Schema):
    title: Name = Field(..., max_length=200)
    framework: str = "hhs-2024"
    framework_version: str
    period_start: dt.date
    period_end: dt.date
    state_fips: StateFips = Field(..., max_length=2)
    county_fips: CountyFips = Field("", max_length=5)
    populations: list[str] = []
    coalition: uuid.UUID | None = None
    strategies: list[str] = []


class ActivityIn(Schema):
    strategy: str
    framework_activity: str | None = None
    name: Name | None = Field(None, max_length=200)
    description: MultilineText = Field("", max_length=20000)
    level: str | None = None
    tier: str | None = None
    population: Line = Field("", max_length=40)
    lead_organization: uuid.UUID | None = None
    partners: list[uuid.UUID] = []
    start: dt.date | None = None
    end: dt.date | None = None
    status: str = "planned"
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class StatusIn(Schema):
    status: str
    revision: Revision


class OutcomeIn(Schema):
    name: Name | None = Field(None, max_length=200)
    horizon: str | None = None
    framework_outcome: str | None = None
    description: MultilineText = Field("", max_length=20000)
    activities: list[uuid.UUID] = []


class IndicatorIn(Schema):
    name: Name = Field(..., max_length=200)
    definition: MultilineText = Field("", max_length=20000)
    unit: Line = Field("", max_length=60)
    data_source: Line = Field("", max_length=200)
    baseline_value: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    baseline_date: dt.date | None = None
    target_value: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    target_date: dt.date | None = None
    direction: str = "increase"
    frequency: str = "annually"


class PrincipleIn(Schema):
    rating: str
    evidence: MultilineText = Field("", max_length=20000)
    practices: list[str] = []
    revision: Revision | None = None


class PublishIn(Schema):
    revision: Revision


class PlanChangeOut(Schema):
    kind: str
    change: str
    name: str
    fields: dict[str, list[Any]] = {}


class HeatRowOut(Schema):
    key: str
    name: str
    chosen: bool
    counts: list[int]
    total: int


class SuggestionOut(Schema):
    key: str
    name: str
    strategy: str
    level: str
    tier: str


class GapOut(Schema):
    kind: str
    title: str
    detail: str
    suggestions: list[SuggestionOut]


class GapReportOut(Schema):
    levels: list[str]
    heatmap: list[HeatRowOut]
    tiers: list[dict[str, Any]]
    sectors_present: list[str]
    sectors_missing: list[str]
    populations_uncovered: list[str]
    activities_without_outcomes: list[str]
    outcomes_without_indicators: list[str]
    indicators_without_baseline: list[str]
    indicators_without_target: list[str]
    principles_low: list[str]
    summary: list[GapOut]


def _plan(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, action: str) -> tuple[Any, Plan]:
    membership = caller(request).membership(org, action)
    return membership, selectors.plan_get(membership=membership, plan_uuid=plan)


# What a write answers: the item it changed, read back on its own (not the whole plan document).


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _org(org: Any) -> dict[str, Any]:
    return {"uuid": str(org.uuid), "name": org.name, "sectors": list(org.sectors)}


def _plan_details(plan: Plan) -> dict[str, Any]:
    plan = Plan.objects.select_related("organization", "coalition", "framework_version").get(
        pk=plan.pk
    )
    return {
        "uuid": str(plan.uuid),
        "series": str(plan.series),
        "title": plan.title,
        "organization": _org(plan.organization),
        "coalition": (
            {"uuid": str(plan.coalition.uuid), "name": plan.coalition.name}
            if plan.coalition
            else None
        ),
        "period_start": _day(plan.period_start),
        "period_end": _day(plan.period_end),
        "state_fips": plan.state_fips,
        "county_fips": plan.county_fips,
        "populations": [
            {"key": key, "label": PRIORITY_POPULATIONS.get(key, key)} for key in plan.populations
        ],
        "framework_version": plan.framework_version.label,
        "status": plan.status,
        "version": plan.version,
        "revision": plan.revision,
    }


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
    return ValidationError({"activities": ["Every linked activity must belong to this plan."]})


@router.get("/{org}", response=list[PlanSummaryOut], **guarded("plan.view"))
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


@router.post("/{org}", response={201: PlanDetailsOut}, **guarded("plan.edit"))
def plan_create(request: HttpRequest, org: uuid.UUID, payload: PlanIn) -> Any:
    """Start a plan; the answer is its details (read the whole plan with GET)."""
    membership = caller(request).membership(org, "plan.edit")
    version = framework.version_by_key(
        framework=payload.framework, version=payload.framework_version
    )
    if version is None:
        raise ValidationError({"framework_version": ["Unknown framework version."]})
    coalition = None
    if payload.coalition is not None:
        coalition = coalitions_of(membership=membership).filter(uuid=payload.coalition).first()
        if coalition is None:
            raise ValidationError({"coalition": ["Unknown coalition."]})
    strategies = framework.strategies_by_keys(version_id=version.pk, keys=payload.strategies)
    if len(strategies) != len(set(payload.strategies)):
        raise ValidationError({"strategies": ["Unknown strategy key."]})
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


@router.get("/{org}/{plan}", response=PlanOut, **guarded("plan.view"))
def plan_get(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID) -> Any:
    """The whole plan: strategies, activities, outcomes, indicators, principles, partners."""
    _membership, the_plan = _plan(request, org, plan, "plan.view")
    return plan_document(the_plan)


@router.post("/{org}/{plan}/activities", response={201: PlanActivityOut}, **guarded("plan.edit"))
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
        name: ["Unknown or missing."]
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
            missing["lead_organization"] = ["Unknown organization for this plan."]
        else:
            lead = found
    partners = list(choices.filter(uuid__in=payload.partners))
    if len(partners) != len(set(payload.partners)):
        missing["partners"] = ["Unknown organization for this plan."]
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


@router.get("/{org}/{plan}/gaps", response=GapReportOut, **guarded("plan.view"))
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
    **guarded("plan.export"),
)
def plan_export_json(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID) -> Any:
    """The plan document as a download; recorded in the audit log."""
    membership, the_plan = _plan(request, org, plan, "plan.export")
    services.plan_export_record(actor=membership, plan=the_plan, format="json", request=request)
    return plan_document(the_plan)


@router.post("/{org}/{plan}/outcomes", response={201: PlanOutcomeOut}, **guarded("plan.edit"))
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
            raise ValidationError({"framework_outcome": ["Unknown framework outcome."]})
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


@router.post(
    "/{org}/{plan}/outcomes/{outcome}/indicators",
    response={201: PlanIndicatorOut},
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


@router.put("/{org}/{plan}/principles/{key}", response=PlanPrincipleOut, **guarded("plan.edit"))
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


@router.post("/{org}/{plan}/publish", response=PlanDetailsOut, **guarded("plan.publish"))
def plan_publish(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, payload: PublishIn) -> Any:
    """Freeze this version (naming the plan revision you read); it can no longer change."""
    membership, the_plan = _plan(request, org, plan, "plan.publish")
    services.plan_publish(
        actor=membership, plan=the_plan, revision=payload.revision, request=request
    )
    return _plan_details(the_plan)


@router.post("/{org}/{plan}/drafts", response={201: PlanDetailsOut}, **guarded("plan.edit"))
def plan_new_draft(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID) -> Any:
    """Start a new draft version from this published one; the answer is the draft's details."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    draft = services.plan_new_draft(actor=membership, plan=the_plan, request=request)
    return Status(201, _plan_details(draft))


@router.get("/{org}/{plan}/diff", response=list[PlanChangeOut], **guarded("plan.view"))
def plan_versions_diff(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, against: uuid.UUID
) -> Any:
    """What changed from version ``against`` (another version of the same plan) to this one."""
    membership, the_plan = _plan(request, org, plan, "plan.view")
    other = selectors.plan_get(membership=membership, plan_uuid=against)
    if other.series != the_plan.series:
        raise ValidationError({"against": ["Compare versions of the same plan."]})
    return plan_diff(plan_document(other), plan_document(the_plan))


# --- editing and removing ------------------------------------------------------------------------


class PlanPatch(PatchSchema):
    revision: Revision
    title: Name | None = Field(None, max_length=200)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    state_fips: StateFips | None = Field(None, max_length=2)
    county_fips: CountyFips | None = Field(None, max_length=5)
    populations: list[str] | None = None


class ActivityPatch(PatchSchema):
    nullable = frozenset({"partners", "start", "end", "budget"})

    revision: Revision
    name: Name | None = Field(None, max_length=200)
    description: MultilineText | None = Field(None, max_length=20000)
    level: str | None = None
    tier: str | None = None
    population: Line | None = Field(None, max_length=40)
    lead_organization: uuid.UUID | None = None
    partners: list[uuid.UUID] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    status: str | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class OutcomePatch(PatchSchema):
    nullable = frozenset({"activities"})

    revision: Revision
    name: Name | None = Field(None, max_length=200)
    description: MultilineText | None = Field(None, max_length=20000)
    horizon: str | None = None
    activities: list[uuid.UUID] | None = None


class IndicatorPatch(PatchSchema):
    nullable = frozenset({"baseline_value", "baseline_date", "target_value", "target_date"})

    revision: Revision
    name: Name | None = Field(None, max_length=200)
    definition: MultilineText | None = Field(None, max_length=20000)
    unit: Line | None = Field(None, max_length=60)
    data_source: Line | None = Field(None, max_length=200)
    baseline_value: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    baseline_date: dt.date | None = None
    target_value: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    target_date: dt.date | None = None
    direction: str | None = None
    frequency: str | None = None


def _changes(payload: Schema) -> tuple[int, dict[str, Any]]:
    """The fields the client sent, without the revision."""
    changes = payload.dict(exclude_unset=True)
    return int(changes.pop("revision")), changes


@router.patch("/{org}/{plan}", response=PlanDetailsOut, **guarded("plan.edit"))
def plan_patch(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, payload: PlanPatch) -> Any:
    """Change a draft plan's details, naming the plan ``revision`` you read."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    revision, changes = _changes(payload)
    services.plan_update(
        actor=membership, plan=the_plan, revision=revision, request=request, **changes
    )
    return _plan_details(the_plan)


@router.patch(
    "/{org}/{plan}/activities/{activity}", response=PlanActivityOut, **guarded("plan.edit")
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
            problems["level"] = ["Unknown level."]
    if "tier" in changes:
        changes["tier"] = framework.tier_by_key(version_id=version_id, key=changes["tier"])
        if changes["tier"] is None:
            problems["tier"] = ["Unknown tier."]
    choices = selectors.partner_choices(plan=the_plan)
    if "lead_organization" in changes:
        changes["lead_organization"] = choices.filter(uuid=changes["lead_organization"]).first()
        if changes["lead_organization"] is None:
            problems["lead_organization"] = ["Unknown organization for this plan."]
    if "partners" in changes:
        wanted = set(changes["partners"] or [])
        changes["partners"] = list(choices.filter(uuid__in=wanted))
        if len(changes["partners"]) != len(wanted):
            problems["partners"] = ["Unknown organization for this plan."]
    if problems:
        raise ValidationError(problems)
    services.plan_activity_update(
        actor=membership, activity=item, revision=revision, request=request, **changes
    )
    return _activity_item(item)


@router.delete("/{org}/{plan}/activities/{activity}", response={204: None}, **guarded("plan.edit"))
def activity_delete(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, activity: uuid.UUID
) -> Any:
    """Remove an activity from a draft plan."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.activity_get(membership=membership, plan=the_plan, activity_uuid=activity)
    services.plan_activity_remove(actor=membership, activity=item, request=request)
    return Status(204, None)


@router.patch("/{org}/{plan}/outcomes/{outcome}", response=PlanOutcomeOut, **guarded("plan.edit"))
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


@router.patch(
    "/{org}/{plan}/indicators/{indicator}", response=PlanIndicatorOut, **guarded("plan.edit")
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


@router.delete("/{org}/{plan}/outcomes/{outcome}", response={204: None}, **guarded("plan.edit"))
def outcome_delete(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, outcome: uuid.UUID
) -> Any:
    """Remove an outcome, and its indicators, from a draft plan."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.outcome_get(membership=membership, plan=the_plan, outcome_uuid=outcome)
    services.plan_outcome_remove(actor=membership, outcome=item, request=request)
    return Status(204, None)


@router.delete("/{org}/{plan}/indicators/{indicator}", response={204: None}, **guarded("plan.edit"))
def indicator_delete(
    request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, indicator: uuid.UUID
) -> Any:
    """Remove an indicator from a draft plan."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = selectors.indicator_get(membership=membership, plan=the_plan, indicator_uuid=indicator)
    services.plan_indicator_remove(actor=membership, indicator=item, request=request)
    return Status(204, None)


@router.delete("/{org}/{plan}/strategies/{key}", response={204: None}, **guarded("plan.edit"))
def strategy_delete(request: HttpRequest, org: uuid.UUID, plan: uuid.UUID, key: str) -> Any:
    """Take a framework strategy (by key) out of a draft plan; refused while it has activities."""
    membership, the_plan = _plan(request, org, plan, "plan.edit")
    item = the_plan.strategies.filter(strategy__key=key).select_related("strategy").first()
    if item is None:
        raise Http404
    services.plan_strategy_remove(actor=membership, plan_strategy=item, request=request)
    return Status(204, None)
