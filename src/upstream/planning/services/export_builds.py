"""Asking for the download of a large plan: the kept file, or the background build making it."""

from __future__ import annotations

from django.db import transaction

from upstream.accounts.models import Membership
from upstream.planning.models import Plan, PlanExport
from upstream.planning.policy import plan_access
from upstream.planning.selectors import plan_export_kept, plan_export_runs, plan_state
from upstream.planning.services.exports import check_format
from upstream.planning.tasks import plan_export_build
from upstream.tasks.background import start
from upstream.tasks.models import TaskRun


def plan_export_request(
    *, actor: Membership, plan: Plan, format: str, language: str
) -> PlanExport | TaskRun:
    """The kept file of the plan's current state, or the run building it: one already under way
    for the same plan, state, format and language is joined, otherwise a new one is started (a
    failed one is not joined: asking again tries again)."""
    plan_access(membership=actor, plan=plan).require_export()
    check_format(format)
    revision, content_at = plan_state(plan)
    with transaction.atomic():
        # One request at a time per plan decides whether to start a build.
        Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").first()
        kept = plan_export_kept(plan=plan, format=format, language=language)
        if kept is not None:
            return kept
        running = (
            plan_export_runs(plan=plan, format=format, language=language)
            .exclude(status__in=[TaskRun.Status.SUCCEEDED, TaskRun.Status.FAILED])
            .first()
        )
        if running is not None:
            return running
        return start(
            plan_export_build,
            started_by=actor.user,
            plan=str(plan.uuid),
            membership=actor.pk,
            revision=revision,
            content_at=content_at.isoformat(),
            format=format,
            language=language,
        )
