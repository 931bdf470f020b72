"""'Your plans': the page a person lands on after signing in ("continue where you left off")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from upstream.planning import services

pytestmark = pytest.mark.django_db


def _plan(actor: Any, hhs: Any, title: str, **extra: Any) -> Any:
    return services.plan_create(
        actor=actor,
        title=title,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 12, 31),
        state_fips="39",
        framework_version=hhs,
        **extra,
    )


def test_a_coordinator_lands_on_the_drafts_they_may_edit(
    client: Client, coordinator: Any, plan: Any
) -> None:
    coordinator.user.set_password("pw-for-the-landing-test")
    coordinator.user.save()
    response = client.post(
        "/account/sign-in/",
        {"email": coordinator.user.email, "password": "pw-for-the-landing-test"},
    )
    assert response["Location"] == "/plans/"
    html = client.get("/plans/").content.decode()
    assert "Continue where you left off" in html
    assert f'href="/orgs/{coordinator.organization.uuid}/plans/{plan.uuid}/"' in html
    assert "County prevention plan" in html
    assert "Members by role" not in html


def test_the_most_recently_changed_draft_comes_first(
    client: Client, coordinator: Any, hhs: Any
) -> None:
    import time_machine

    with time_machine.travel(dt.datetime(2026, 2, 1, tzinfo=dt.UTC)):
        _plan(coordinator, hhs, "Older plan")
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        _plan(coordinator, hhs, "Newer plan")
    sign_in_as(client, coordinator.user)
    html = client.get("/plans/").content.decode()
    assert html.index("Newer plan") < html.index("Older plan")


def test_a_viewer_sees_plans_to_read_not_to_continue(
    client: Client, owner_org: Any, plan: Any
) -> None:
    viewer = make_member(owner_org, "viewer")
    sign_in_as(client, viewer.user)
    html = client.get("/plans/").content.decode()
    assert "No draft is waiting for you." in html
    assert "Other plans you can read" in html
    assert "County prevention plan" in html
    assert "Create a plan" not in html


def test_a_partner_sees_the_coalition_plan_through_its_own_organization(
    client: Client, partner_org: Any, plan: Any
) -> None:
    partner = make_member(partner_org, "coordinator")
    sign_in_as(client, partner.user)
    html = client.get("/plans/").content.decode()
    assert f'href="/orgs/{partner_org.uuid}/plans/{plan.uuid}/"' in html
    assert "Other plans you can read" in html  # a partner cannot edit the lead's plan


def test_an_outsider_does_not_see_another_organizations_plans(
    client: Client, outsider: Any, plan: Any
) -> None:
    sign_in_as(client, outsider.user)
    html = client.get("/plans/").content.decode()
    assert "County prevention plan" not in html
    assert str(plan.uuid) not in html


def test_roles_without_plans_land_on_their_dashboard(
    client: Client, owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    for role in ("screener", "provider"):
        sign_in_as(client, members_by_role[role].user)
        response = client.get("/plans/", follow=True)
        assert response.redirect_chain[-1][0] == f"/orgs/{owner_org.uuid}/"


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/plans/")
    assert response["Location"].startswith("/account/sign-in/?next=/plans/")


def test_the_page_reads_a_bounded_number_of_queries(
    client: Client, coordinator: Any, hhs: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        _plan(coordinator, hhs, f"Plan {n}")
    sign_in_as(client, coordinator.user)
    with django_assert_max_num_queries(12):
        assert client.get("/plans/").status_code == 200


def test_a_partner_continues_a_coalition_plan_where_it_leads_an_activity(
    client: Client, partner_org: Any, coordinator: Any, plan: Any
) -> None:
    from tests.planning.conftest import add_from_framework

    partner = make_member(partner_org, "staff")
    add_from_framework(
        coordinator, plan, "school-prevention-education", lead_organization=partner_org
    )
    sign_in_as(client, partner.user)
    html = client.get("/plans/").content.decode()
    continue_section = html.split("Continue where you left off")[1].split("All plans")[0]
    assert "County prevention plan" in continue_section
