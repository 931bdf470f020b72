""" "Add an activity": choosing one of the framework's activities fills the form in, with htmx
or without JavaScript, and the choice lists only the chosen strategy's activities."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import sign_in_as
from tests.planning.conftest import framework_activity
from upstream.planning.models import PlanActivity

pytestmark = pytest.mark.django_db


def _url(plan: Any) -> str:
    return f"/orgs/{plan.organization.uuid}/plans/{plan.uuid}/activities/add/"


def test_fill_in_button_prefills_the_form_without_javascript_and_saves_nothing(
    client: Client, coordinator: Any, plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    school = framework_activity(plan.framework_version, "school-prevention-education")
    response = client.post(
        _url(plan),
        {
            "prefill": "framework_activity",
            "strategy": school.strategy_id,
            "framework_activity": school.pk,
            "budget": "1500",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{school.name}"' in page
    assert school.description[:40] in page
    # the plan's priority population the framework activity reaches, chosen for it
    assert '<option value="youth-foster-care" selected>' in page
    assert f'<option value="{school.level_id}" selected>' in page
    assert 'value="1500"' in page  # what the person had typed stays
    assert not PlanActivity.objects.exists()


def test_the_framework_choice_lists_only_the_chosen_strategys_activities(
    client: Client, coordinator: Any, plan: Any, hhs: Any
) -> None:
    sign_in_as(client, coordinator.user)
    strategy = hhs.strategies.get(key="build-individual-skills")
    page = client.get(_url(plan) + f"?strategy={strategy.key}").content.decode()
    select = page[page.index('name="framework_activity"') :]
    select = select[: select.index("</select>")]
    theirs = list(hhs.activities.filter(strategy=strategy))
    others = hhs.activities.exclude(strategy=strategy)
    assert theirs and all(a.name in select for a in theirs)
    assert not any(f">{a.name}<" in select for a in others)


def test_htmx_swaps_the_prefilled_form_and_returns_focus_to_the_choice(
    client: Client, coordinator: Any, plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    school = framework_activity(plan.framework_version, "school-prevention-education")
    page = client.get(_url(plan)).content.decode()
    assert 'hx-post="' + _url(plan) + '"' in page and "&quot;prefill&quot;" in page
    response = client.post(
        _url(plan),
        {"prefill": "framework_activity", "strategy": "", "framework_activity": school.pk},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert f'value="{school.name}"' in body
    select = body[body.index('<select name="framework_activity"') :]
    assert "autofocus" in select[: select.index(">")]  # htmx focuses it after the swap
    assert not PlanActivity.objects.exists()


def test_the_prefilled_form_then_adds_the_activity(
    client: Client, coordinator: Any, plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    school = framework_activity(plan.framework_version, "school-prevention-education")
    response = client.post(
        _url(plan),
        {
            "strategy": school.strategy_id,
            "framework_activity": school.pk,
            "name": school.name,
            "level": school.level_id,
            "tier": school.tier_id,
            "population": "youth-foster-care",
            "lead_organization": coordinator.organization_id,
            "status": "planned",
        },
    )
    assert response.status_code == 302
    assert PlanActivity.objects.get().framework_activity_id == school.pk
