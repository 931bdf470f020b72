"""Plan services: create, update, publish, start a new draft, record an export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from upstream.accounts.models import Coalition, Membership
from upstream.accounts.policy import check
from upstream.core.validators import is_ascii_digits, text_problem
from upstream.framework.models import FrameworkVersion, Strategy
from upstream.planning.document import plan_document
from upstream.planning.models import (
    Indicator,
    Plan,
    PlanActivity,
    PlanOutcome,
    PlanStrategy,
    PrincipleRating,
)
from upstream.planning.policy import coalition_plan_allowed, plan_access
from upstream.planning.services._common import _audit, _bump, _editable, _period, _raise
from upstream.planning.services.indicators import _INDICATOR_FIELDS
from upstream.planning.vocabularies import PRIORITY_POPULATIONS


def _plan_fields(
    errors: dict[str, list[str]],
    *,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    state_fips: str,
    county_fips: str,
    populations: Sequence[str],
) -> None:
    if not title.strip():
        errors.setdefault("title", []).append(gettext("Give the plan a title."))
    elif wrong := text_problem(title, name=True):
        errors.setdefault("title", []).append(wrong)
    _period(errors, period_start, period_end, "period_end")
    if not (len(state_fips) == 2 and is_ascii_digits(state_fips)):
        errors.setdefault("state_fips", []).append(
            gettext("A state FIPS code is two digits, e.g. 39.")
        )
    if county_fips and not (
        len(county_fips) == 5
        and is_ascii_digits(county_fips)
        and county_fips.startswith(state_fips)
    ):
        errors.setdefault("county_fips", []).append(
            gettext("A county FIPS code is five digits and starts with the state code, e.g. 39049.")
        )
    unknown = sorted(set(populations) - set(PRIORITY_POPULATIONS))
    if unknown:
        errors.setdefault("populations", []).append(
            ngettext(
                "Unknown priority population: %(keys)s.",
                "Unknown priority populations: %(keys)s.",
                len(unknown),
            )
            % {"keys": ", ".join(unknown)}
        )


@transaction.atomic
def plan_create(
    *,
    actor: Membership,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    state_fips: str,
    framework_version: FrameworkVersion,
    county_fips: str = "",
    populations: Sequence[str] = (),
    coalition: Coalition | None = None,
    strategies: Iterable[Strategy] = (),
    request: HttpRequest | None = None,
) -> Plan:
    check(actor, "plan.edit")
    errors: dict[str, list[str]] = {}
    _plan_fields(
        errors,
        title=title,
        period_start=period_start,
        period_end=period_end,
        state_fips=state_fips,
        county_fips=county_fips,
        populations=populations,
    )
    if coalition is not None and not coalition_plan_allowed(membership=actor, coalition=coalition):
        errors.setdefault("coalition", []).append(
            gettext("Your organization is not in that coalition.")
        )
    strategies = list(strategies)
    for strategy in strategies:
        if strategy.version_id != framework_version.pk:
            errors.setdefault("strategies", []).append(
                gettext("%(name)s belongs to another framework version.") % {"name": strategy.name}
            )
    _raise(errors)
    plan = Plan.objects.create(
        organization_id=actor.organization_id,
        coalition=coalition,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        state_fips=state_fips,
        county_fips=county_fips,
        populations=list(dict.fromkeys(populations)),
        framework_version=framework_version,
    )
    for strategy in strategies:
        PlanStrategy.objects.create(
            plan=plan, strategy=strategy, organization_id=plan.organization_id
        )
    _audit(
        actor=actor,
        plan=plan,
        action="plan.created",
        target=plan,
        label=plan.title,
        request=request,
        framework_version=framework_version.label,
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Membership,
    plan: Plan,
    revision: int,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Plan:
    _editable(actor, plan)
    allowed = {"title", "period_start", "period_end", "state_fips", "county_fips", "populations"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            gettext("Cannot change %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    merged = {name: changes.get(name, getattr(plan, name)) for name in allowed}
    errors: dict[str, list[str]] = {}
    _plan_fields(errors, **merged)
    _raise(errors)
    _bump(Plan, plan, revision, "plan", **changes)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.updated",
        target=plan,
        label=plan.title,
        request=request,
        fields=sorted(changes),
    )
    return plan


@transaction.atomic
def plan_publish(
    *, actor: Membership, plan: Plan, revision: int, request: HttpRequest | None = None
) -> Plan:
    """Freeze this version: store its whole document and refuse any later change."""
    plan_access(membership=actor, plan=plan).require_publish()
    document = plan_document(plan)
    document["status"] = Plan.Status.PUBLISHED
    now = timezone.now()
    document["published_at"] = now.isoformat()
    _bump(
        Plan,
        plan,
        revision,
        "plan",
        status=Plan.Status.PUBLISHED,
        snapshot=document,
        published_at=now,
        published_by=actor.user,
    )
    _audit(
        actor=actor,
        plan=plan,
        action="plan.published",
        target=plan,
        label=plan.title,
        request=request,
        version=plan.version,
    )
    return plan


@transaction.atomic
def plan_new_draft(*, actor: Membership, plan: Plan, request: HttpRequest | None = None) -> Plan:
    """A new draft version that starts from the published ``plan``; items keep their keys."""
    plan_access(membership=actor, plan=plan).require_new_draft()
    if Plan.objects.filter(series=plan.series, status=Plan.Status.DRAFT).exists():
        raise ValidationError(gettext("This plan already has a draft: edit that one."))
    latest = Plan.objects.filter(series=plan.series).order_by("-version").first()
    draft = Plan.objects.create(
        series=plan.series,
        organization_id=plan.organization_id,
        coalition_id=plan.coalition_id,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        state_fips=plan.state_fips,
        county_fips=plan.county_fips,
        populations=list(plan.populations),
        framework_version_id=plan.framework_version_id,
        version=(latest.version if latest else plan.version) + 1,
        based_on=plan,
    )
    strategy_map: dict[int, PlanStrategy] = {}
    for ps in PlanStrategy.objects.filter(plan=plan):
        strategy_map[ps.pk] = PlanStrategy.objects.create(
            plan=draft,
            organization_id=draft.organization_id,
            strategy_id=ps.strategy_id,
            key=ps.key,
            notes=ps.notes,
        )
    activity_map: dict[int, PlanActivity] = {}
    partner_rows = []
    Through = PlanActivity.partners.through
    for a in PlanActivity.objects.filter(plan=plan).prefetch_related("partners"):
        copy = PlanActivity.objects.create(
            plan=draft,
            organization_id=draft.organization_id,
            plan_strategy=strategy_map[a.plan_strategy_id],
            key=a.key,
            framework_activity_id=a.framework_activity_id,
            name=a.name,
            description=a.description,
            level_id=a.level_id,
            tier_id=a.tier_id,
            population=a.population,
            lead_organization_id=a.lead_organization_id,
            start=a.start,
            end=a.end,
            status=a.status,
            budget=a.budget,
        )
        activity_map[a.pk] = copy
        partner_rows += [Through(planactivity=copy, organization=p) for p in a.partners.all()]
    Through.objects.bulk_create(partner_rows)
    link_rows = []
    LinkThrough = PlanOutcome.activities.through
    for o in PlanOutcome.objects.filter(plan=plan).prefetch_related("activities", "indicators"):
        copy_o = PlanOutcome.objects.create(
            plan=draft,
            organization_id=draft.organization_id,
            plan_strategy=strategy_map.get(o.plan_strategy_id or 0),
            key=o.key,
            framework_outcome_id=o.framework_outcome_id,
            name=o.name,
            description=o.description,
            horizon=o.horizon,
        )
        link_rows += [
            LinkThrough(planoutcome=copy_o, planactivity=activity_map[a.pk])
            for a in o.activities.all()
        ]
        Indicator.objects.bulk_create(
            [
                Indicator(
                    outcome=copy_o,
                    organization_id=draft.organization_id,
                    key=i.key,
                    **{name: getattr(i, name) for name in _INDICATOR_FIELDS},
                )
                for i in o.indicators.all()
            ]
        )
    LinkThrough.objects.bulk_create(link_rows)
    PrincipleRating.objects.bulk_create(
        [
            PrincipleRating(
                plan=draft,
                organization_id=draft.organization_id,
                principle_id=r.principle_id,
                key=r.key,
                rating=r.rating,
                evidence=r.evidence,
                practices=list(r.practices),
            )
            for r in PrincipleRating.objects.filter(plan=plan)
        ]
    )
    _audit(
        actor=actor,
        plan=draft,
        action="plan.draft_started",
        target=draft,
        label=draft.title,
        request=request,
        based_on=str(plan.uuid),
        version=draft.version,
    )
    return draft


def plan_export_record(
    *, actor: Membership, plan: Plan, format: str, request: HttpRequest | None = None
) -> None:
    """Record that someone downloaded the plan."""
    plan_access(membership=actor, plan=plan).require_export()
    with transaction.atomic():
        _audit(
            actor=actor,
            plan=plan,
            action="plan.exported",
            target=plan,
            label=plan.title,
            request=request,
            format=format,
        )
