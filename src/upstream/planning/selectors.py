"""Reads of plans. Each takes a membership and returns only what its organization may see
(``planning.policy``): its own plans and the plans of coalitions it belongs to. Anything else is
a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from upstream.accounts import selectors as account_selectors
from upstream.accounts.models import Membership, Organization
from upstream.accounts.policy import check
from upstream.audit import selectors as audit_selectors
from upstream.core.lookups import get_or_404
from upstream.planning.models import Indicator, Plan, PlanActivity, PlanExport, PlanOutcome
from upstream.planning.policy import PlanAccess, plan_access, plans_visible
from upstream.tasks.models import TaskRun

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
    unknown = gettext("An organization of the coalition")
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


# Downloads of large plans (services/exports.py builds and keeps them).

EXPORT_BUILD_TASK = "upstream.planning.tasks.plan_export_build"


def plan_state(plan: Plan) -> tuple[int, dt.datetime]:
    """What a file must have been built from to be the plan's current download: its
    ``revision`` (its details) and ``updated_at`` (moved by every change of its content)."""
    return plan.revision, plan.updated_at


def plan_export_runs(*, plan: Plan, format: str | None, language: str) -> QuerySet[TaskRun]:
    """Runs building ``format`` (None: any format) of ``plan`` in its current state, newest
    first."""
    revision, content_at = plan_state(plan)
    runs = TaskRun.objects.filter(
        task_path=EXPORT_BUILD_TASK,
        arguments__plan=str(plan.uuid),
        arguments__revision=revision,
        arguments__content_at=content_at.isoformat(),
        arguments__language=language,
    )
    if format is not None:
        runs = runs.filter(arguments__format=format)
    return runs.order_by("-created_at", "-id")


def plan_export_in_background(*, plan: Plan) -> bool:
    """A plan this large is exported in the background."""
    limit = settings.EXPORT_BACKGROUND_ACTIVITIES
    return PlanActivity.objects.filter(plan=plan)[: limit + 1].count() > limit


def plan_export_kept(*, plan: Plan, format: str, language: str) -> PlanExport | None:
    """The kept file of the plan's current state, without its bytes."""
    revision, content_at = plan_state(plan)
    return (
        PlanExport.objects.defer("content")
        .filter(
            plan=plan, revision=revision, content_at=content_at, format=format, language=language
        )
        .first()
    )


def plan_export_content(*, membership: Membership, plan: Plan, export: PlanExport) -> bytes:
    """The bytes of a kept file of ``plan``, for a member who may download the plan."""
    plan_access(membership=membership, plan=plan).require_export()
    return bytes(PlanExport.objects.values_list("content", flat=True).get(pk=export.pk, plan=plan))


@dataclass(frozen=True)
class ExportStatus:
    format: str
    label: str
    run: TaskRun | None
    ready: bool

    @property
    def preparing(self) -> bool:
        return not self.ready and self.run is not None and not self.run.is_finished


def plan_export_statuses(
    *,
    membership: Membership,
    plan: Plan,
    language: str,
    formats: dict[str, str],
    followed: str | None = None,
) -> list[ExportStatus]:
    """For each format (name: label), the latest build of the plan's current state and whether
    its file is kept; and the build ``followed`` (the one a "preparing" page shows) even if the
    plan has left the state it was building, so that its error is seen. At most three queries,
    whatever the number of formats."""
    plan_access(membership=membership, plan=plan).require_export()
    revision, content_at = plan_state(plan)
    kept = set(
        PlanExport.objects.filter(
            plan=plan, revision=revision, content_at=content_at, language=language
        ).values_list("format", flat=True)
    )
    runs: dict[str, TaskRun] = {}
    for run in plan_export_runs(plan=plan, format=None, language=language):
        runs.setdefault(run.arguments.get("format", ""), run)
    if followed and followed not in {str(r.uuid) for r in runs.values()}:
        earlier = TaskRun.objects.filter(
            uuid=followed, task_path=EXPORT_BUILD_TASK, arguments__plan=str(plan.uuid)
        ).first()
        shown = earlier.arguments.get("format", "") if earlier is not None else ""
        if earlier is not None and shown not in kept and shown not in runs:
            runs[shown] = earlier  # of a state the plan has left: say why it stopped
    return [
        ExportStatus(format=name, label=label, run=runs.get(name), ready=name in kept)
        for name, label in formats.items()
        if name in runs or name in kept
    ]
