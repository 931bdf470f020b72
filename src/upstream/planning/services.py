"""Every change to a plan. Keyword-only, atomic, ``actor=`` a membership; each writes its audit
event inside the same transaction and asks the policy module before doing anything.

Bad input raises ``ValidationError`` (with field messages) and changes nothing. A save made from a
stale ``revision`` raises ``StaleEdit``: someone else changed the item first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from upstream.accounts import selectors as account_selectors
from upstream.accounts.models import Coalition, Membership, Organization
from upstream.accounts.policy import check
from upstream.audit.services import audit_record
from upstream.core.validators import is_ascii_digits, text_problem
from upstream.framework.models import (
    Activity,
    FrameworkVersion,
    Level,
    Outcome,
    Principle,
    Strategy,
    Tier,
)
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
from upstream.planning.vocabularies import (
    ACTIVITY_STATUSES,
    DIRECTIONS,
    FREQUENCIES,
    PRINCIPLE_RATINGS,
    PRIORITY_POPULATIONS,
    practices_of,
)

M = TypeVar("M", bound=models.Model)


class StaleEdit(ValidationError):
    """The item changed since the form was opened."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Someone else changed this {what} after you opened it. "
            "Your changes were not saved: reload to see the current version, then make them again."
        )


def _audit(
    *,
    actor: Membership,
    plan: Plan,
    action: str,
    target: Any,
    label: str,
    request: HttpRequest | None = None,
    **details: Any,
) -> None:
    audit_record(
        action=action,
        actor=actor.user,
        organization=plan.organization,
        target=target,
        target_label=label,
        request=request,
        # The actor's organization: what coalition partners are shown instead of the person.
        details={"plan": str(plan.uuid), "by": str(actor.organization.uuid), **details},
    )


def _editable(actor: Membership, plan: Plan) -> None:
    plan_access(membership=actor, plan=plan).require_edit()


def _period(errors: dict[str, list[str]], start: Any, end: Any, field: str = "end") -> None:
    if start is not None and end is not None and end < start:
        errors.setdefault(field, []).append("The end date must be on or after the start date.")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _same_version(
    errors: dict[str, list[str]], plan: Plan, field: str, item: Any, what: str
) -> None:
    if item is not None and item.version_id != plan.framework_version_id:
        errors.setdefault(field, []).append(
            f"That {what} belongs to another framework version ({item.version}); "
            f"this plan is built on {plan.framework_version.label}."
        )


def _bump(model: type[M], obj: Any, revision: int | None, what: str, **changes: Any) -> None:
    """Save ``changes`` only if the row is still at ``revision`` (None: the current one)."""
    current = obj.revision if revision is None else revision
    updated = model._default_manager.filter(pk=obj.pk, revision=current).update(
        revision=F("revision") + 1, **changes
    )
    if updated != 1:
        raise StaleEdit(what)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.revision = current + 1


def _touch(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())


