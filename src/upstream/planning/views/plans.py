"""Plan pages: list, create, the logic model, gap analysis, history, versions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from upstream.accounts import selectors as account_selectors
from upstream.accounts.decorators import require
from upstream.accounts.policy import may
from upstream.audit.actions import ACTIONS
from upstream.community.selectors import area_for_geography
from upstream.core.forms import form_errors
from upstream.framework import selectors as framework
from upstream.planning import forms, labels, selectors, services
from upstream.planning.document import plan_diff, plan_document
from upstream.planning.gaps import Gap, gap_analysis
from upstream.planning.models import Plan
from upstream.planning.policy import PlanAccess, plan_access

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def plan_context(
    membership: Membership, plan: Plan, access: PlanAccess | None = None, **extra: Any
) -> dict[str, Any]:
    """What every plan page renders from; templates read ``access`` (``planning.policy``) to
    decide which actions to offer."""
    return {
        "membership": membership,
        "org": membership.organization,
        "plan": plan,
        "access": access or plan_access(membership=membership, plan=plan),
        **extra,
    }


def owned_plan(membership: Membership, plan_uuid: Any, *, publish: bool = False) -> Plan:
    """A plan whose versions the membership's organization may change (403 for a coalition
    partner's plan); a published version still opens, and saving says why it cannot change."""
    plan = selectors.plan_get(membership=membership, plan_uuid=plan_uuid)
    access = plan_access(membership=membership, plan=plan)
    if not (access.sign_off if publish else access.manage):
        raise PermissionDenied("plan.publish" if publish else "plan.edit")
    return plan


@require("plan.view")
def plan_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    plans = list(selectors.plans_for(membership=membership))
    return render(
        request,
        "planning/plan_list.html",
        {
            "membership": membership,
            "org": membership.organization,
            "plans": plans,
            "can_create": may(membership, "plan.edit"),
        },
    )


