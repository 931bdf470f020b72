"""A plan's outcomes: add (from the framework or not), edit, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from upstream.accounts.decorators import require
from upstream.core.forms import form_errors
from upstream.planning import forms, selectors, services
from upstream.planning.views._common import _back, _remove_and_back
from upstream.planning.views.plans import owned_plan, plan_context

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership


@require("plan.edit")
def outcome_add(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    form = forms.OutcomeForm(request.POST or None, activities=the_plan.activities.all())
    framework_outcomes = list(
        the_plan.framework_version.outcomes.filter(
            strategy_id__in=the_plan.strategies.values("strategy_id")
        ).order_by("strategy__position", "position")
    )
    picked = next((o for o in framework_outcomes if o.key == request.GET.get("from")), None)
    if picked is not None and not form.is_bound:
        form.initial = {
            "name": picked.name,
            "description": picked.description,
            "horizon": picked.horizon,
        }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next(
            (o for o in framework_outcomes if o.key == request.POST.get("framework_outcome")), None
        )
        try:
            services.plan_outcome_add(
                actor=membership,
                plan=the_plan,
                name=data["name"],
                description=data["description"],
                horizon=data["horizon"],
                framework_outcome=chosen,
                activities=list(data["activities"]),
                request=request,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, gettext("Added the outcome “%(name)s”.") % {"name": data["name"]}
            )
            return _back(membership, the_plan)
    return render(
        request,
        "planning/outcome_form.html",
        plan_context(
            membership, the_plan, form=form, picked=picked, framework_outcomes=framework_outcomes
        ),
    )


@require("plan.edit")
def outcome_edit(
    request: HttpRequest, membership: Membership, plan: Any, outcome: Any
) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    item = selectors.outcome_get(membership=membership, plan=the_plan, outcome_uuid=outcome)
    form = forms.OutcomeForm(
        request.POST or None,
        activities=the_plan.activities.all(),
        initial={
            "revision": item.revision,
            "name": item.name,
            "description": item.description,
            "horizon": item.horizon,
            "activities": list(item.activities.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_outcome_update(
                actor=membership,
                outcome=item,
                revision=data["revision"] or 0,
                name=data["name"],
                description=data["description"],
                horizon=data["horizon"],
                activities=list(data["activities"]),
                request=request,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, gettext("Saved the outcome “%(name)s”.") % {"name": data["name"]}
            )
            return _back(membership, the_plan)
    return render(
        request,
        "planning/outcome_form.html",
        plan_context(membership, the_plan, form=form, outcome=item, framework_outcomes=[]),
    )


@require("plan.edit")
def outcome_remove(
    request: HttpRequest, membership: Membership, plan: Any, outcome: Any
) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    item = selectors.outcome_get(membership=membership, plan=the_plan, outcome_uuid=outcome)

    def remove() -> str:
        indicators = services.plan_outcome_remove(actor=membership, outcome=item, request=request)
        if not indicators:
            return gettext("Removed the outcome “%(name)s”.") % {"name": item.name}
        return ngettext(
            "Removed the outcome “%(name)s” and its %(count)d indicator.",
            "Removed the outcome “%(name)s” and its %(count)d indicators.",
            indicators,
        ) % {"name": item.name, "count": indicators}

    count = item.indicators.count()
    return _remove_and_back(
        request,
        membership,
        the_plan,
        remove,
        what=gettext("the outcome “%(name)s”") % {"name": item.name},
        consequence=(
            ngettext(
                "Its %(count)d indicator will be removed with it.",
                "Its %(count)d indicators will be removed with it.",
                count,
            )
            % {"count": count}
            if count
            else gettext("It has no indicators.")
        ),
        back=reverse("planning:outcome_edit", args=[membership.organization.uuid, plan, outcome]),
    )
