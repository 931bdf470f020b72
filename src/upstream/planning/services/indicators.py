"""Indicator services: add, update and remove an outcome's indicators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext

from upstream.accounts.models import Membership
from upstream.planning.models import Indicator, Plan, PlanOutcome
from upstream.planning.services._common import _audit, _bump, _editable, _period, _raise, _touch
from upstream.planning.vocabularies import DIRECTIONS, FREQUENCIES

_INDICATOR_FIELDS = (
    "name",
    "definition",
    "unit",
    "data_source",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "direction",
    "frequency",
)


def _indicator_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not str(values.get("name") or "").strip():
        errors.setdefault("name", []).append(gettext("Name the indicator."))
    has_value = values.get("baseline_value") is not None or values.get("target_value") is not None
    if has_value and not str(values.get("unit") or "").strip():
        errors.setdefault("unit", []).append(
            gettext(
                "Give a unit (for example 'percent of students' or 'people trained') "
                "for the baseline and target values."
            )
        )
    if values.get("baseline_value") is not None and values.get("baseline_date") is None:
        errors.setdefault("baseline_date", []).append(
            gettext("Give the date of the baseline value.")
        )
    if values.get("target_value") is not None and values.get("target_date") is None:
        errors.setdefault("target_date", []).append(
            gettext("Give the date the target should be met.")
        )
    _period(errors, values.get("baseline_date"), values.get("target_date"), "target_date")
    if values.get("direction", "increase") not in DIRECTIONS:
        errors.setdefault("direction", []).append(gettext("Choose increase, decrease or maintain."))
    if values.get("frequency", "annually") not in FREQUENCIES:
        errors.setdefault("frequency", []).append(
            gettext("Choose a reporting frequency from the list.")
        )
    return errors


@transaction.atomic
def indicator_add(
    *,
    actor: Membership,
    plan: Plan,
    outcome: PlanOutcome,
    name: str,
    request: HttpRequest | None = None,
    **values: Any,
) -> Indicator:
    _editable(actor, plan)
    if outcome.plan_id != plan.pk:
        raise ValidationError({"outcome": [gettext("That outcome belongs to another plan.")]})
    unknown = set(values) - set(_INDICATOR_FIELDS)
    if unknown:
        raise ValidationError(
            ngettext(
                "Unknown indicator field: %(fields)s.",
                "Unknown indicator fields: %(fields)s.",
                len(unknown),
            )
            % {"fields": ", ".join(sorted(unknown))}
        )
    _raise(_indicator_errors({"name": name, **values}))
    indicator = Indicator.objects.create(
        outcome=outcome, organization_id=plan.organization_id, name=name.strip(), **values
    )
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.indicator_added",
        target=indicator,
        label=indicator.name,
        request=request,
        outcome=str(outcome.uuid),
    )
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: Membership,
    indicator: Indicator,
    revision: int,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Indicator:
    plan = indicator.outcome.plan
    _editable(actor, plan)
    unknown = set(changes) - set(_INDICATOR_FIELDS)
    if unknown:
        raise ValidationError(
            ngettext(
                "Unknown indicator field: %(fields)s.",
                "Unknown indicator fields: %(fields)s.",
                len(unknown),
            )
            % {"fields": ", ".join(sorted(unknown))}
        )
    merged = {name: changes.get(name, getattr(indicator, name)) for name in _INDICATOR_FIELDS}
    _raise(_indicator_errors(merged))
    _bump(Indicator, indicator, revision, "indicator", **changes)
    _touch(plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.indicator_updated",
        target=indicator,
        label=indicator.name,
        request=request,
        fields=sorted(changes),
    )
    return indicator


@transaction.atomic
def plan_indicator_remove(
    *, actor: Membership, indicator: Indicator, request: HttpRequest | None = None
) -> None:
    plan = indicator.outcome.plan
    _editable(actor, plan)
    _audit(
        actor=actor,
        plan=plan,
        action="plan.indicator_removed",
        target=indicator,
        label=indicator.name,
        request=request,
    )
    indicator.delete()
    _touch(plan)
