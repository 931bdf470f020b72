"""The helpers every planning service shares: audit, edit checks, errors, revisions."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from upstream.accounts.models import Membership
from upstream.audit.services import audit_record
from upstream.planning.models import Plan
from upstream.planning.policy import plan_access

M = TypeVar("M", bound=models.Model)


# One whole sentence per kind of item: the words around the item's name change with it.
_STALE: dict[str, Any] = {
    "plan": _(
        "Someone else changed this plan after you opened it. Your changes were not saved: "
        "reload to see the current version, then make them again."
    ),
    "activity": _(
        "Someone else changed this activity after you opened it. Your changes were not saved: "
        "reload to see the current version, then make them again."
    ),
    "outcome": _(
        "Someone else changed this outcome after you opened it. Your changes were not saved: "
        "reload to see the current version, then make them again."
    ),
    "indicator": _(
        "Someone else changed this indicator after you opened it. Your changes were not saved: "
        "reload to see the current version, then make them again."
    ),
    "rating": _(
        "Someone else changed this rating after you opened it. Your changes were not saved: "
        "reload to see the current version, then make them again."
    ),
}

# "That strategy belongs to another framework version (2024.1); this plan is built on …".
_OTHER_VERSION: dict[str, Any] = {
    "strategy": _(
        "That strategy belongs to another framework version (%(version)s); "
        "this plan is built on %(plan_version)s."
    ),
    "framework activity": _(
        "That framework activity belongs to another framework version (%(version)s); "
        "this plan is built on %(plan_version)s."
    ),
    "framework outcome": _(
        "That framework outcome belongs to another framework version (%(version)s); "
        "this plan is built on %(plan_version)s."
    ),
    "level": _(
        "That level belongs to another framework version (%(version)s); "
        "this plan is built on %(plan_version)s."
    ),
    "tier": _(
        "That tier belongs to another framework version (%(version)s); "
        "this plan is built on %(plan_version)s."
    ),
    "principle": _(
        "That principle belongs to another framework version (%(version)s); "
        "this plan is built on %(plan_version)s."
    ),
}


class StaleEdit(ValidationError):
    """The item changed since the form was opened."""

    def __init__(self, what: str) -> None:
        super().__init__(_STALE[what])


def _audit(
    *,
    actor: Membership,
    plan: Plan,
    action: str,
    target: Any,
    label: str,
    request: HttpRequest | None = None,
    **details: Any,
) -> None:
    audit_record(
        action=action,
        actor=actor.user,
        organization=plan.organization,
        target=target,
        target_label=label,
        request=request,
        # The actor's organization: what coalition partners are shown instead of the person.
        details={"plan": str(plan.uuid), "by": str(actor.organization.uuid), **details},
    )


def _editable(actor: Membership, plan: Plan) -> None:
    plan_access(membership=actor, plan=plan).require_edit()


def _period(errors: dict[str, list[str]], start: Any, end: Any, field: str = "end") -> None:
    if start is not None and end is not None and end < start:
        errors.setdefault(field, []).append(
            gettext("The end date must be on or after the start date.")
        )


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _same_version(
    errors: dict[str, list[str]], plan: Plan, field: str, item: Any, what: str
) -> None:
    if item is not None and item.version_id != plan.framework_version_id:
        errors.setdefault(field, []).append(
            str(_OTHER_VERSION[what])
            % {"version": item.version, "plan_version": plan.framework_version.label}
        )


def _bump(model: type[M], obj: Any, revision: int | None, what: str, **changes: Any) -> None:
    """Save ``changes`` only if the row is still at ``revision`` (None: the current one)."""
    current = obj.revision if revision is None else revision
    updated = model._default_manager.filter(pk=obj.pk, revision=current).update(
        revision=F("revision") + 1, **changes
    )
    if updated != 1:
        raise StaleEdit(what)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.revision = current + 1


def _touch(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
