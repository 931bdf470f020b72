"""Reads of the audit log, always for one organization the user administers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q, QuerySet

from upstream.accounts.models import Membership
from upstream.accounts.policy import check
from upstream.audit.models import AuditEvent


def audit_events_for(
    *,
    membership: Membership,
    actor_uuid: str | None = None,
    action: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    purpose: str = "audit.view",
) -> QuerySet[AuditEvent]:
    """Events of the membership's organization, newest first, filtered.

    ``purpose`` is the policy action the read serves: ``audit.view`` to read the log on the page,
    ``audit.export`` to download it.
    """
    if purpose not in ("audit.view", "audit.export"):
        raise ValueError(f"not a purpose for reading the audit log: {purpose!r}")
    check(membership, purpose)
    events = AuditEvent.objects.filter(organization_id=membership.organization_id).select_related(
        "actor"
    )
    if actor_uuid:
        events = events.filter(actor__uuid=actor_uuid)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events.order_by("-seq")


def audit_events_about(
    *,
    target_ids: Sequence[str],
    detail: str = "",
    exclude_actions: Sequence[str] = (),
    limit: int = 500,
) -> list[AuditEvent]:
    """Events whose target is one of ``target_ids`` (or whose ``details[detail]`` is), newest first,
    for an app's history of its own objects: the caller has decided who may see those objects."""
    about = Q(target_id__in=list(target_ids))
    if detail:
        about |= Q(**{f"details__{detail}__in": list(target_ids)})
    events = AuditEvent.objects.filter(about).exclude(action__in=list(exclude_actions))
    # Events of several chains: their order in time, not any one chain's sequence.
    return list(events.select_related("actor").order_by("-created_at", "-id")[:limit])
