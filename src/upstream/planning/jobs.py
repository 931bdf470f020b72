"""Planning's periodic jobs."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from upstream.planning.services.exports import plan_exports_prune
from upstream.tasks.background import Progress
from upstream.tasks.jobs import periodic


@periodic(
    "planning.exports_prune",
    schedule="23 4 * * *",
    label=gettext_noop("Delete outdated plan downloads"),
)
def prune_plan_exports(progress: Progress) -> str:
    count = plan_exports_prune()
    return f"{count} outdated plan download{'' if count == 1 else 's'} deleted"
