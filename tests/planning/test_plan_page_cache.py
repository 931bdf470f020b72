"""The plan page's logic model is a cached fragment: never another viewer's, another language's
or an older revision's, and never with a CSRF token in the cache."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.accounts import services as account_services
from upstream.core.fragments import csrf_placeholder, fragment_key
from upstream.planning import selectors, services
from upstream.planning.models import PlanActivity
from upstream.planning.policy import plan_access

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def led_plan(plan: Any, coordinator: Any, partner_org: Any) -> Any:
    """A plan with one activity led by the owner and one led by the coalition partner."""
    add_from_framework(coordinator, plan, "school-prevention-education")
    add_from_framework(coordinator, plan, "financial-literacy", lead_organization=partner_org)
    plan.refresh_from_db()
    return plan


def _page(client: Any, org: Any, plan: Any) -> str:
    response = client.get(f"/orgs/{org.uuid}/plans/{plan.uuid}/")
    assert response.status_code == 200
    return str(response.content.decode())


def _queries(client: Any, org: Any, plan: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _page(client, org, plan)
    return len(ctx.captured_queries)


def _status_forms(page: str) -> int:
    return page.count('class="usa-select upstream-status-select"')


def test_a_viewer_does_not_get_the_coordinators_edit_links(
    client: Any, led_plan: Any, coordinator: Any, owner_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    first = _page(client, owner_org, led_plan)
    assert "Add an activity under" in first and _status_forms(first) == 2
    viewer = make_member(owner_org, "viewer")
    other = Client()
    sign_in_as(other, viewer.user)
    second = _page(other, owner_org, led_plan)
    assert "Add an activity under" not in second
    assert "/activities/add/" not in second and _status_forms(second) == 0
    assert "School-based prevention education" in second


def test_a_coalition_partner_gets_its_own_links_and_status_forms(
    client: Any, led_plan: Any, coordinator: Any, owner_org: Any, partner_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    _page(client, owner_org, led_plan)
    partner = make_member(partner_org, "staff")
    other = Client()
    sign_in_as(other, partner.user)
    page = _page(other, partner_org, led_plan)
    # only the activity the partner leads, at the partner's own addresses
    assert _status_forms(page) == 1
    assert f"/orgs/{partner_org.uuid}/plans/{led_plan.uuid}/activities/" in page
    assert f"/orgs/{owner_org.uuid}/plans/" not in page


def test_an_edit_shows_at_once(
    client: Any, led_plan: Any, coordinator: Any, owner_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    _page(client, owner_org, led_plan)
    activity = PlanActivity.objects.filter(plan=led_plan).order_by("pk").first()
    assert activity is not None
    services.plan_activity_update(
        actor=coordinator, activity=activity, revision=activity.revision, name="Renamed activity"
    )
    assert "Renamed activity" in _page(client, owner_org, led_plan)
    services.plan_activity_set_status(
        actor=coordinator, activity=activity, status="done", revision=activity.revision
    )
    assert '<option value="done" selected>' in _page(client, owner_org, led_plan)


def test_renaming_a_partner_organization_shows_at_once(
    client: Any, led_plan: Any, coordinator: Any, owner_org: Any, partner_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    assert "Partner Shelter" in _page(client, owner_org, led_plan)
    partner_admin = make_member(partner_org, "admin")
    account_services.organization_update(actor=partner_admin, name="Harbor House")
    page = _page(client, owner_org, led_plan)
    assert "Harbor House" in page and "Partner Shelter" not in page


def test_the_cached_logic_model_saves_the_documents_queries(
    client: Any, led_plan: Any, coordinator: Any, owner_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    _page(client, owner_org, led_plan)
    cache.clear()
    cold = _queries(client, owner_org, led_plan)
    warm = _queries(client, owner_org, led_plan)
    assert warm < cold
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    with translation.override("es"):
        assert _queries(client, owner_org, led_plan) == cold  # Spanish is rendered for itself
        assert _queries(client, owner_org, led_plan) == warm


def test_the_language_is_part_of_every_key(led_plan: Any, coordinator: Any) -> None:
    access = plan_access(membership=coordinator, plan=led_plan)
    parts = selectors.plan_page_state(plan=led_plan, access=access)
    with translation.override("en"):
        english = fragment_key("plan-logic-model", parts)
    with translation.override("es"):
        spanish = fragment_key("plan-logic-model", parts)
    assert english != spanish


def test_no_csrf_token_is_cached_and_each_visitor_gets_a_working_one(
    led_plan: Any, coordinator: Any, owner_org: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, coordinator.user)
    page = _page(client, owner_org, led_plan)
    tokens = set(TOKEN.findall(page))
    assert tokens and csrf_placeholder() not in page
    stored = [cache.get(key) for key in _fragment_keys(led_plan, coordinator)]
    assert any(stored)
    for html in filter(None, stored):
        assert not tokens & set(TOKEN.findall(html))
        assert set(TOKEN.findall(html)) <= {csrf_placeholder()}
    # a second visitor is served the cached copy with their own token, and it is accepted
    other = Client(enforce_csrf_checks=True)
    sign_in_as(other, coordinator.user)
    second = _page(other, owner_org, led_plan)
    token = TOKEN.findall(second)[-1]
    assert token not in tokens
    activity = PlanActivity.objects.filter(plan=led_plan).order_by("pk").first()
    assert activity is not None
    response = other.post(
        f"/orgs/{owner_org.uuid}/plans/{led_plan.uuid}/activities/{activity.uuid}/status/",
        {"status": "done", "revision": activity.revision, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert PlanActivity.objects.get(pk=activity.pk).status == "done"


def _fragment_keys(plan: Any, membership: Any) -> list[str]:
    access = plan_access(membership=membership, plan=plan)
    parts = selectors.plan_page_state(plan=plan, access=access)
    return [fragment_key(name, (parts, True)) for name in ("plan-logic-model", "plan-principles")]
