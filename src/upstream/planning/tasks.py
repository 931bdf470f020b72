"""Planning's background tasks: building the download of a large plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext_noop

from upstream.accounts.models import Membership
from upstream.planning.exports import FORMATS
from upstream.planning.models import Plan
from upstream.planning.policy import plan_access, plans_visible
from upstream.planning.services.exports import plan_export_store
from upstream.tasks.background import Progress, TaskFailed, background

# Stored as the run's error in English and shown in the reader's language.
GONE = gettext_noop("This plan is no longer there, or you can no longer download it.")
CHANGED = gettext_noop(
    "The plan changed while its download was being prepared. Download it again to get the "
    "current version."
)


@background(label=gettext_noop("Preparing the plan download"), max_attempts=3, backoff_seconds=10)
def plan_export_build(
    progress: Progress,
    *,
    plan: str,
    membership: int,
    revision: int,
    content_at: str,
    format: str,
    language: str,
) -> dict[str, Any]:
    """Build ``format`` of ``plan`` as it was at (``revision``, ``content_at``) and keep it.
    Idempotent: a file already kept for that state is not built again."""
    member = Membership.active.select_related("organization", "user").filter(pk=membership).first()
    if member is None or format not in FORMATS:
        raise TaskFailed(GONE)
    the_plan = (
        Plan.objects.filter(plans_visible(membership=member), uuid=plan)
        .select_related("organization", "coalition", "framework_version__framework")
        .first()
    )
    if the_plan is None:
        raise TaskFailed(GONE)
    try:
        plan_access(membership=member, plan=the_plan).require_export()
    except PermissionDenied:
        raise TaskFailed(GONE) from None
    built_at = dt.datetime.fromisoformat(content_at)
    if (the_plan.revision, the_plan.updated_at) != (revision, built_at):
        raise TaskFailed(CHANGED)
    if the_plan.exports.filter(
        revision=revision, content_at=built_at, format=format, language=language
    ).exists():
        progress.report(1.0, gettext_noop("Ready"))
        return {"format": format}
    with translation.override(language):
        body = FORMATS[format].build(the_plan, step=progress.report)
    progress.report(0.95, gettext_noop("Keeping the file"))
    kept = plan_export_store(
        actor=member,
        plan=the_plan,
        revision=revision,
        content_at=built_at,
        format=format,
        language=language,
        body=body,
    )
    if kept is None:
        raise TaskFailed(CHANGED)
    progress.report(1.0, gettext_noop("Ready"))
    return {"format": format, "size": kept.size}
