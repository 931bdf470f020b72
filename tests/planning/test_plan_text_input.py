"""Plan text and codes: the API and the forms refuse other digits in FIPS codes, control
characters and direction controls; text stored before those rules still exports to XLSX."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.planning.models import Plan

pytestmark = pytest.mark.django_db

TOKEN = "a" * 32  # a CSRF secret the test client sends as cookie and header


def _client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, user)
    client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    return client


def _new_plan(hhs: Any, **changes: Any) -> dict[str, Any]:
    return {
        "title": "API plan",
        "framework_version": hhs.version,
        "period_start": "2026-01-01",
        "period_end": "2027-12-31",
        "state_fips": "39",
        **changes,
    }


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json", headers={"X-CSRFToken": TOKEN})


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json", headers={"X-CSRFToken": TOKEN})


@pytest.mark.parametrize(
    "changes",
    [
        {"state_fips": "²³"},
        {"state_fips": "٣٩"},
        {"county_fips": "٣٩٠٤٩"},
        {"title": "Plan\x00title"},
        {"title": "Plan\x07title"},
        {"title": "Plan\ntitle"},
        {"title": "Plan \u202eeltit"},
    ],
)
def test_api_refuses_other_digits_and_control_characters_and_stores_nothing(
    coordinator: Any, hhs: Any, changes: dict[str, Any]
) -> None:
    client = _client(coordinator.user)
    response = _post(
        client, f"/api/v1/plans/{coordinator.organization.uuid}", _new_plan(hhs, **changes)
    )
    assert response.status_code in (400, 422), response.content
    assert Plan.objects.count() == 0


def test_api_accepts_ascii_codes_and_plain_titles(coordinator: Any, hhs: Any) -> None:
    client = _client(coordinator.user)
    response = _post(
        client,
        f"/api/v1/plans/{coordinator.organization.uuid}",
        _new_plan(hhs, title="Plan del Condado", county_fips="39049"),
    )
    assert response.status_code == 201, response.content


def test_api_patch_refuses_a_control_character_in_a_title_and_unicode_digits(
    coordinator: Any, plan: Any
) -> None:
    client = _client(coordinator.user)
    url = f"/api/v1/plans/{coordinator.organization.uuid}/{plan.uuid}"
    for body in ({"title": "Bad\x1btitle"}, {"state_fips": "٣٩"}, {"title": "\u2066x\u2069"}):
        response = _patch(client, url, {"revision": plan.revision, **body})
        assert response.status_code in (400, 422), response.content
    plan.refresh_from_db()
    assert (plan.title, plan.state_fips) == ("County prevention plan", "39")


def test_api_activity_description_keeps_line_breaks_but_not_nul(
    coordinator: Any, plan: Any
) -> None:
    client = _client(coordinator.user)
    url = f"/api/v1/plans/{coordinator.organization.uuid}/{plan.uuid}/activities"
    body = {"strategy": "build-individual-skills", "framework_activity": "online-safety-skills"}
    refused = _post(client, url, {**body, "description": "one\x00two"})
    assert refused.status_code in (400, 422)
    accepted = _post(client, url, {**body, "description": "one\ntwo\tthree"})
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["description"] == "one\ntwo\tthree"


def test_plan_form_refuses_what_the_api_refuses(coordinator: Any, hhs: Any) -> None:
    from upstream.planning.forms import PlanDetailsForm

    data = {"title": "Plan\x00", "period_start": "2026-01-01", "period_end": "2027-12-31"}
    form = PlanDetailsForm(data={**data, "state_fips": "39"})
    assert not form.is_valid()
    assert "control characters" in str(form.errors["title"])
    form = PlanDetailsForm(data={**data, "title": "Plan \u202e", "state_fips": "39"})
    assert "direction controls" in str(form.errors["title"])


def test_xlsx_export_of_text_stored_before_the_rules_answers_with_it_cleaned(
    client: Client, coordinator: Any, plan: Any
) -> None:
    from openpyxl import load_workbook

    activity = add_from_framework(coordinator, plan, "online-safety-skills")
    formula = '=HYPERLINK("http://example.org","open")'
    type(activity).objects.filter(pk=activity.pk).update(name=formula)
    Plan.objects.filter(pk=plan.pk).update(title="County\x07 plan\x00")
    sign_in_as(client, coordinator.user)
    response = client.get(f"/orgs/{coordinator.organization.uuid}/plans/{plan.uuid}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = [c.value for row in book["Plan"].iter_rows() for c in row]
    assert "County plan" in values
    cell = book["Activities"]["B2"]
    assert (cell.value, cell.data_type) == (formula, "s")
