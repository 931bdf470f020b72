"""Reads of plans. Each takes a membership and returns only what its organization may see
(``planning.policy``): its own plans and the plans of coalitions it belongs to. Anything else is
a 404."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from upstream.accounts import selectors as account_selectors
from upstream.accounts.models import Membership, Organization
from upstream.accounts.policy import check
from upstream.audit import selectors as audit_selectors
from upstream.planning.models import Indicator, Plan, PlanActivity, PlanOutcome
from upstream.planning.policy import plan_access, plans_visible

if TYPE_CHECKING:
    from upstream.audit.models import AuditEvent


def _as_uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def plans_for(*, membership: Membership) -> QuerySet[Plan]:
    """Every version of every plan the membership may read."""
    check(membership, "plan.view")
    return (
        Plan.objects.filter(plans_visible(membership=membership))
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
