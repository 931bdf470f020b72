"""A plan's activities: add (filled in from the framework), edit, remove, set status."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from upstream.accounts.decorators import require
from upstream.core.forms import form_errors
from upstream.framework import selectors as framework
from upstream.planning import forms, selectors, services
from upstream.planning.gaps import POPULATION_WORDS
from upstream.planning.models import Plan
from upstream.planning.policy import plan_access
from upstream.planning.views._common import _back, _remove_and_back
from upstream.planning.views.plans import (
    _errors,
    owned_plan,
    plan_context,
    status_url_maker,
)

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership
    from upstream.framework.models import Activity


def _activity_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: data[name]
        for name in (
            "name",
            "description",
            "level",
            "tier",
            "population",
            "lead_organization",
            "partners",
            "start",
            "end",
            "status",
            "budget",
        )
    }


def _population_for(activity: Activity, plan: Plan) -> str:
    """The priority population a framework activity reaches, the plan's own first."""
    text = " ".join(activity.populations or []).lower()
    keys = [*plan.populations, *(k for k in POPULATION_WORDS if k not in plan.populations)]
    return next((k for k in keys if any(word in text for word in POPULATION_WORDS.get(k, ()))), "")


def _prefilled(picked: Activity, plan: Plan) -> dict[str, Any]:
    return {
        "framework_activity": picked.pk,
        "strategy": picked.strategy_id,
        "name": picked.name,
        "description": picked.description,
        "level": picked.level_id,
        "tier": picked.tier_id,
        "population": _population_for(picked, plan),
    }


def _strategy_pk(version: Any, value: str) -> int | None:
    """A strategy of the version by its key (links) or its id (the form's select)."""
    strategies = version.strategies.all()
    found = strategies.filter(pk=int(value)) if value.isdecimal() else strategies.filter(key=value)
    pk: int | None = found.values_list("pk", flat=True).first()
    return pk


