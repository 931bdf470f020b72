"""Periodic jobs of the directory (see upstream.tasks.jobs)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from upstream.directory.services import directory_imports_stale_discard
from upstream.tasks.background import Progress
from upstream.tasks.jobs import periodic


@periodic(
    "directory.imports_discard",
    schedule="29 * * * *",
    label=gettext_noop("Clear HSDS imports left waiting for a day"),
)
def discard_stale_imports(progress: Progress) -> str:
    count = directory_imports_stale_discard()
    return f"{count} stale import{'' if count == 1 else 's'} cleared"