# Plans ----------------------------------------------------------------------------------------


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
        errors.setdefault("title", []).append("Give the plan a title.")
    elif wrong := text_problem(title, name=True):
        errors.setdefault("title", []).append(wrong)
    _period(errors, period_start, period_end, "period_end")
    if not (len(state_fips) == 2 and is_ascii_digits(state_fips)):
        errors.setdefault("state_fips", []).append("A state FIPS code is two digits, e.g. 39.")
    if county_fips and not (
        len(county_fips) == 5
        and is_ascii_digits(county_fips)
        and county_fips.startswith(state_fips)
    ):
        errors.setdefault("county_fips", []).append(
            "A county FIPS code is five digits and starts with the state code, e.g. 39049."
        )
    unknown = sorted(set(populations) - set(PRIORITY_POPULATIONS))
    if unknown:
        errors.setdefault("populations", []).append(
            f"Unknown priority population(s): {', '.join(unknown)}."
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
        errors.setdefault("coalition", []).append("Your organization is not in that coalition.")
    strategies = list(strategies)
    for strategy in strategies:
        if strategy.version_id != framework_version.pk:
            errors.setdefault("strategies", []).append(
                f"{strategy.name} belongs to another framework version."
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
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
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
def plan_strategy_add(
    *, actor: Membership, plan: Plan, strategy: Strategy, request: HttpRequest | None = None
) -> PlanStrategy:
    _editable(actor, plan)
    errors: dict[str, list[str]] = {}
    _same_version(errors, plan, "strategy", strategy, "strategy")
    _raise(errors)
    existing = PlanStrategy.objects.filter(plan=plan, strategy=strategy).first()
    if existing is not None:
        return existing
    plan_strategy = PlanStrategy.objects.create(
        plan=plan, strategy=strategy, organization_id=plan.organization_id
    )
    _audit(
        actor=actor,
        plan=plan,
        action="plan.strategy_added",
        target=plan_strategy,
        label=strategy.name,
        request=request,
    )
    return plan_strategy


@transaction.atomic
def plan_strategies_set(
    *,
    actor: Membership,
    plan: Plan,
    strategies: Sequence[Strategy],
    request: HttpRequest | None = None,
) -> None:
    """Make ``strategies`` the plan's strategies: add the new ones, remove the others. All or
    nothing: a strategy that still has activities refuses, and then nothing changes."""
    for strategy in strategies:
        plan_strategy_add(actor=actor, plan=plan, strategy=strategy, request=request)
    unticked = plan.strategies.exclude(strategy__in=strategies).select_related("strategy")
    for plan_strategy in unticked:
        plan_strategy_remove(actor=actor, plan_strategy=plan_strategy, request=request)


@transaction.atomic
def plan_strategy_remove(
    *, actor: Membership, plan_strategy: PlanStrategy, request: HttpRequest | None = None
) -> None:
    """Take a strategy out of a draft plan. Refused while activities sit under it (they would
    go with it); its outcomes stay in the plan, under no strategy."""
    plan = plan_strategy.plan
    _editable(actor, plan)
    name = plan_strategy.strategy.name
    count = plan_strategy.activities.count()
    if count:
        raise ValidationError(
            f"“{name}” still has {count} activit{'y' if count == 1 else 'ies'}: remove "
            f"{'it' if count == 1 else 'them'} first, so that no activity is lost by accident."
        )
    plan_strategy.outcomes.update(plan_strategy=None)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.strategy_removed",
        target=plan_strategy,
        label=name,
        request=request,
    )
    plan_strategy.delete()
    _touch(plan)


# Activities -----------------------------------------------------------------------------------


def _member_ids(plan: Plan) -> set[int]:
    if plan.coalition_id is None:
        return {plan.organization_id}
    return account_selectors.coalition_member_ids(coalition_id=plan.coalition_id)


def activity_errors(
    plan: Plan,
    *,
    strategy: Strategy | None,
    framework_activity: Activity | None,
    name: str,
    level: Level,
    tier: Tier,
    population: str,
    lead_organization: Organization,
    partners: Sequence[Organization],
    start: dt.date | None,
    end: dt.date | None,
    status: str,
    budget: Decimal | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append("Name the activity.")
    _same_version(errors, plan, "strategy", strategy, "strategy")
    _same_version(errors, plan, "framework_activity", framework_activity, "framework activity")
    _same_version(errors, plan, "level", level, "level")
    _same_version(errors, plan, "tier", tier, "tier")
    if (
        framework_activity is not None
        and strategy is not None
        and framework_activity.strategy_id != strategy.pk
    ):
        errors.setdefault("framework_activity", []).append(
            "That framework activity belongs to another strategy."
        )
    if population and population not in PRIORITY_POPULATIONS:
        errors.setdefault("population", []).append("Choose a population from the list.")
    members = _member_ids(plan)
    if lead_organization.pk not in members:
        errors.setdefault("lead_organization", []).append(
            f"{lead_organization.name} is not a member of the plan's coalition."
            if plan.coalition_id
            else "An organization's own plan is led by the organization itself."
        )
    outside = [org.name for org in partners if org.pk not in members]
    if outside:
        errors.setdefault("partners", []).append(
            f"Partners must be members of the plan's coalition: {', '.join(sorted(outside))} "
            "is not."
        )
    _period(errors, start, end)
    if plan.period_start and start is not None and start < plan.period_start:
        errors.setdefault("start", []).append("The activity starts before the plan's period.")
    if plan.period_end and end is not None and end > plan.period_end:
        errors.setdefault("end", []).append("The activity ends after the plan's period.")
    if status not in ACTIVITY_STATUSES:
        errors.setdefault("status", []).append("Choose a status from the list.")
    if budget is not None and budget < 0:
        errors.setdefault("budget", []).append("A budget cannot be negative.")
    return errors


@transaction.atomic
def plan_activity_add(
    *,
    actor: Membership,
    plan: Plan,
    strategy: Strategy,
    name: str,
    level: Level,
    tier: Tier,
    lead_organization: Organization,
    framework_activity: Activity | None = None,
    description: str = "",
    population: str = "",
    partners: Sequence[Organization] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str = "planned",
    budget: Decimal | None = None,
    request: HttpRequest | None = None,
) -> PlanActivity:
    _editable(actor, plan)
    _raise(
        activity_errors(
            plan,
            strategy=strategy,
            framework_activity=framework_activity,
            name=name,
            level=level,
            tier=tier,
            population=population,
            lead_organization=lead_organization,
            partners=partners,
            start=start,
            end=end,
            status=status,
            budget=budget,
        )
    )
    plan_strategy, _ = PlanStrategy.objects.get_or_create(
        plan=plan, strategy=strategy, defaults={"organization_id": plan.organization_id}
    )
    activity = PlanActivity.objects.create(
        plan=plan,
        organization_id=plan.organization_id,
        plan_strategy=plan_strategy,
        framework_activity=framework_activity,
        name=name.strip(),
        description=description,
        level=level,
        tier=tier,
        population=population,
        lead_organization=lead_organization,
        start=start,
        end=end,
        status=status,
        budget=budget,
    )
    if partners:
        activity.partners.set(partners)
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.activity_added",
        target=activity,
        label=activity.name,
        request=request,
        strategy=strategy.key,
        framework_activity=framework_activity.key if framework_activity else "",
    )
    return activity


@transaction.atomic
def plan_activity_update(
    *,
    actor: Membership,
    activity: PlanActivity,
    revision: int,
    request: HttpRequest | None = None,
    **changes: Any,
) -> PlanActivity:
    plan = activity.plan
    _editable(actor, plan)
    fields = {
        "name",
        "description",
        "level",
        "tier",
        "population",
        "lead_organization",
        "partners",
        "start",
        "end",
        "status",
        "budget",
    }
    unknown = set(changes) - fields
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    partners = changes.pop("partners", None)
    merged = {name: changes.get(name, getattr(activity, name)) for name in fields - {"partners"}}
    merged.pop("description")
    _raise(
        activity_errors(
            plan,
            strategy=activity.plan_strategy.strategy,
            framework_activity=activity.framework_activity,
            partners=list(activity.partners.all()) if partners is None else partners,
            **merged,
        )
    )
    _bump(PlanActivity, activity, revision, "activity", **changes)
    if partners is not None:
        activity.partners.set(partners)
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.activity_updated",
        target=activity,
        label=activity.name,
        request=request,
        fields=sorted([*changes, *(["partners"] if partners is not None else [])]),
    )
    return activity


