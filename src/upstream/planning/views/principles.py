"""The plan's self-assessment against the framework's principles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from upstream.accounts.decorators import require
from upstream.core.forms import form_errors
from upstream.planning import forms, services
from upstream.planning.models import PrincipleRating
from upstream.planning.views.plans import owned_plan, plan_context
from upstream.planning.vocabularies import practices_of

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership


@require("plan.edit")
def principles(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    """The five principles, one form each: a rating, evidence and the practices checklist."""
    the_plan = owned_plan(membership, plan)
    ratings = {r.principle_id: r for r in PrincipleRating.objects.filter(plan=the_plan)}
    submitted = request.POST.get("principle") if request.method == "POST" else None
    rows = []
    for principle in the_plan.framework_version.principles.order_by("position"):
        rating = ratings.get(principle.pk)
        bound = submitted == principle.key
        form = forms.PrincipleForm(
            request.POST if bound else None,
            prefix=principle.key,
            practices=practices_of(principle.practices),
            initial={
                "revision": rating.revision if rating else 0,
                "rating": rating.rating if rating else "not_started",
                "evidence": rating.evidence if rating else "",
                "practices": rating.practices if rating else [],
            },
        )
        if bound and form.is_valid():
            data = form.cleaned_data
            try:
                services.principle_rate(
                    actor=membership,
                    plan=the_plan,
                    principle=principle,
                    rating=data["rating"],
                    evidence=data["evidence"],
                    practices=data["practices"],
                    revision=data["revision"] or None,
                    request=request,
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request,
                    gettext("Saved your self-assessment of “%(name)s”.") % {"name": principle.name},
                )
                return redirect("planning:principles", org=membership.organization.uuid, plan=plan)
        rows.append({"principle": principle, "form": form, "rating": rating})
    return render(
        request, "planning/principles.html", plan_context(membership, the_plan, rows=rows)
    )
