"""A coordinator picks a plan's state and county by name: choosing the state refreshes the
county list (htmx, under the enforced CSP); a coalition takes several counties. Axe on each page."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_county_list_follows_the_state_on_plan_and_coalition_forms(
    live_server: Any, page: Any
) -> None:
    from upstream.accounts import services as account_services
    from upstream.framework.services import framework_load_file

    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml")
    org = account_services.organization_create(
        actor=None, name="Riverbend Health", sectors=["health-care"], state_fips="39"
    )
    coordinator = make_member(org, "coordinator", email="picker@example.org")
    _sign_in(page, live_server, coordinator.user)

    page.goto(f"{live_server.url}/orgs/{org.uuid}/plans/new/")
    state, county = page.locator("#id_state_fips"), page.locator("#id_county_fips")
    assert page.locator("label[for=id_state_fips]").inner_text().startswith("State")
    assert state.evaluate("s => s.options[s.selectedIndex].text") == "Ohio"
    assert "Franklin County" in county.inner_text()
    assert_accessible(page)
    state.select_option(label="Louisiana")
    page.wait_for_function(
        "() => document.querySelector('#id_county_fips').textContent.includes('Orleans Parish')"
    )
    assert "Franklin County" not in county.inner_text()
    county.select_option(label="Orleans Parish")
    page.get_by_label("Title").fill("Gulf plan")
    page.get_by_label("Period start").fill("2026-01-01")
    page.get_by_label("Period end").fill("2027-12-31")
    page.get_by_role("button", name="Create the plan").click()
    assert page.locator("h1").inner_text() == "Choose the plan's strategies"
    from upstream.planning.models import Plan

    plan = Plan.objects.get(title="Gulf plan")
    assert (plan.state_fips, plan.county_fips) == ("22", "22071")

    page.goto(f"{live_server.url}/orgs/{org.uuid}/coalitions/")
    page.get_by_label("Coalition name").fill("Valley Coalition")
    page.locator("#id_state_fips").select_option(label="Ohio")
    counties = page.locator("#id_county_fips")
    page.wait_for_function("() => document.querySelector('#id_county_fips').options.length === 88")
    counties.select_option(label=["Franklin County", "Delaware County"])
    assert_accessible(page)
    page.get_by_role("button", name="Create the coalition").click()
    from upstream.accounts.models import Coalition

    coalition = Coalition.objects.get(name="Valley Coalition")
    assert sorted(coalition.county_fips) == ["39041", "39049"]
    page.goto(f"{live_server.url}/orgs/{org.uuid}/coalitions/{coalition.uuid}/")
    link = page.get_by_role("link", name="See the coalition's area on the community map")
    assert link.get_attribute("href") == "/community/?area=39041,39049"
    assert_accessible(page)
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