@transaction.atomic
def plan_activity_set_status(
    *,
    actor: Membership,
    activity: PlanActivity,
    status: str,
    revision: int,
    request: HttpRequest | None = None,
) -> PlanActivity:
    """The owner's coordinators change any activity's status; staff, and the organization
    leading the activity, only that of the activities their organization leads."""
    plan = activity.plan
    plan_access(membership=actor, plan=plan).require_update_status(activity)
    if status not in ACTIVITY_STATUSES:
        raise ValidationError({"status": ["Choose a status from the list."]})
    previous = activity.status
    if status == previous:
        return activity  # not a change: nothing to save, nothing for the history
    _bump(PlanActivity, activity, revision, "activity", status=status)
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.activity_status",
        target=activity,
        label=activity.name,
        request=request,
        before=previous,
        after=status,
    )
    return activity


@transaction.atomic
def plan_activity_remove(
    *, actor: Membership, activity: PlanActivity, request: HttpRequest | None = None
) -> None:
    plan = activity.plan
    _editable(actor, plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.activity_removed",
        target=activity,
        label=activity.name,
        request=request,
    )
    activity.delete()
    _touch(plan)


# Outcomes and indicators ----------------------------------------------------------------------


def _outcome_errors(
    plan: Plan,
    *,
    name: str,
    horizon: str,
    framework_outcome: Outcome | None,
    activities: Sequence[PlanActivity],
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append("Name the outcome.")
    if horizon not in {"short", "intermediate", "long"}:
        errors.setdefault("horizon", []).append("Choose short, intermediate or long term.")
    _same_version(errors, plan, "framework_outcome", framework_outcome, "framework outcome")
    if any(a.plan_id != plan.pk for a in activities):
        errors.setdefault("activities", []).append("Link only activities of this plan.")
    return errors


@transaction.atomic
def plan_outcome_add(
    *,
    actor: Membership,
    plan: Plan,
    name: str,
    horizon: str,
    framework_outcome: Outcome | None = None,
    description: str = "",
    activities: Sequence[PlanActivity] = (),
    request: HttpRequest | None = None,
) -> PlanOutcome:
    _editable(actor, plan)
    _raise(
        _outcome_errors(
            plan,
            name=name,
            horizon=horizon,
            framework_outcome=framework_outcome,
            activities=activities,
        )
    )
    plan_strategy = None
    if framework_outcome is not None:
        plan_strategy = PlanStrategy.objects.filter(
            plan=plan, strategy_id=framework_outcome.strategy_id
        ).first()
    elif activities:
        plan_strategy = activities[0].plan_strategy
    outcome = PlanOutcome.objects.create(
        plan=plan,
        organization_id=plan.organization_id,
        plan_strategy=plan_strategy,
        framework_outcome=framework_outcome,
        name=name.strip(),
        description=description,
        horizon=horizon,
    )
    if activities:
        outcome.activities.set(activities)
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.outcome_added",
        target=outcome,
        label=outcome.name,
        request=request,
    )
    return outcome


