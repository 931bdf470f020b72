"""Periodic jobs of the community app (see upstream.tasks.jobs)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from upstream.community.services.uploads import uploads_stale_discard
from upstream.tasks.background import Progress
from upstream.tasks.jobs import periodic


@periodic(
    "community.uploads_discard",
    schedule="23 * * * *",
    label=gettext_noop("Clear uploads left waiting for a day"),
)
def discard_stale_uploads(progress: Progress) -> str:
    count = uploads_stale_discard()
    return f"{count} stale upload{'' if count == 1 else 's'} cleared"