@require("plan.edit")
def plan_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organization
    versions = framework.versions_newest_first()
    form = forms.PlanForm(
        request.POST or None,
        coalitions=account_selectors.coalitions_of(membership=membership),
        versions=versions,
        initial={
            "state_fips": org.state_fips,
            "county_fips": org.county_fips,
            "framework_version": versions.filter(framework__slug="hhs-2024")
            .values_list("pk", flat=True)
            .first(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                actor=membership,
                title=data["title"],
                coalition=data["coalition"],
                framework_version=data["framework_version"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                state_fips=data["state_fips"],
                county_fips=data["county_fips"],
                populations=data["populations"],
                request=request,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("The plan is created. Now choose its strategies."))
            return redirect("planning:strategies", org=org.uuid, plan=plan.uuid)
    return render(
        request,
        "planning/plan_form.html",
        {"form": form, "org": org, "membership": membership},
    )


@require("plan.edit")
def plan_edit(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    """The plan's details; the coalition and framework version are fixed once it exists."""
    the_plan = owned_plan(membership, plan)
    form = forms.PlanDetailsForm(
        request.POST or None,
        initial={
            "revision": the_plan.revision,
            "title": the_plan.title,
            "period_start": the_plan.period_start,
            "period_end": the_plan.period_end,
            "state_fips": the_plan.state_fips,
            "county_fips": the_plan.county_fips,
            "populations": the_plan.populations,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        revision = data.pop("revision") or 0
        try:
            services.plan_update(
                actor=membership, plan=the_plan, revision=revision, request=request, **data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("The plan's details are saved."))
            return redirect("planning:detail", org=membership.organization.uuid, plan=plan)
    return render(request, "planning/plan_edit.html", plan_context(membership, the_plan, form=form))


@require("plan.edit")
def plan_strategies(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = owned_plan(membership, plan)
    chosen = list(the_plan.strategies.values_list("strategy_id", flat=True))
    form = forms.StrategiesForm(
        request.POST or None, version=the_plan.framework_version, initial={"strategies": chosen}
    )
    leaving: list[str] = []
    if request.method == "POST" and form.is_valid():
        kept = {s.pk for s in form.cleaned_data["strategies"]}
        # Strategies that would leave the plan (one that still has activities is refused by the
        # service, with the reason, before anything is asked).
        leaving = [
            ps.strategy.name
            for ps in the_plan.strategies.select_related("strategy").prefetch_related("activities")
            if ps.strategy_id not in kept
        ]
        if any(
            ps.activities.exists() for ps in the_plan.strategies.all() if ps.strategy_id not in kept
        ):
            leaving = []
    if (
        request.method == "POST"
        and form.is_valid()
        and leaving
        and (request.POST.get("confirm") != "yes")
    ):
        pass  # ask first: the page lists what would leave the plan
    elif request.method == "POST" and form.is_valid():
        try:
            services.plan_strategies_set(
                actor=membership,
                plan=the_plan,
                strategies=list(form.cleaned_data["strategies"]),
                request=request,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("The plan's strategies are saved."))
            return redirect("planning:detail", org=membership.organization.uuid, plan=plan)
    return render(
        request,
        "planning/strategies.html",
        plan_context(membership, the_plan, form=form, leaving=leaving),
    )


_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


def item_url_maker(route: str, membership: Membership, plan: Plan) -> Callable[[str], str]:
    """The URL of ``route`` for an item (activity, outcome, indicator) of the plan, by the
    item's uuid: the route is reversed once, not once per row of a large plan."""
    template = reverse(route, args=[membership.organization.uuid, plan.uuid, _PLACEHOLDER])
    return lambda item_uuid: template.replace(_PLACEHOLDER, item_uuid)


def status_url_maker(membership: Membership, plan: Plan) -> Callable[[str], str]:
    return item_url_maker("planning:activity_status", membership, plan)


def _plan_page_document(membership: Membership, plan: Plan, access: PlanAccess) -> dict[str, Any]:
    """The plan document with what the logic model shows for ``access``: links, which statuses
    the viewer may change, the outcomes of each activity and the budget total."""
    document = plan_document(plan)
    outcomes_by_activity: dict[str, list[dict[str, Any]]] = {}
    for outcome in document["outcomes"]:
        for key in outcome["activities"]:
            outcomes_by_activity.setdefault(key, []).append(outcome)
    names = {a["key"]: a["name"] for s in document["strategies"] for a in s["activities"]}
    for outcome in document["outcomes"]:
        outcome["activity_names"] = [names.get(key, "") for key in outcome["activities"]]
    status_url = status_url_maker(membership, plan)
    activity_url = item_url_maker("planning:activity_edit", membership, plan)
    for strategy in document["strategies"]:
        for activity in strategy["activities"]:
            activity["outcome_names"] = [
                o["name"] for o in outcomes_by_activity.get(activity["key"], [])
            ]
            activity["can_update"] = access.update_status_led_by(activity["lead"]["uuid"])
            activity["status_url"] = status_url(activity["uuid"])
            activity["edit_url"] = activity_url(activity["uuid"])
    outcome_url = item_url_maker("planning:outcome_edit", membership, plan)
    indicator_add_url = item_url_maker("planning:indicator_add", membership, plan)
    indicator_url = item_url_maker("planning:indicator_edit", membership, plan)
    for outcome in document["outcomes"]:
        outcome["edit_url"] = outcome_url(outcome["uuid"])
        outcome["indicator_add_url"] = indicator_add_url(outcome["uuid"])
        for indicator in outcome["indicators"]:
            indicator["edit_url"] = indicator_url(indicator["uuid"])
    document["budget_total"] = sum(
        Decimal(a["budget"]) for s in document["strategies"] for a in s["activities"] if a["budget"]
    )
    return document


@require("plan.view")
def plan_detail(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    # decided once, not per activity: a large plan has hundreds of rows
    access = plan_access(membership=membership, plan=the_plan)
    # The logic model is a cached fragment (core.fragments), the same for every viewer with the
    # same access to the same state of the plan: the document is built only when it is rendered.
    document = SimpleLazyObject(lambda: _plan_page_document(membership, the_plan, access))
    return render(
        request,
        "planning/plan_detail.html",
        plan_context(
            membership,
            the_plan,
            access,
            doc=document,
            fragment_parts=selectors.plan_page_state(plan=the_plan, access=access),
            versions=selectors.plan_versions(membership=membership, plan=the_plan),
            area=area_for_geography(
                state_fips=the_plan.state_fips, county_fips=the_plan.county_fips
            ),
            statuses=forms.StatusForm.base_fields["status"].choices,  # type: ignore[attr-defined]
            framework_name=labels.framework_name(the_plan.framework_version),
        ),
    )


_ITEM_LINKS = 5  # named items linked per gap; the gap's lists below the summary name them all


def gap_actions(membership: Membership, plan: Plan, gap: Gap) -> list[dict[str, str]]:
    """Links to the pages that close ``gap``, for someone who can edit the plan."""
    org, here = membership.organization.uuid, plan.uuid
    items = gap.items[:_ITEM_LINKS]
    add = reverse("planning:activity_add", args=[org, here])
    if gap.kind == "strategy-empty":
        return [
            {
                "label": gettext("Add an activity under this strategy"),
                "url": f"{add}?strategy={gap.strategy}",
            }
        ]
    if gap.kind == "strategy-missing":
        return [
            {
                "label": gettext("Choose the plan's strategies"),
                "url": reverse("planning:strategies", args=[org, here]),
            }
        ]
    if gap.kind in ("population", "level", "tier"):
        return [{"label": gettext("Add an activity of your own"), "url": add}]
    if gap.kind == "sectors" and plan.coalition is not None:
        coalition = reverse("accounts:coalition", args=[org, plan.coalition.uuid])
        return [
            {
                "label": gettext("Invite partners from %(sector)s") % {"sector": label},
                "url": f"{coalition}?{urlencode({'sector': key})}#invite",
            }
            for key, label in items
        ]
    if gap.kind == "activities-without-outcomes":
        edit = item_url_maker("planning:activity_edit", membership, plan)
        return [
            *(
                {"label": gettext("Edit “%(name)s”") % {"name": name}, "url": edit(uuid)}
                for uuid, name in items
            ),
            {
                "label": gettext("Add an outcome they drive"),
                "url": reverse("planning:outcome_add", args=[org, here]),
            },
        ]
    if gap.kind == "outcomes-without-indicators":
        indicator_add = item_url_maker("planning:indicator_add", membership, plan)
        return [
            {
                "label": gettext("Add an indicator to “%(name)s”") % {"name": name},
                "url": indicator_add(uuid),
            }
            for uuid, name in items
        ]
    if gap.kind == "indicators-incomplete":
        edit = item_url_maker("planning:indicator_edit", membership, plan)
        return [
            {"label": gettext("Complete “%(name)s”") % {"name": name}, "url": edit(uuid)}
            for uuid, name in items
        ]
    if gap.kind == "principles":
        return [
            {
                "label": gettext("Self-assess the principles"),
                "url": reverse("planning:principles", args=[org, here]),
            }
        ]
    return []


@require("plan.view")
def plan_gaps(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    report = gap_analysis(the_plan)
    editable = plan_access(membership=membership, plan=the_plan).edit
    return render(
        request,
        "planning/gaps.html",
        plan_context(
            membership,
            the_plan,
            report=report,
            gaps=[
                (gap, gap_actions(membership, the_plan, gap) if editable else [])
                for gap in report.summary
            ],
            area=area_for_geography(
                state_fips=the_plan.state_fips, county_fips=the_plan.county_fips
            ),
        ),
    )


@require("plan.edit")
@require_POST
def plan_gap_add(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    """One-click add of a framework activity the gap analysis suggested."""
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    activity = framework.activity_by_key(
        version_id=the_plan.framework_version_id, key=request.POST.get("activity", "")
    )
    if activity is None:
        raise Http404
    population = request.POST.get("population", "")
    try:
        services.plan_activity_add(
            actor=membership,
            plan=the_plan,
            strategy=activity.strategy,
            framework_activity=activity,
            name=activity.name,
            description=activity.description,
            level=activity.level,
            tier=activity.tier,
            population=population if population in the_plan.populations else "",
            lead_organization=membership.organization,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            gettext("Added “%(name)s”. Edit it to set dates and partners.")
            % {"name": activity.name},
        )
    return redirect("planning:gaps", org=membership.organization.uuid, plan=plan)


@require("plan.view")
def plan_history(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    return render(
        request,
        "planning/history.html",
        plan_context(
            membership,
            the_plan,
            entries=[
                (entry, gettext(ACTIONS.get(entry.event.action, entry.event.action)))
                for entry in selectors.plan_history_entries(membership=membership, plan=the_plan)
            ],
            sees_people=selectors.sees_people(membership=membership, plan=the_plan),
        ),
    )


@require("plan.publish")
def plan_publish(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = owned_plan(membership, plan, publish=True)
    if request.method == "POST":
        try:
            revision = int(request.POST.get("revision", ""))
            services.plan_publish(
                actor=membership, plan=the_plan, revision=revision, request=request
            )
        except ValueError:
            messages.error(request, gettext("The form is out of date: reload and try again."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request,
                gettext("Version %(version)s is published.") % {"version": the_plan.version},
            )
            return redirect("planning:detail", org=membership.organization.uuid, plan=plan)
    return render(request, "planning/publish.html", plan_context(membership, the_plan))


@require("plan.edit")
@require_POST
def plan_new_draft(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    try:
        draft = services.plan_new_draft(actor=membership, plan=the_plan, request=request)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("planning:detail", org=membership.organization.uuid, plan=plan)
    messages.success(
        request, gettext("Version %(version)s is a new draft.") % {"version": draft.version}
    )
    return redirect("planning:detail", org=membership.organization.uuid, plan=draft.uuid)


@require("plan.view")
def plan_diff_view(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    versions = selectors.plan_versions(membership=membership, plan=the_plan)
    by_uuid = {str(v.uuid): v for v in versions}
    newer = by_uuid.get(request.GET.get("to", ""), the_plan)
    default_old = newer.based_on if newer.based_on_id else None
    older = by_uuid.get(request.GET.get("from", ""), default_old)
    rows: list[dict[str, Any]] = []
    if older:
        old_doc, new_doc = plan_document(older), plan_document(newer)
        names = {
            a["key"]: a["name"]
            for doc in (old_doc, new_doc)
            for s in doc["strategies"]
            for a in s["activities"]
        }
        names.update(
            {
                a[key]: a[f"{key}_name"]
                for doc in (old_doc, new_doc)
                for s in doc["strategies"]
                for a in s["activities"]
                for key in ("level", "tier")
            }
        )
        rows = labels.diff_rows(plan_diff(old_doc, new_doc), names)
    return render(
        request,
        "planning/diff.html",
        plan_context(
            membership,
            the_plan,
            versions=versions,
            older=older,
            newer=newer,
            changes=rows,
        ),
    )
