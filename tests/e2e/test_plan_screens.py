"""The demo plan's screens in the browser, as the coordinator and as a coalition partner, on a
desktop and on phones (390 and 320 px wide): every page reflows without sideways scrolling
(WCAG 1.4.10), wide tables scroll in their own labelled region, the status stays next to the
activity, focus returns to the status after the in-place update, the framework choice fills the
activity form in, removals ask first, gaps link to their fix. axe scans every page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = ("", "gaps/", "history/", "diff/", "activities/add/", "outcomes/add/", "strategies/")


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def demo() -> dict[str, Any]:
    from upstream.accounts.demo import load_demo as load_accounts
    from upstream.accounts.models import Membership, Organization
    from upstream.framework.services import framework_load_file
    from upstream.planning.demo import load_demo as load_plan
    from upstream.planning.models import Plan

    framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml")
    load_accounts(io.StringIO())
    load_plan(io.StringIO())
    plan = Plan.objects.get()
    partner = Organization.objects.get(name="Harbor Light Youth Shelter")
    return {
        "plan": plan,
        "coordinator": Membership.objects.get(user__email="coordinator@demo.example.org"),
        "partner_viewer": make_member(partner, "viewer", email="viewer@harbor.example.org"),
        "partner": partner,
    }


def _fits(page: Any) -> None:
    width = page.evaluate("() => window.innerWidth")
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_plan_screens_reflow_and_pass_axe_at_each_width(
    live_server: Any, browser: Any, demo: dict[str, Any], width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    plan, coordinator = demo["plan"], demo["coordinator"]
    _sign_in(page, live_server, coordinator.user)
    plans = f"{live_server.url}/orgs/{coordinator.organization.uuid}/plans/"
    base = f"{plans}{plan.uuid}/"
    for url in (plans, *(base + suffix for suffix in SCREENS)):
        page.goto(url)
        _fits(page)
        assert_accessible(page)
    page.goto(base)
    # wide tables scroll inside a focusable region with a name, not the page
    region = page.get_by_role("region", name="Activities under Build individual skills")
    assert region.get_attribute("tabindex") == "0"
    # the status control is on screen without scrolling sideways
    status = page.locator("select[id^=status-]").first
    box = status.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    context.close()


def test_status_update_keeps_focus_and_the_framework_choice_fills_the_form(
    live_server: Any, page: Any, demo: dict[str, Any]
) -> None:
    plan, coordinator = demo["plan"], demo["coordinator"]
    page.set_viewport_size({"width": 390, "height": 900})
    _sign_in(page, live_server, coordinator.user)
    base = f"{live_server.url}/orgs/{coordinator.organization.uuid}/plans/{plan.uuid}/"
    page.goto(base)
    activity = plan.activities.order_by("id").first()
    select = page.locator(f"#status-{activity.uuid}")
    select.select_option("done")
    page.get_by_role("button", name=f"Update the status of {activity.name}").click()
    page.wait_for_selector("text=is now done")  # swapped in place by htmx
    page.wait_for_function(f"() => document.activeElement.id === 'status-{activity.uuid}'")
    assert_accessible(page)

    page.goto(base + "activities/add/")
    page.locator("#id_strategy").select_option(label="Build individual skills")
    page.wait_for_selector("#id_strategy[autofocus]")  # the form, swapped in by htmx
    page.wait_for_function("() => document.activeElement.id === 'id_strategy'")
    options = page.locator("#id_framework_activity option").all_inner_texts()
    assert "Social-emotional learning" in options
    assert "Consent-based screening in health and human services" not in options
    page.get_by_label("From the framework").select_option(label="Social-emotional learning")
    page.wait_for_function(
        "() => document.querySelector('#id_name').value === 'Social-emotional learning'"
    )
    # htmx focuses the choice once the swapped form settles
    page.wait_for_function("() => document.activeElement.id === 'id_framework_activity'")
    assert page.locator("#id_description").input_value()
    _fits(page)
    assert_accessible(page)


def test_removing_an_activity_asks_first_and_gaps_link_to_their_fix(
    live_server: Any, page: Any, demo: dict[str, Any]
) -> None:
    from upstream.planning.models import PlanActivity

    plan, coordinator = demo["plan"], demo["coordinator"]
    _sign_in(page, live_server, coordinator.user)
    base = f"{live_server.url}/orgs/{coordinator.organization.uuid}/plans/{plan.uuid}/"
    activity = plan.activities.order_by("id").first()
    page.goto(base + f"activities/{activity.uuid}/")
    page.get_by_role("link", name="Remove this activity from the plan").click()
    assert page.locator("h1").inner_text().startswith("Remove the activity")
    assert PlanActivity.objects.filter(pk=activity.pk).exists()  # one click removed nothing
    assert_accessible(page)
    page.get_by_role("button", name="Yes, remove it").click()
    assert page.get_by_text(f"Removed “{activity.name}”").is_visible()
    assert not PlanActivity.objects.filter(pk=activity.pk).exists()

    page.goto(base + "gaps/")
    outcome = "Fewer youth exploited in the county"
    page.get_by_role("link", name=f"Add an indicator to “{outcome}”").click()
    assert page.locator("h1").inner_text() == "Add an indicator"
    assert_accessible(page)


def test_partner_sees_organizations_in_history_on_a_phone(
    live_server: Any, page: Any, demo: dict[str, Any]
) -> None:
    plan, partner_viewer = demo["plan"], demo["partner_viewer"]
    page.set_viewport_size({"width": 390, "height": 900})
    _sign_in(page, live_server, partner_viewer.user)
    page.goto(f"{live_server.url}/orgs/{demo['partner'].uuid}/plans/{plan.uuid}/history/")
    body = page.locator("main").inner_text()
    assert "@demo.example.org" not in body
    assert "Riverbend Public Health District" in body
    _fits(page)
    assert_accessible(page)
