"""Plan activity services: validate, add, update, set the status of and remove activities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext

from upstream.accounts import selectors as account_selectors
from upstream.accounts.models import Membership, Organization
from upstream.framework.models import Activity, Level, Strategy, Tier
from upstream.planning.models import Plan, PlanActivity, PlanStrategy
from upstream.planning.policy import plan_access
from upstream.planning.services._common import (
    _audit,
    _bump,
    _editable,
    _period,
    _raise,
    _same_version,
    _touch,
)
from upstream.planning.vocabularies import ACTIVITY_STATUSES, PRIORITY_POPULATIONS


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
        errors.setdefault("name", []).append(gettext("Name the activity."))
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
            gettext("That framework activity belongs to another strategy.")
        )
    if population and population not in PRIORITY_POPULATIONS:
        errors.setdefault("population", []).append(gettext("Choose a population from the list."))
    members = _member_ids(plan)
    if lead_organization.pk not in members:
        errors.setdefault("lead_organization", []).append(
            gettext("%(name)s is not a member of the plan's coalition.")
            % {"name": lead_organization.name}
            if plan.coalition_id
            else gettext("An organization's own plan is led by the organization itself.")
        )
    outside = [org.name for org in partners if org.pk not in members]
    if outside:
        errors.setdefault("partners", []).append(
            ngettext(
                "Partners must be members of the plan's coalition: %(names)s is not.",
                "Partners must be members of the plan's coalition: %(names)s are not.",
                len(outside),
            )
            % {"names": ", ".join(sorted(outside))}
        )
    _period(errors, start, end)
    if plan.period_start and start is not None and start < plan.period_start:
        errors.setdefault("start", []).append(
            gettext("The activity starts before the plan's period.")
        )
    if plan.period_end and end is not None and end > plan.period_end:
        errors.setdefault("end", []).append(gettext("The activity ends after the plan's period."))
    if status not in ACTIVITY_STATUSES:
        errors.setdefault("status", []).append(gettext("Choose a status from the list."))
    if budget is not None and budget < 0:
        errors.setdefault("budget", []).append(gettext("A budget cannot be negative."))
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
        raise ValidationError(
            gettext("Cannot change %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
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
        raise ValidationError({"status": [gettext("Choose a status from the list.")]})
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
