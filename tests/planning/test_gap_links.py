"""Every gap in the gap analysis links to the page that closes it."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.planning import services

pytestmark = pytest.mark.django_db


def _url(plan: Any, suffix: str = "") -> str:
    return f"/orgs/{plan.organization.uuid}/plans/{plan.uuid}/{suffix}"


@pytest.fixture
def gappy_plan(plan: Any, coordinator: Any) -> Any:
    from upstream.planning.models import Plan

    Plan.objects.filter(pk=plan.pk).update(populations=[])  # fewer gaps: the top ones fit
    lonely = add_from_framework(coordinator, plan, "school-prevention-education")
    outcome = services.plan_outcome_add(
        actor=coordinator, plan=plan, name="Safer online habits", horizon="short"
    )
    measured = services.plan_outcome_add(
        actor=coordinator, plan=plan, name="Knowledge of grooming", horizon="short"
    )
    indicator = services.indicator_add(
        actor=coordinator,
        plan=plan,
        outcome=measured,
        name="Students naming three tactics",
        unit="percent",
        baseline_value=Decimal("10"),
        baseline_date=plan.period_start,
    )
    plan.refresh_from_db()
    return {"plan": plan, "activity": lonely, "outcome": outcome, "indicator": indicator}


def test_each_gap_links_to_the_action_that_closes_it(
    client: Client, coordinator: Any, gappy_plan: Any
) -> None:
    plan = gappy_plan["plan"]
    sign_in_as(client, coordinator.user)
    page = client.get(_url(plan, "gaps/")).content.decode()
    links = dict(re.findall(r'<a class="usa-link" href="([^"]+)">([^<]+)</a>', page))
    by_label = {html.unescape(label): html.unescape(href) for href, label in links.items()}
    activity, outcome, indicator = (gappy_plan[k] for k in ("activity", "outcome", "indicator"))
    assert by_label["Edit “School-based prevention education”"] == _url(
        plan, f"activities/{activity.uuid}/"
    )
    assert by_label["Add an indicator to “Safer online habits”"] == _url(
        plan, f"outcomes/{outcome.uuid}/indicators/add/"
    )
    assert by_label["Complete “Students naming three tactics”"] == _url(
        plan, f"indicators/{indicator.uuid}/"
    )
    assert by_label["Choose the plan's strategies"] == _url(plan, "strategies/")
    invite = by_label["Invite partners from Child welfare"]
    assert invite.startswith(f"/orgs/{plan.organization.uuid}/coalitions/{plan.coalition.uuid}/")
    assert "?sector=child-welfare" in invite
    for href in by_label.values():  # every one opens
        assert client.get(href.split("#")[0]).status_code == 200, href


def test_readers_see_the_gaps_without_edit_links(
    client: Client, gappy_plan: Any, owner_org: Any
) -> None:
    plan = gappy_plan["plan"]
    sign_in_as(client, make_member(owner_org, "viewer").user)
    page = client.get(_url(plan, "gaps/")).content.decode()
    assert "lead to no outcome" in page or "leads to no outcome" in page
    assert "Edit “School-based prevention education”" not in page