@require("plan.edit")
def activity_add(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    """Add an activity. Choosing one of the framework's activities (or a strategy) fills the
    form in: with htmx the form is swapped in place; without JavaScript the "Fill in from the
    framework" button posts the form back, pre-filled, and saves nothing."""
    the_plan = owned_plan(membership, plan)
    version = the_plan.framework_version
    initial: dict[str, Any] = {
        "status": "planned",
        "lead_organization": membership.organization_id,
        "start": the_plan.period_start,
        "end": the_plan.period_end,
    }
    prefill = request.POST.get("prefill", "") if request.method == "POST" else ""
    source = request.POST if prefill else request.GET
    candidates = framework.activities_of(version_id=version.pk)
    if prefill:
        for name in forms.ActivityForm.base_fields:
            values = request.POST.getlist(name)
            if values and name not in ("revision",):
                initial[name] = values if name == "partners" else values[0]
        picked_value = request.POST.get("framework_activity", "")
        picked = (
            candidates.filter(pk=int(picked_value)).first() if picked_value.isdecimal() else None
        )
    else:
        picked = candidates.filter(key=request.GET.get("from", "")).first()
    strategy = _strategy_pk(version, source.get("strategy", ""))
    if prefill == "strategy" and picked is not None and picked.strategy_id != strategy:
        picked = None  # another strategy: its activity no longer fits
        initial["framework_activity"] = None
    if picked is not None:
        initial.update(_prefilled(picked, the_plan))
    elif strategy is not None:
        initial["strategy"] = strategy
    form = forms.ActivityForm(
        None if prefill else (request.POST or None),
        version=version,
        organizations=selectors.partner_choices(plan=the_plan),
        initial=initial,
    )
    chosen = list(the_plan.strategies.values_list("strategy_id", flat=True))
    within = initial.get("strategy") or (form.data.get("strategy") if form.is_bound else None)
    choices = framework.activities_of(version_id=version.pk)
    choices = (
        choices.filter(strategy_id=within)
        if within and str(within).isdecimal()
        else choices.filter(strategy_id__in=chosen)
    )
    framework_field = form.fields["framework_activity"]
    if isinstance(framework_field, django_forms.ModelChoiceField):
        framework_field.queryset = choices
    for name in ("strategy", "framework_activity"):
        form.fields[name].widget.attrs.update(
            {
                "hx-post": request.path,
                "hx-trigger": "change",
                "hx-target": "#activity-form",
                "hx-select": "#activity-form",
                "hx-swap": "outerHTML",
                "hx-vals": json.dumps({"prefill": name}),
            }
        )
    if prefill in ("strategy", "framework_activity"):
        form.fields[prefill].widget.attrs["autofocus"] = True  # htmx returns focus to it
    if request.method == "POST" and not prefill and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_activity_add(
                actor=membership,
                plan=the_plan,
                strategy=data["strategy"],
                framework_activity=data["framework_activity"],
                request=request,
                **_activity_values(data),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("Added “%(name)s”.") % {"name": data["name"]})
            return _back(membership, the_plan)
    suggestions = []
    if picked is None and request.method != "POST":
        suggestions = list(
            framework.activities_of_strategies(version_id=version.pk, strategy_ids=chosen)
        )
    return render(
        request,
        "planning/activity_form.html",
        plan_context(
            membership, the_plan, form=form, picked=picked, suggestions=suggestions, activity=None
        ),
    )


@require("plan.edit")
def activity_edit(
    request: HttpRequest, membership: Membership, plan: Any, activity: Any
) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    item = selectors.activity_get(membership=membership, plan=the_plan, activity_uuid=activity)
    form = forms.ActivityForm(
        request.POST or None,
        version=the_plan.framework_version,
        organizations=selectors.partner_choices(plan=the_plan),
        initial=forms.ActivityForm.initial_for(item),
    )
    form.fields["strategy"].disabled = True
    form.fields["framework_activity"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_activity_update(
                actor=membership,
                activity=item,
                revision=data["revision"] or 0,
                request=request,
                **_activity_values(data),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("Saved “%(name)s”.") % {"name": data["name"]})
            return _back(membership, the_plan)
    return render(
        request,
        "planning/activity_form.html",
        plan_context(membership, the_plan, form=form, activity=item, picked=None),
    )


@require("plan.edit")
def activity_remove(
    request: HttpRequest, membership: Membership, plan: Any, activity: Any
) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    item = selectors.activity_get(membership=membership, plan=the_plan, activity_uuid=activity)

    def remove() -> str:
        services.plan_activity_remove(actor=membership, activity=item, request=request)
        return gettext("Removed “%(name)s”.") % {"name": item.name}

    return _remove_and_back(
        request,
        membership,
        the_plan,
        remove,
        what=gettext("the activity “%(name)s”") % {"name": item.name},
        consequence=gettext("Outcomes it drives stay in the plan; they no longer list it."),
        back=reverse("planning:activity_edit", args=[membership.organization.uuid, plan, activity]),
    )


@require("plan.update_own_activity")
@require_POST
def activity_status(
    request: HttpRequest, membership: Membership, plan: Any, activity: Any
) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    item = selectors.activity_get(membership=membership, plan=the_plan, activity_uuid=activity)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        message, ok = gettext("Choose a status from the list."), False
    elif form.cleaned_data["status"] == item.status:
        message = gettext("“%(name)s” is already %(status)s.") % {
            "name": item.name,
            "status": str(item.get_status_display()).lower(),
        }
        ok = True
    else:
        try:
            services.plan_activity_set_status(
                actor=membership,
                activity=item,
                status=form.cleaned_data["status"],
                revision=form.cleaned_data["revision"],
                request=request,
            )
        except ValidationError as exc:
            message, ok = _errors(exc), False
        else:
            message = gettext("“%(name)s” is now %(status)s.") % {
                "name": item.name,
                "status": str(item.get_status_display()).lower(),
            }
            ok = True
    if request.headers.get("HX-Request") == "true":
        # htmx swaps just this cell; without JavaScript the form posts and the page reloads.
        item.refresh_from_db()
        cell = {
            "uuid": str(item.uuid),
            "name": item.name,
            "revision": item.revision,
            "status": item.status,
            "status_label": item.get_status_display(),
            "can_update": plan_access(membership=membership, plan=the_plan).update_status(item),
            "status_url": status_url_maker(membership, the_plan)(str(item.uuid)),
        }
        return render(
            request,
            "planning/includes/status_cell.html",
            {
                "a": cell,
                "org": membership.organization,
                "plan": the_plan,
                "statuses": forms.StatusForm.base_fields["status"].choices,  # type: ignore[attr-defined]
                "status_message": message,
            },
        )
    if ok:
        messages.success(request, message)
    else:
        messages.error(request, message)
    return _back(membership, the_plan)
