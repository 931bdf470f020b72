"""Principle rating services: rate a plan against a principle."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext

from upstream.accounts.models import Membership
from upstream.framework.models import Principle
from upstream.planning.models import Plan, PrincipleRating
from upstream.planning.services._common import (
    StaleEdit,
    _audit,
    _bump,
    _editable,
    _raise,
    _same_version,
    _touch,
)
from upstream.planning.vocabularies import PRINCIPLE_RATINGS, practices_of


@transaction.atomic
def principle_rate(
    *,
    actor: Membership,
    plan: Plan,
    principle: Principle,
    rating: str,
    evidence: str = "",
    practices: Sequence[str] = (),
    revision: int | None = None,
    request: HttpRequest | None = None,
) -> PrincipleRating:
    """Rate the plan against one principle. ``revision`` is that of the rating being replaced
    (None for the first rating)."""
    _editable(actor, plan)
    errors: dict[str, list[str]] = {}
    _same_version(errors, plan, "principle", principle, "principle")
    if rating not in PRINCIPLE_RATINGS:
        errors.setdefault("rating", []).append(gettext("Choose a rating from the list."))
    known = {key for key, _text in practices_of(principle.practices)}
    unknown = [p for p in practices if p not in known]
    if unknown:
        errors.setdefault("practices", []).append(gettext("Check only the practices listed."))
    _raise(errors)
    existing = PrincipleRating.objects.filter(plan=plan, principle=principle).first()
    values = {"rating": rating, "evidence": evidence, "practices": list(practices)}
    if existing is None:
        if revision not in (None, 0):
            raise StaleEdit("rating")
        item = PrincipleRating.objects.create(
            plan=plan, organization_id=plan.organization_id, principle=principle, **values
        )
    else:
        if revision is None:
            raise StaleEdit("rating")
        _bump(PrincipleRating, existing, revision, "rating", **values)
        item = existing
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.principle_rated",
        target=item,
        label=principle.name,
        request=request,
        rating=rating,
    )
    return item
