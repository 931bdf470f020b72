"""The plans API refuses in its one JSON error shape and never names outside organizations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_member, sign_in_as
from upstream.planning.models import PlanActivity, PlanOutcome

pytestmark = pytest.mark.django_db


def _url(org: Any, plan: Any) -> str:
    return f"/api/v1/plans/{org.uuid}/{plan.uuid}"


def test_an_outside_organization_is_unknown_and_not_named(
    client: Any, coordinator: Any, plan: Any, outsider_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    response = client.post(
        f"{_url(coordinator.organization, plan)}/activities",
        {
            "strategy": "build-individual-skills",
            "framework_activity": "online-safety-skills",
            "partners": [str(outsider_org.uuid)],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["partners"] == ["Unknown organization for this plan."]
    assert outsider_org.name not in response.content.decode()
    assert not PlanActivity.objects.filter(plan=plan).exists()


def test_a_partner_coordinator_writing_to_anothers_plan_gets_a_json_403(
    client: Any, plan: Any, partner_org: Any
) -> None:
    partner = make_member(partner_org, "coordinator", email="partner-coord@partner.example.org")
    sign_in_as(client, partner.user)
    url = _url(partner_org, plan)
    assert client.get(url).status_code == 200  # partners read the coalition's plan
    response = client.post(
        f"{url}/outcomes", {"name": "Not ours", "horizon": "short"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not PlanOutcome.objects.filter(plan=plan).exists()


def test_over_long_or_over_large_values_are_refused_before_the_database(
    client: Any, coordinator: Any, plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    url = _url(coordinator.organization, plan)
    long_name = client.post(
        f"{url}/outcomes", {"name": "x" * 201, "horizon": "short"}, content_type="application/json"
    )
    assert long_name.status_code == 422
    assert "name" in long_name.json()["error"]["fields"]
    huge_budget = client.post(
        f"{url}/activities",
        {
            "strategy": "build-individual-skills",
            "framework_activity": "online-safety-skills",
            "budget": "1e40",
        },
        content_type="application/json",
    )
    assert huge_budget.status_code == 422
    assert not PlanOutcome.objects.filter(plan=plan).exists()
    assert not PlanActivity.objects.filter(plan=plan).exists()


def test_plan_history_shows_downloads_only_to_the_owning_admins(
    client: Any, coordinator: Any, plan: Any
) -> None:
    from upstream.planning import services

    services.plan_export_record(actor=coordinator, plan=plan, format="xlsx")
    org = coordinator.organization
    history = f"/orgs/{org.uuid}/plans/{plan.uuid}/history/"
    sign_in_as(client, coordinator.user)
    assert "(XLSX)" not in client.get(history).content.decode()
    admin = make_member(org, "admin", email="history-admin@owner.example.org")
    sign_in_as(client, admin.user)
    assert "(XLSX)" in client.get(history).content.decode()
