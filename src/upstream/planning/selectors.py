"""Reads of plans. Each takes a membership and returns only what its organization may see:
its own plans and the plans of coalitions it belongs to. Anything else is a 404."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from upstream.accounts.models import CoalitionMembership, Membership, Organization
from upstream.accounts.policy import check, may
from upstream.audit.models import AuditEvent
from upstream.planning.models import Indicator, Plan, PlanActivity, PlanOutcome


def _as_uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _coalition_ids(membership: Membership) -> QuerySet[CoalitionMembership, int]:
    return CoalitionMembership.objects.filter(
        organization_id=membership.organization_id, left_at__isnull=True
    ).values_list("coalition_id", flat=True)


def plans_for(*, membership: Membership) -> QuerySet[Plan]:
    """Every version of every plan the membership may read."""
    check(membership, "plan.view")
    return (
        Plan.objects.filter(
            Q(organization_id=membership.organization_id)
            | Q(coalition_id__in=_coalition_ids(membership))
        )
        .select_related("organization", "coalition", "framework_version__framework")
        .order_by("title", "series", "-version")
    )


def plan_get(*, membership: Membership, plan_uuid: Any) -> Plan:
    plan = plans_for(membership=membership).filter(uuid=_as_uuid(plan_uuid)).first()
    if plan is None:
        raise Http404
    return plan


def plan_versions(*, membership: Membership, plan: Plan) -> list[Plan]:
    return list(plans_for(membership=membership).filter(series=plan.series).order_by("version"))


def activity_get(*, membership: Membership, plan: Plan, activity_uuid: Any) -> PlanActivity:
    activity = (
        PlanActivity.objects.filter(plan=plan, uuid=_as_uuid(activity_uuid))
        .select_related("plan", "plan_strategy__strategy", "lead_organization")
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def outcome_get(*, membership: Membership, plan: Plan, outcome_uuid: Any) -> PlanOutcome:
    outcome = PlanOutcome.objects.filter(plan=plan, uuid=_as_uuid(outcome_uuid)).first()
    if outcome is None:
        raise Http404
    return outcome


def indicator_get(*, membership: Membership, plan: Plan, indicator_uuid: Any) -> Indicator:
    indicator = (
        Indicator.objects.filter(outcome__plan=plan, uuid=_as_uuid(indicator_uuid))
        .select_related("outcome")
        .first()
    )
    if indicator is None:
        raise Http404
    return indicator


def partner_choices(*, plan: Plan) -> QuerySet[Organization]:
    """Organizations that may lead or partner on the plan's activities."""
    if plan.coalition_id is None:
        return Organization.objects.filter(pk=plan.organization_id)
    return Organization.objects.filter(
        coalition_memberships__coalition_id=plan.coalition_id,
        coalition_memberships__left_at__isnull=True,
    ).order_by("name")


def plan_history(*, membership: Membership, plan: Plan) -> list[AuditEvent]:
    """Audit events about any version of the plan, newest first."""
    check(membership, "plan.view")
    uuids = [str(u) for u in Plan.objects.filter(series=plan.series).values_list("uuid", flat=True)]
    events = AuditEvent.objects.filter(Q(target_id__in=uuids) | Q(details__plan__in=uuids))
    # Changes are the plan's shared history; who downloaded it is audit-log business, shown
    # only to the owning organization's administrators.
    if not (may(membership, "audit.view") and membership.organization_id == plan.organization_id):
        events = events.exclude(action="plan.exported")
    return list(events.select_related("actor").order_by("-seq")[:500])


@dataclass(frozen=True)
class HistoryEntry:
    event: AuditEvent
    who: str  # a person for the plan's own organization; an organization for its partners


def sees_people(*, membership: Membership, plan: Plan) -> bool:
    """Names and e-mail addresses of who changed a plan are for the plan's own organization;
    coalition partners see which organization did what."""
    return membership.organization_id == plan.organization_id


def plan_history_entries(*, membership: Membership, plan: Plan) -> list[HistoryEntry]:
    """The plan's history, each change with who made it as the membership may see it."""
    events = plan_history(membership=membership, plan=plan)
    if sees_people(membership=membership, plan=plan):
        return [
            HistoryEntry(
                event,
                f"{event.actor.full_name} ({event.actor_label})"
                if event.actor and event.actor.full_name
                else event.actor_label,
            )
            for event in events
        ]
    recorded = {str(e.details.get("by", "")) for e in events if e.details.get("by")}
    names_by_uuid = {
        str(uuid_): name
        for uuid_, name in Organization.objects.filter(uuid__in=recorded).values_list(
            "uuid", "name"
        )
    }
    # Events written before the organization was recorded: the actor's membership among the
    # plan's organizations, the owner first.
    involved = [plan.organization_id]
    if plan.coalition_id:
        involved += list(
            CoalitionMembership.objects.filter(coalition_id=plan.coalition_id).values_list(
                "organization_id", flat=True
            )
        )
    legacy_actors = {e.actor_id for e in events if not e.details.get("by") and e.actor_id}
    names_by_actor: dict[int, str] = {}
    for user_id, org_id, name in (
        Membership.objects.filter(user_id__in=legacy_actors, organization_id__in=involved)
        .order_by("created_at")
        .values_list("user_id", "organization_id", "organization__name")
    ):
        if user_id not in names_by_actor or org_id == plan.organization_id:
            names_by_actor[user_id] = name
    unknown = "An organization of the coalition"
    return [
        HistoryEntry(
            event,
            names_by_uuid.get(str(event.details.get("by", "")))
            or names_by_actor.get(event.actor_id or 0)
            or (unknown if event.actor_id else "Upstream"),
        )
        for event in events
    ]


def can_edit(*, membership: Membership, plan: Plan) -> bool:
    return (
        may(membership, "plan.edit")
        and plan.organization_id == membership.organization_id
        and not plan.is_published
    )


def can_update_status(*, membership: Membership, activity: PlanActivity) -> bool:
    if activity.plan.is_published:
        return False
    if can_edit(membership=membership, plan=activity.plan):
        return True
    return (
        may(membership, "plan.update_own_activity")
        and activity.lead_organization_id == membership.organization_id
    )
