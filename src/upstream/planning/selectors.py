"""Reads of plans. Each takes a membership and returns only what its organization may see
(``planning.policy``): its own plans and the plans of coalitions it belongs to. Anything else is
a 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from upstream.accounts import selectors as account_selectors
from upstream.accounts.models import Membership, Organization
from upstream.accounts.policy import check
from upstream.audit import selectors as audit_selectors
from upstream.core.lookups import get_or_404
from upstream.planning.models import Indicator, Plan, PlanActivity, PlanOutcome
from upstream.planning.policy import PlanAccess, plan_access, plans_visible

if TYPE_CHECKING:
    from upstream.audit.models import AuditEvent


def plans_for(*, membership: Membership) -> QuerySet[Plan]:
    """Every version of every plan the membership may read."""
    check(membership, "plan.view")
    return (
        Plan.objects.filter(plans_visible(membership=membership))
        .select_related("organization", "coalition", "framework_version__framework")
        .order_by("title", "series", "-version")
    )


def plan_get(*, membership: Membership, plan_uuid: Any) -> Plan:
    return get_or_404(plans_for(membership=membership), uuid=plan_uuid)


def plan_versions(*, membership: Membership, plan: Plan) -> list[Plan]:
    return list(plans_for(membership=membership).filter(series=plan.series).order_by("version"))


def plan_page_state(*, plan: Plan, access: PlanAccess) -> tuple[Any, ...]:
    """What the plan page's logic model depends on, as the key of its cached fragment: the plan
    version and its state (every item service touches ``updated_at``; plan edits bump
    ``revision``), the viewer's access (their organization and what their role may do, which
    decide the links and status forms), and the names of the organizations it shows (renaming
    an organization changes no plan row). One query."""
    lead_ids = PlanActivity.objects.filter(plan=plan).values("lead_organization_id")
    partner_ids = PlanActivity.partners.through.objects.filter(planactivity__plan=plan).values(
        "organization_id"
    )
    names = list(
        Organization.objects.filter(Q(pk__in=lead_ids) | Q(pk__in=partner_ids))
        .order_by("pk")
        .values_list("pk", "name")
    )
    return (
        plan.pk,
        plan.revision,
        plan.updated_at.isoformat(),
        plan.status,
        access,
        plan.organization.name,
        plan.coalition.name if plan.coalition is not None else "",
        names,
    )


def activity_get(*, membership: Membership, plan: Plan, activity_uuid: Any) -> PlanActivity:
    return get_or_404(
        PlanActivity.objects.filter(plan=plan).select_related(
            "plan", "plan_strategy__strategy", "lead_organization"
        ),
        uuid=activity_uuid,
    )


def outcome_get(*, membership: Membership, plan: Plan, outcome_uuid: Any) -> PlanOutcome:
    return get_or_404(PlanOutcome.objects.filter(plan=plan), uuid=outcome_uuid)


def indicator_get(*, membership: Membership, plan: Plan, indicator_uuid: Any) -> Indicator:
    return get_or_404(
        Indicator.objects.filter(outcome__plan=plan).select_related("outcome"),
        uuid=indicator_uuid,
    )


def partner_choices(*, plan: Plan) -> QuerySet[Organization]:
    """Organizations that may lead or partner on the plan's activities."""
    if plan.coalition_id is None:
        return Organization.objects.filter(pk=plan.organization_id)
    return account_selectors.coalition_organizations(coalition_id=plan.coalition_id)


def plan_history(*, membership: Membership, plan: Plan) -> list[AuditEvent]:
    """Audit events about any version of the plan, newest first."""
    access = plan_access(membership=membership, plan=plan)
    access.require_view()
    uuids = [str(u) for u in Plan.objects.filter(series=plan.series).values_list("uuid", flat=True)]
    # Changes are the plan's shared history; who downloaded it is audit-log business, shown
    # only to the owning organization's administrators.
    return audit_selectors.audit_events_about(
        target_ids=uuids,
        detail="plan",
        exclude_actions=() if access.see_downloads else ("plan.exported",),
    )


@dataclass(frozen=True)
class HistoryEntry:
    event: AuditEvent
    who: str  # a person for the plan's own organization; an organization for its partners


def sees_people(*, membership: Membership, plan: Plan) -> bool:
    """Names and e-mail addresses of who changed a plan are for the plan's own organization;
    coalition partners see which organization did what."""
    return plan_access(membership=membership, plan=plan).owner


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
    names_by_uuid = account_selectors.organization_names(uuids=recorded)
    # Events written before the organization was recorded: the actor's membership among the
    # plan's organizations, the owner first.
    involved = {plan.organization_id}
    if plan.coalition_id:
        involved |= set(account_selectors.coalition_member_ids(coalition_id=plan.coalition_id))
    legacy_actors = {e.actor_id for e in events if not e.details.get("by") and e.actor_id}
    names_by_actor: dict[int, str] = {}
    for user_id, org_id, name in account_selectors.member_organizations(
        user_ids=legacy_actors, organization_ids=involved
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


def plans_with_activities_led_by(*, membership: Membership, plans: list[Plan]) -> set[int]:
    """Ids of those plans (already visible to the membership) in which its organization leads
    at least one activity."""
    return set(
        PlanActivity.objects.filter(
            plan__in=[p.pk for p in plans], lead_organization_id=membership.organization_id
        ).values_list("plan_id", flat=True)
    )
