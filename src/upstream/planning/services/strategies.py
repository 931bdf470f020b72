"""Plan strategy services: add, set and remove a plan's strategies."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import ngettext

from upstream.accounts.models import Membership
from upstream.framework.models import Strategy
from upstream.planning.models import Plan, PlanStrategy
from upstream.planning.services._common import _audit, _editable, _raise, _same_version, _touch


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
            ngettext(
                "“%(name)s” still has %(count)d activity: remove it first, so that no activity "
                "is lost by accident.",
                "“%(name)s” still has %(count)d activities: remove them first, so that no "
                "activity is lost by accident.",
                count,
            )
            % {"name": name, "count": count}
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
