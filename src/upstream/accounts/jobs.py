"""Periodic jobs of the accounts app (see upstream.tasks.jobs)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from upstream.accounts.services import invitations_expire
from upstream.tasks.background import Progress
from upstream.tasks.jobs import periodic


@periodic(
    "invitations.expire", schedule="17 * * * *", label=gettext_noop("Delete expired invitations")
)
def expire_invitations(progress: Progress) -> str:
    progress.report(0.1, gettext_noop("Looking for expired invitations"))
    count = invitations_expire()
    return f"{count} expired invitation{'' if count == 1 else 's'} deleted"