@transaction.atomic
def plan_outcome_update(
    *,
    actor: Membership,
    outcome: PlanOutcome,
    revision: int,
    request: HttpRequest | None = None,
    **changes: Any,
) -> PlanOutcome:
    plan = outcome.plan
    _editable(actor, plan)
    unknown = set(changes) - {"name", "description", "horizon", "activities"}
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    activities = changes.pop("activities", None)
    _raise(
        _outcome_errors(
            plan,
            name=changes.get("name", outcome.name),
            horizon=changes.get("horizon", outcome.horizon),
            framework_outcome=None,
            activities=activities or [],
        )
    )
    _bump(PlanOutcome, outcome, revision, "outcome", **changes)
    if activities is not None:
        outcome.activities.set(activities)
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.outcome_updated",
        target=outcome,
        label=outcome.name,
        request=request,
    )
    return outcome


_INDICATOR_FIELDS = (
    "name",
    "definition",
    "unit",
    "data_source",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "direction",
    "frequency",
)


def _indicator_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not str(values.get("name") or "").strip():
        errors.setdefault("name", []).append("Name the indicator.")
    has_value = values.get("baseline_value") is not None or values.get("target_value") is not None
    if has_value and not str(values.get("unit") or "").strip():
        errors.setdefault("unit", []).append(
            "Give a unit (for example 'percent of students' or 'people trained') "
            "for the baseline and target values."
        )
    if values.get("baseline_value") is not None and values.get("baseline_date") is None:
        errors.setdefault("baseline_date", []).append("Give the date of the baseline value.")
    if values.get("target_value") is not None and values.get("target_date") is None:
        errors.setdefault("target_date", []).append("Give the date the target should be met.")
    _period(errors, values.get("baseline_date"), values.get("target_date"), "target_date")
    if values.get("direction", "increase") not in DIRECTIONS:
        errors.setdefault("direction", []).append("Choose increase, decrease or maintain.")
    if values.get("frequency", "annually") not in FREQUENCIES:
        errors.setdefault("frequency", []).append("Choose a reporting frequency from the list.")
    return errors


