"""The plans API: the same rules as the pages, in JSON."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _base(org: Any) -> str:
    return f"/api/v1/plans/{org.uuid}"


def test_create_plan_add_activity_and_read_the_full_document(
    client: Any, coordinator: Any, hhs: Any, coalition: Any, partner_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    response = client.post(
        _base(coordinator.organization),
        {
            "title": "API plan",
            "framework_version": hhs.version,
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
            "state_fips": "39",
            "coalition": str(coalition.uuid),
            "strategies": ["build-individual-skills"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    url = f"{_base(coordinator.organization)}/{plan['uuid']}"
    response = client.post(
        f"{url}/activities",
        {
            "strategy": "build-individual-skills",
            "framework_activity": "online-safety-skills",
            "partners": [str(partner_org.uuid)],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    activity = response.json()
    assert (
        activity["level"] == "individual" and activity["partners"][0]["name"] == "Partner Shelter"
    )
    document = client.get(url).json()
    assert document["strategies"][0]["activities"][0]["name"] == activity["name"]
    gaps = client.get(f"{url}/gaps").json()
    assert gaps["heatmap"][0]["counts"][0] == 1
    assert client.get(f"{url}/export.json").json()["title"] == "API plan"
    assert AuditEvent.objects.filter(action="plan.exported", details__format="json").exists()


def test_bad_activity_input_answers_422_with_fields(
    client: Any, coordinator: Any, plan: Any, outsider_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    response = client.post(
        f"{_base(coordinator.organization)}/{plan.uuid}/activities",
        {
            "strategy": "build-individual-skills",
            "framework_activity": "online-safety-skills",
            "partners": [str(outsider_org.uuid)],
            "start": "2026-05-01",
            "end": "2026-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert "partners" in fields and "end" in fields
    assert not plan.activities.exists()


def test_stale_status_update_answers_409(client: Any, coordinator: Any, plan: Any) -> None:
    activity = add_from_framework(coordinator, plan, "online-safety-skills")
    sign_in_as(client, coordinator.user)
    url = f"{_base(coordinator.organization)}/{plan.uuid}/activities/{activity.uuid}/status"
    first = client.patch(
        url, {"status": "done", "revision": activity.revision}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["revision"] == activity.revision + 1
    second = client.patch(
        url, {"status": "dropped", "revision": activity.revision}, content_type="application/json"
    )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"


def test_outsider_gets_404_and_viewer_cannot_write(
    client: Any, plan: Any, outsider: Any, owner_org: Any
) -> None:
    sign_in_as(client, outsider.user)
    assert client.get(f"{_base(owner_org)}/{plan.uuid}").status_code == 404
    assert client.get(f"{_base(outsider.organization)}/{plan.uuid}").status_code == 404
    viewer = make_member(owner_org, "viewer")
    sign_in_as(client, viewer.user)
    assert client.get(f"{_base(owner_org)}/{plan.uuid}").status_code == 200
    response = client.post(
        f"{_base(owner_org)}/{plan.uuid}/activities",
        {"strategy": "build-individual-skills", "framework_activity": "online-safety-skills"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_read_only_api_key_reads_plans_but_cannot_add_activities(
    client: Any, plan: Any, members_by_role: dict[str, Any], owner_org: Any
) -> None:
    from upstream.accounts import services as account_services

    _key, secret = account_services.apikey_create(
        actor=members_by_role["admin"], name="reader", scope="read"
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.get(f"{_base(owner_org)}/{plan.uuid}", **headers)
    assert response.status_code == 200
    assert response.json()["title"] == "County prevention plan"
    response = client.post(
        f"{_base(owner_org)}/{plan.uuid}/activities",
        {"strategy": "build-individual-skills", "framework_activity": "online-safety-skills"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
