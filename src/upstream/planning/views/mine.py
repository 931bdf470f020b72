"""'Your plans': where a person lands after signing in, across their organizations.

"Continue where you left off" lists the drafts they may change, most recently changed first;
below it, the other plans they may read. Each plan opens in the organization through which the
person sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from upstream.accounts import selectors as account_selectors
from upstream.accounts.decorators import signed_in
from upstream.accounts.policy import may
from upstream.planning import selectors
from upstream.planning.models import Plan
from upstream.planning.policy import plan_access

if TYPE_CHECKING:
    from upstream.accounts.models import Membership

RECENT = 6


@dataclass(frozen=True)
class PlanEntry:
    plan: Plan
    membership: Membership
    editable: bool


def _may_change(membership: Membership, plan: Plan, leads: set[int]) -> bool:
    """May edit the draft, or update the status of an activity their organization leads."""
    access = plan_access(membership=membership, plan=plan)
    if access.published:
        return False
    return access.edit or (plan.pk in leads and access.led_status)


@signed_in
def plans_mine(request: HttpRequest) -> HttpResponse:
    memberships = [
        m for m in account_selectors.memberships_for(user=request.user) if may(m, "plan.view")
    ]
    if not memberships:
        return redirect("accounts:home")  # roles without plans land on their dashboard
    seen: set[Any] = set()
    entries: list[PlanEntry] = []
    for membership in memberships:
        plans = list(selectors.plans_for(membership=membership).order_by("-updated_at")[:50])
        leads = selectors.plans_with_activities_led_by(membership=membership, plans=plans)
        for plan in plans:
            if plan.series in seen:
                continue  # the newest-changed version of each plan stands for it
            seen.add(plan.series)
            entries.append(PlanEntry(plan, membership, _may_change(membership, plan, leads)))
    entries.sort(key=lambda e: e.plan.updated_at, reverse=True)
    return render(
        request,
        "planning/mine.html",
        {
            "continue": [e for e in entries if e.editable][:RECENT],
            "others": [e for e in entries if not e.editable][:RECENT],
            "memberships": [
                {"membership": m, "can_create": may(m, "plan.edit")} for m in memberships
            ],
        },
    )
