"""The plans API covers the whole logic model and the version cycle, like the pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _url(coordinator: Any, plan: Any) -> str:
    return f"/api/v1/plans/{coordinator.organization.uuid}/{plan.uuid}"


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_outcome_indicator_and_principle_rating_through_the_api(
    client: Any, coordinator: Any, plan: Any
) -> None:
    activity = add_from_framework(coordinator, plan, "online-safety-skills")
    sign_in_as(client, coordinator.user)
    url = _url(coordinator, plan)

    response = _post(
        client,
        f"{url}/outcomes",
        {
            "name": "More help-seeking",
            "horizon": "intermediate",
            "activities": [str(activity.uuid)],
        },
    )
    assert response.status_code == 201, response.content
    outcome = response.json()
    assert len(outcome["activities"]) == 1

    response = _post(
        client,
        f"{url}/outcomes/{outcome['uuid']}/indicators",
        {
            "name": "Young people who name a safe adult",
            "unit": "percent",
            "baseline_value": "40",
            "baseline_date": "2025-06-01",
            "target_value": "60",
            "target_date": "2027-06-01",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == "percent"

    response = client.put(
        f"{url}/principles/equity-and-inclusivity",
        {"rating": "emerging", "evidence": "Data are broken down by group."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == "emerging"

    document = client.get(url).json()
    assert document["outcomes"][0]["indicators"][0]["name"] == "Young people who name a safe adult"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"plan.outcome_added", "plan.indicator_added"} <= actions


def test_bad_logic_model_input_is_refused_and_changes_nothing(
    client: Any, coordinator: Any, plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    url = _url(coordinator, plan)
    response = _post(client, f"{url}/outcomes", {"name": "Vague", "horizon": "someday"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    response = _post(
        client, f"{url}/outcomes", {"name": "X", "horizon": "short", "activities": [str(plan.uuid)]}
    )
    assert response.status_code == 422
    outcome = _post(client, f"{url}/outcomes", {"name": "Real", "horizon": "short"}).json()
    target_without_unit = _post(
        client,
        f"{url}/outcomes/{outcome['uuid']}/indicators",
        {"name": "Count", "target_value": "10", "target_date": "2027-01-01"},
    )
    assert target_without_unit.status_code == 422
    assert "unit" in target_without_unit.json()["error"]["fields"]
    assert client.get(url).json()["outcomes"][0]["indicators"] == []
    unknown = client.put(
        f"{url}/principles/no-such-principle",
        {"rating": "emerging"},
        content_type="application/json",
    )
    assert unknown.status_code == 404


def test_publish_new_draft_and_diff_through_the_api(
    client: Any, coordinator: Any, plan: Any
) -> None:
    add_from_framework(coordinator, plan, "online-safety-skills")
    plan.refresh_from_db()
    sign_in_as(client, coordinator.user)
    url = _url(coordinator, plan)

    stale = _post(client, f"{url}/publish", {"revision": plan.revision - 1})
    assert stale.status_code == 409
    published = _post(client, f"{url}/publish", {"revision": plan.revision})
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    frozen = _post(client, f"{url}/outcomes", {"name": "Late", "horizon": "short"})
    assert frozen.status_code == 422

    draft = _post(client, f"{url}/drafts", {})
    assert draft.status_code == 201, draft.content
    draft_url = f"/api/v1/plans/{coordinator.organization.uuid}/{draft.json()['uuid']}"
    _post(client, f"{draft_url}/outcomes", {"name": "New outcome", "horizon": "long"})
    changes = client.get(f"{draft_url}/diff?against={plan.uuid}").json()
    assert {"kind": "outcome", "change": "added", "name": "New outcome", "fields": {}} in changes


def test_viewer_cannot_change_the_logic_model_through_the_api(
    client: Any, coordinator: Any, plan: Any
) -> None:
    viewer = make_member(coordinator.organization, "viewer", email="plan-viewer@owner.example.org")
    sign_in_as(client, viewer.user)
    url = _url(coordinator, plan)
    response = _post(client, f"{url}/outcomes", {"name": "Sneaky", "horizon": "short"})
    assert response.status_code == 403
    assert client.get(url).json()["outcomes"] == []
