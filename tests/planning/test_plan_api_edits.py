"""The plans API edits and removes what the pages do, with revisions and clear refusals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.planning import services
from upstream.planning.models import PlanActivity

pytestmark = pytest.mark.django_db


def _url(coordinator: Any, plan: Any) -> str:
    return f"/api/v1/plans/{coordinator.organization.uuid}/{plan.uuid}"


def _patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json")


def test_plan_activity_outcome_and_indicator_can_be_edited(
    client: Any, coordinator: Any, plan: Any
) -> None:
    activity = add_from_framework(coordinator, plan, "online-safety-skills")
    outcome = services.plan_outcome_add(
        actor=coordinator, plan=plan, name="More help", horizon="short"
    )
    indicator = services.indicator_add(
        actor=coordinator, plan=plan, outcome=outcome, name="Calls", unit="calls"
    )
    plan.refresh_from_db()
    sign_in_as(client, coordinator.user)
    url = _url(coordinator, plan)

    response = _patch(client, url, {"revision": plan.revision, "title": "Renamed plan"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed plan"

    response = _patch(
        client,
        f"{url}/activities/{activity.uuid}",
        {
            "revision": activity.revision,
            "name": "Online safety for middle schools",
            "tier": "primary",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Online safety for middle schools"
    stale = _patch(client, f"{url}/activities/{activity.uuid}", {"revision": 0, "name": "Old"})
    assert stale.status_code == 409

    response = _patch(
        client,
        f"{url}/outcomes/{outcome.uuid}",
        {"revision": outcome.revision, "horizon": "long", "activities": [str(activity.uuid)]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["horizon"] == "long"

    response = _patch(
        client,
        f"{url}/indicators/{indicator.uuid}",
        {"revision": indicator.revision, "target_value": "50", "target_date": "2027-12-31"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["target_value"] is not None

    response = client.delete(f"{url}/activities/{activity.uuid}")
    assert response.status_code == 204
    assert not PlanActivity.objects.filter(pk=activity.pk).exists()


def test_bad_edits_are_refused_and_change_nothing(
    client: Any, coordinator: Any, plan: Any, outsider_org: Any
) -> None:
    activity = add_from_framework(coordinator, plan, "online-safety-skills")
    sign_in_as(client, coordinator.user)
    url = f"{_url(coordinator, plan)}/activities/{activity.uuid}"
    outsider = _patch(
        client, url, {"revision": activity.revision, "partners": [str(outsider_org.uuid)]}
    )
    assert outsider.status_code == 422
    assert outsider_org.name not in outsider.content.decode()
    dates = _patch(
        client, url, {"revision": activity.revision, "start": "2027-01-01", "end": "2026-01-01"}
    )
    assert dates.status_code == 422
    unknown = _patch(client, url, {"revision": activity.revision, "level": "galactic"})
    assert unknown.status_code == 422
    activity.refresh_from_db()
    assert activity.start is None and activity.level.key != "galactic"
    missing = client.delete(f"{_url(coordinator, plan)}/activities/{plan.uuid}")
    assert missing.status_code == 404
