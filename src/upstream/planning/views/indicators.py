"""An outcome's indicators: add, edit, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from upstream.accounts.decorators import require
from upstream.core.forms import form_errors
from upstream.planning import forms, selectors, services
from upstream.planning.views._common import _back, _remove_and_back
from upstream.planning.views.plans import owned_plan, plan_context

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership


_INDICATOR_FIELDS = (
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


@require("plan.edit")
def indicator_add(
    request: HttpRequest, membership: Membership, plan: Any, outcome: Any
) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    item = selectors.outcome_get(membership=membership, plan=the_plan, outcome_uuid=outcome)
    form = forms.IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.indicator_add(
                actor=membership,
                plan=the_plan,
                outcome=item,
                name=data["name"],
                request=request,
                **{name: data[name] for name in _INDICATOR_FIELDS},
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, gettext("Added the indicator “%(name)s”.") % {"name": data["name"]}
            )
            return _back(membership, the_plan)
    return render(
        request,
        "planning/indicator_form.html",
        plan_context(membership, the_plan, form=form, outcome=item, indicator=None),
    )


@require("plan.edit")
def indicator_edit(
    request: HttpRequest, membership: Membership, plan: Any, indicator: Any
) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    item = selectors.indicator_get(membership=membership, plan=the_plan, indicator_uuid=indicator)
    form = forms.IndicatorForm(
        request.POST or None,
        initial={
            "revision": item.revision,
            "name": item.name,
            **{name: getattr(item, name) for name in _INDICATOR_FIELDS},
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.indicator_update(
                actor=membership,
                indicator=item,
                revision=data["revision"] or 0,
                name=data["name"],
                request=request,
                **{name: data[name] for name in _INDICATOR_FIELDS},
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, gettext("Saved the indicator “%(name)s”.") % {"name": data["name"]}
            )
            return _back(membership, the_plan)
    return render(
        request,
        "planning/indicator_form.html",
        plan_context(membership, the_plan, form=form, outcome=item.outcome, indicator=item),
    )


@require("plan.edit")
def indicator_remove(
    request: HttpRequest, membership: Membership, plan: Any, indicator: Any
) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    item = selectors.indicator_get(membership=membership, plan=the_plan, indicator_uuid=indicator)

    def remove() -> str:
        services.plan_indicator_remove(actor=membership, indicator=item, request=request)
        return gettext("Removed the indicator “%(name)s”.") % {"name": item.name}

    return _remove_and_back(
        request,
        membership,
        the_plan,
        remove,
        what=gettext("the indicator “%(name)s”") % {"name": item.name},
        back=reverse(
            "planning:indicator_edit", args=[membership.organization.uuid, plan, indicator]
        ),
    )
