"""Plan outcome services: add, update and remove outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext

from upstream.accounts.models import Membership
from upstream.framework.models import Outcome
from upstream.planning.models import Plan, PlanActivity, PlanOutcome, PlanStrategy
from upstream.planning.services._common import (
    _audit,
    _bump,
    _editable,
    _raise,
    _same_version,
    _touch,
)


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
        errors.setdefault("name", []).append(gettext("Name the outcome."))
    if horizon not in {"short", "intermediate", "long"}:
        errors.setdefault("horizon", []).append(gettext("Choose short, intermediate or long term."))
    _same_version(errors, plan, "framework_outcome", framework_outcome, "framework outcome")
    if any(a.plan_id != plan.pk for a in activities):
        errors.setdefault("activities", []).append(gettext("Link only activities of this plan."))
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
        raise ValidationError(
            gettext("Cannot change %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
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
