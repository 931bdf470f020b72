"""The referral lifecycle: the SDOH Clinical Care referral Task statuses, who may set each, the
allowed transitions and the fixed list of outcomes (see docs/referrals.md)."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

STATUSES = {
    "draft": _("Draft"),
    "requested": _("Requested"),
    "accepted": _("Accepted"),
    "rejected": _("Declined"),
    "cancelled": _("Cancelled"),
    "in-progress": _("In progress"),
    "on-hold": _("On hold"),
    "failed": _("Failed"),
    "completed": _("Completed"),
    "entered-in-error": _("Entered in error"),
}

SENDER = "sender"
RECEIVER = "receiver"

# Who may set each status (the Task profile's intro page): the requester, the target, or either.
SETTERS: dict[str, frozenset[str]] = {
    "draft": frozenset({SENDER}),
    "requested": frozenset({SENDER}),
    "entered-in-error": frozenset({SENDER}),
    "accepted": frozenset({RECEIVER}),
    "rejected": frozenset({RECEIVER}),
    "in-progress": frozenset({RECEIVER}),
    "on-hold": frozenset({RECEIVER}),
    "failed": frozenset({RECEIVER}),
    "completed": frozenset({RECEIVER}),
    "cancelled": frozenset({SENDER, RECEIVER}),
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("requested", "cancelled"),
    "requested": ("accepted", "rejected", "cancelled"),
    "accepted": ("in-progress", "on-hold", "cancelled", "completed", "failed"),
    "in-progress": ("completed", "failed", "cancelled"),
    "on-hold": ("in-progress", "cancelled", "completed", "failed"),
}
"""Allowed next statuses; every state may also go to ``entered-in-error``."""

CLOSED = frozenset({"rejected", "cancelled", "failed", "completed", "entered-in-error"})
REASON_REQUIRED = frozenset({"rejected", "cancelled", "on-hold", "failed"})

OUTCOMES = {
    "service-provided": _("Service provided"),
    "referred-onward": _("Referred onward"),
    "person-declined": _("Person declined"),
    "unable-to-reach": _("Unable to reach"),
    "not-eligible": _("Not eligible"),
    "no-capacity": _("No capacity"),
}


def allowed_next(status: str, role: str) -> list[str]:
    """The statuses ``role`` may move a referral in ``status`` to (none once it is closed)."""
    if status in CLOSED:
        return []
    nexts = [*TRANSITIONS.get(status, ()), "entered-in-error"]
    return [s for s in nexts if role in SETTERS[s]]
