"""Removing outcomes, indicators and strategies from a draft plan, in the pages and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.audit.models import AuditEvent
from upstream.planning import services
from upstream.planning.models import Indicator, PlanOutcome

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "yes"}


def _url(plan: Any, suffix: str = "") -> str:
    return f"/orgs/{plan.organization.uuid}/plans/{plan.uuid}/{suffix}"


@pytest.fixture
def outcome(plan: Any, coordinator: Any) -> Any:
    school = add_from_framework(coordinator, plan, "school-prevention-education")
    outcome = services.plan_outcome_add(
        actor=coordinator,
        plan=plan,
        name="Knowledge of grooming",
        horizon="short",
        activities=[school],
    )
    for name in ("Students naming three tactics", "Teachers trained"):
        services.indicator_add(
            actor=coordinator,
            plan=plan,
            outcome=outcome,
            name=name,
            unit="percent",
            baseline_value=Decimal("10"),
            baseline_date=plan.period_start,
            target_value=Decimal("50"),
            target_date=plan.period_end,
        )
    return outcome


def test_one_click_removes_nothing_but_asks_first_without_javascript(
    client: Client, coordinator: Any, plan: Any, outcome: Any
) -> None:
    sign_in_as(client, coordinator.user)
    activity = plan.activities.get()
    indicator = outcome.indicators.first()
    for suffix, what in (
        (f"activities/{activity.uuid}/remove/", "Remove the activity"),
        (f"outcomes/{outcome.uuid}/remove/", "Its 2 indicators will be removed with it."),
        (f"indicators/{indicator.uuid}/remove/", "Remove the indicator"),
    ):
        asked = client.get(_url(plan, suffix)).content.decode()
        assert what in asked and 'name="confirm" value="yes"' in asked
        one_click = client.post(_url(plan, suffix))  # the old one-click form
        assert one_click.status_code == 200 and "Yes, remove it" in one_click.content.decode()
    assert plan.activities.count() == 1
    assert PlanOutcome.objects.filter(pk=outcome.pk).exists()
    assert outcome.indicators.count() == 2
    assert not AuditEvent.objects.filter(action__endswith="_removed").exists()


def test_coordinator_removes_an_indicator_then_the_outcome_with_the_rest(
    client: Client, coordinator: Any, plan: Any, outcome: Any
) -> None:
    sign_in_as(client, coordinator.user)
    first = outcome.indicators.order_by("name").first()
    page = client.get(_url(plan, f"indicators/{first.uuid}/")).content.decode()
    assert "Remove this indicator from the plan" in page
    assert client.post(_url(plan, f"indicators/{first.uuid}/remove/"), CONFIRM).status_code == 302
    assert outcome.indicators.count() == 1
    page = client.get(_url(plan, f"outcomes/{outcome.uuid}/")).content.decode()
    assert "Remove this outcome and its indicators from the plan" in page
    response = client.post(_url(plan, f"outcomes/{outcome.uuid}/remove/"), CONFIRM, follow=True)
    assert "and its 1 indicator." in response.content.decode()
    assert not PlanOutcome.objects.filter(pk=outcome.pk).exists()
    assert not Indicator.objects.filter(outcome_id=outcome.pk).exists()
    assert plan.activities.count() == 1  # the activity it was linked to stays
    history = client.get(_url(plan, "history/")).content.decode()
    assert "Indicator removed" in history and "Plan outcome removed" in history
    removed = AuditEvent.objects.get(action="plan.outcome_removed")
    assert removed.details["indicators"] == 1


def test_a_strategy_with_activities_stays_until_they_are_removed(
    client: Client, coordinator: Any, plan: Any, hhs: Any
) -> None:
    sign_in_as(client, coordinator.user)
    activity = add_from_framework(coordinator, plan, "school-prevention-education")
    strategy = activity.plan_strategy
    other = hhs.strategies.exclude(pk=strategy.strategy_id).first()
    services.plan_strategy_add(actor=coordinator, plan=plan, strategy=other)
    # untick it: nothing changes, and the page says it still has activities
    response = client.post(_url(plan, "strategies/"), {"strategies": [other.pk]})
    assert f"“{strategy.strategy.name}” still has 1 activity" in response.content.decode()
    assert plan.strategies.count() == 2
    services.plan_activity_remove(actor=coordinator, activity=activity)
    response = client.post(_url(plan, "strategies/"), {"strategies": [other.pk]})
    asked = response.content.decode()  # asked first, without JavaScript: nothing changes yet
    assert "Take 1 strategy out of the plan?" in asked and strategy.strategy.name in asked
    assert plan.strategies.count() == 2
    response = client.post(_url(plan, "strategies/"), {"strategies": [other.pk], "confirm": "yes"})
    assert response.status_code == 302
    assert list(plan.strategies.values_list("strategy_id", flat=True)) == [other.pk]
    assert AuditEvent.objects.filter(action="plan.strategy_removed").count() == 1


def test_the_api_removes_indicators_outcomes_and_empty_strategies(
    client: Client, coordinator: Any, plan: Any, outcome: Any
) -> None:
    sign_in_as(client, coordinator.user)
    base = f"/api/v1/plans/{plan.organization.uuid}/{plan.uuid}"
    indicator = outcome.indicators.first()
    assert client.delete(f"{base}/indicators/{indicator.uuid}").status_code == 204
    assert client.delete(f"{base}/indicators/{indicator.uuid}").status_code == 404
    assert client.delete(f"{base}/outcomes/{outcome.uuid}").status_code == 204
    key = plan.strategies.get(activities__isnull=False).strategy.key
    refused = client.delete(f"{base}/strategies/{key}")
    assert (
        refused.status_code == 422 and "still has 1 activity" in refused.json()["error"]["message"]
    )
    assert client.delete(f"{base}/strategies/no-such-strategy").status_code == 404


def test_partners_and_published_plans_cannot_lose_items(
    client: Client, plan: Any, outcome: Any, coordinator: Any, partner_org: Any
) -> None:
    partner = make_member(partner_org, "coordinator", email="coord@partner.example.org")
    sign_in_as(client, partner.user)
    indicator = outcome.indicators.first()
    partner_url = f"/orgs/{partner_org.uuid}/plans/{plan.uuid}/indicators/{indicator.uuid}/remove/"
    assert client.post(partner_url, CONFIRM).status_code in (403, 404)
    plan.refresh_from_db()
    services.plan_publish(actor=coordinator, plan=plan, revision=plan.revision)
    sign_in_as(client, coordinator.user)
    client.post(_url(plan, f"outcomes/{outcome.uuid}/remove/"), CONFIRM)
    assert PlanOutcome.objects.filter(pk=outcome.pk).exists()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
