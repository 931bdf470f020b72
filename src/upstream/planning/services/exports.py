"""Downloads of large plans, built in the background and kept per state of the plan.

A plan's state is its ``revision`` (bumped by a change of its details) and its ``updated_at``
(moved by every change of its strategies, activities, outcomes, indicators and ratings). A file is
kept for one (plan, state, format, language); any other state's file is stale and pruned.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q

from upstream.accounts.models import Membership
from upstream.planning.exports import FORMATS
from upstream.planning.models import Plan, PlanExport
from upstream.planning.policy import plan_access


def check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValidationError({"format": [f"Choose one of {', '.join(FORMATS)}."]})


def plan_export_store(
    *,
    actor: Membership,
    plan: Plan,
    revision: int,
    content_at: datetime,
    format: str,
    language: str,
    body: bytes,
) -> PlanExport | None:
    """Keep a finished file, if the plan is still in the state it was built from (None if it is
    not: the file is discarded), and drop the files of the plan's other states. Idempotent: a
    file already kept for the same state is returned as it is."""
    plan_access(membership=actor, plan=plan).require_export()
    check_format(format)
    with transaction.atomic():
        current = (
            Plan.objects.select_for_update()
            .filter(pk=plan.pk)
            .values_list("revision", "updated_at")
            .first()
        )
        if current != (revision, content_at):
            return None  # deleted or changed while the file was built
        export, _ = PlanExport.objects.get_or_create(
            plan=plan,
            revision=revision,
            content_at=content_at,
            format=format,
            language=language,
            defaults={
                "content": body,
                "content_type": FORMATS[format].content_type,
                "size": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
            },
        )
        stale = PlanExport.objects.filter(plan=plan).exclude(
            revision=revision, content_at=content_at
        )
        stale.delete()
    return export


def plan_exports_prune() -> int:
    """Delete every kept file built from a state its plan has since left."""
    count, _ = PlanExport.objects.filter(
        ~Q(revision=F("plan__revision")) | ~Q(content_at=F("plan__updated_at"))
    ).delete()
    return count