@transaction.atomic
def indicator_add(
    *,
    actor: Membership,
    plan: Plan,
    outcome: PlanOutcome,
    name: str,
    request: HttpRequest | None = None,
    **values: Any,
) -> Indicator:
    _editable(actor, plan)
    if outcome.plan_id != plan.pk:
        raise ValidationError({"outcome": ["That outcome belongs to another plan."]})
    unknown = set(values) - set(_INDICATOR_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown indicator field(s): {', '.join(sorted(unknown))}.")
    _raise(_indicator_errors({"name": name, **values}))
    indicator = Indicator.objects.create(
        outcome=outcome, organization_id=plan.organization_id, name=name.strip(), **values
    )
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.indicator_added",
        target=indicator,
        label=indicator.name,
        request=request,
        outcome=str(outcome.uuid),
    )
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: Membership,
    indicator: Indicator,
    revision: int,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Indicator:
    plan = indicator.outcome.plan
    _editable(actor, plan)
    unknown = set(changes) - set(_INDICATOR_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown indicator field(s): {', '.join(sorted(unknown))}.")
    merged = {name: changes.get(name, getattr(indicator, name)) for name in _INDICATOR_FIELDS}
    _raise(_indicator_errors(merged))
    _bump(Indicator, indicator, revision, "indicator", **changes)
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.indicator_updated",
        target=indicator,
        label=indicator.name,
        request=request,
        fields=sorted(changes),
    )
    return indicator


@transaction.atomic
def plan_outcome_remove(
    *, actor: Membership, outcome: PlanOutcome, request: HttpRequest | None = None
) -> int:
    """Remove an outcome of a draft plan, and its indicators; return how many indicators."""
    plan = outcome.plan
    _editable(actor, plan)
    indicators = outcome.indicators.count()
    _audit(
        actor=actor,
        plan=plan,
        action="plan.outcome_removed",
        target=outcome,
        label=outcome.name,
        request=request,
        indicators=indicators,
    )
    outcome.delete()
    _touch(plan)
    return indicators


@transaction.atomic
def plan_indicator_remove(
    *, actor: Membership, indicator: Indicator, request: HttpRequest | None = None
) -> None:
    plan = indicator.outcome.plan
    _editable(actor, plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.indicator_removed",
        target=indicator,
        label=indicator.name,
        request=request,
    )
    indicator.delete()
    _touch(plan)


# Principles -----------------------------------------------------------------------------------


@transaction.atomic
def principle_rate(
    *,
    actor: Membership,
    plan: Plan,
    principle: Principle,
    rating: str,
    evidence: str = "",
    practices: Sequence[str] = (),
    revision: int | None = None,
    request: HttpRequest | None = None,
) -> PrincipleRating:
    """Rate the plan against one principle. ``revision`` is that of the rating being replaced
    (None for the first rating)."""
    _editable(actor, plan)
    errors: dict[str, list[str]] = {}
    _same_version(errors, plan, "principle", principle, "principle")
    if rating not in PRINCIPLE_RATINGS:
        errors.setdefault("rating", []).append("Choose a rating from the list.")
    known = {key for key, _text in practices_of(principle.practices)}
    unknown = [p for p in practices if p not in known]
    if unknown:
        errors.setdefault("practices", []).append("Check only the practices listed.")
    _raise(errors)
    existing = PrincipleRating.objects.filter(plan=plan, principle=principle).first()
    values = {"rating": rating, "evidence": evidence, "practices": list(practices)}
    if existing is None:
        if revision not in (None, 0):
            raise StaleEdit("rating")
        item = PrincipleRating.objects.create(
            plan=plan, organization_id=plan.organization_id, principle=principle, **values
        )
    else:
        if revision is None:
            raise StaleEdit("rating")
        _bump(PrincipleRating, existing, revision, "rating", **values)
        item = existing
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.principle_rated",
        target=item,
        label=principle.name,
        request=request,
        rating=rating,
    )
    return item


# Versions ------------------------------------------------------------------------------------


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
        raise ValidationError("This plan already has a draft: edit that one.")
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
