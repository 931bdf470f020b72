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
    # (PostgreSQL cannot store NUL at all; SQLite can, and the same cleaning applies)
    Plan.objects.filter(pk=plan.pk).update(title="County\x07 plan\x1b")
    sign_in_as(client, coordinator.user)
    response = client.get(f"/orgs/{coordinator.organization.uuid}/plans/{plan.uuid}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = [c.value for row in book["Plan"].iter_rows() for c in row]
    assert "County plan" in values
    cell = book["Activities"]["B2"]
    assert (cell.value, cell.data_type) == (formula, "s")


def test_plan_service_refuses_a_title_with_control_characters(coordinator: Any, hhs: Any) -> None:
    import datetime as dt

    from django.core.exceptions import ValidationError

    from upstream.planning import services

    with pytest.raises(ValidationError) as caught:
        services.plan_create(
            actor=coordinator,
            title="Plan\x00",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2027, 1, 1),
            state_fips="٣٩",
            framework_version=hhs,
        )
    assert set(caught.value.message_dict) == {"title", "state_fips"}
    assert Plan.objects.count() == 0


@pytest.mark.parametrize(
    ("schema", "field", "value"),
    [
        ("PlanIn", "title", "a\x00"),
        ("PlanIn", "state_fips", "²³"),
        ("PlanIn", "county_fips", "٣٩٠٤٩"),
        ("PlanPatch", "title", "\u202ea"),
        ("PlanPatch", "state_fips", "٣٩"),
        ("PlanPatch", "county_fips", "３９０４９"),
        ("ActivityIn", "name", "a\nb"),
        ("ActivityIn", "description", "a\x00"),
        ("ActivityIn", "population", "a\x1b"),
        ("ActivityPatch", "name", "\u2066a"),
        ("ActivityPatch", "description", "a\x07"),
        ("ActivityPatch", "population", "a\x00"),
        ("OutcomeIn", "name", "a\x00"),
        ("OutcomeIn", "description", "a\x00"),
        ("OutcomePatch", "name", "\u202da"),
        ("OutcomePatch", "description", "a\x00"),
        ("IndicatorIn", "name", "a\x00"),
        ("IndicatorIn", "definition", "a\x00"),
        ("IndicatorIn", "unit", "a\tb"),
        ("IndicatorIn", "data_source", "a\x00"),
        ("IndicatorPatch", "name", "\u202ba"),
        ("IndicatorPatch", "definition", "a\x00"),
        ("IndicatorPatch", "unit", "a\x00"),
        ("IndicatorPatch", "data_source", "a\nb"),
        ("PrincipleIn", "evidence", "a\x00"),
    ],
)
def test_every_text_and_code_field_of_the_plans_api_schemas_is_checked(
    schema: str, field: str, value: str
) -> None:
    from pydantic import ValidationError as PydanticError

    from upstream.planning import api

    with pytest.raises(PydanticError) as caught:
        getattr(api, schema).model_validate({field: value})
    assert any(error["loc"] == (field,) for error in caught.value.errors())
    assert any(error["type"] == "value_error" for error in caught.value.errors())
