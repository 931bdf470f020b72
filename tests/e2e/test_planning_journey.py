"""A coalition coordinator builds a plan end to end in the browser, every page scanned by axe:
create → strategies → activity from the framework (keyboard only) → outcome → indicator →
self-assessment → gap analysis → add a suggestion → publish → download PDF and XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    """Sign in through a session made by the test client (coordinators need no second factor)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def _check(page: Any, label: str) -> None:
    """USWDS draws its own checkbox: the real input is off screen, so click the label."""
    page.locator("label", has_text=label).first.click()


def _tab_to(page: Any, element_id: str, limit: int = 120) -> None:
    """Press Tab until the element with ``element_id`` has focus."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach #{element_id} with the keyboard")


def test_coordinator_builds_publishes_and_downloads_a_plan(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    from upstream.accounts import services as account_services
    from upstream.accounts.models import CoalitionMembership
    from upstream.framework.services import framework_load_file

    framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml")
    org = account_services.organization_create(
        actor=None, name="Riverbend Health", sectors=["health-care"], state_fips="39"
    )
    partner = account_services.organization_create(
        actor=None, name="Harbor Shelter", sectors=["housing"], state_fips="39"
    )
    coordinator = make_member(org, "coordinator", email="coordinator@example.org")
    coalition = account_services.coalition_create(
        actor=coordinator, name="Riverbend Coalition", state_fips="39"
    )
    CoalitionMembership.objects.create(coalition=coalition, organization=partner)
    _sign_in(page, live_server, coordinator.user)

    page.goto(f"{live_server.url}/orgs/{org.uuid}/plans/")
    assert page.locator("h1").inner_text() == "Prevention plans"
    assert_accessible(page)

    page.get_by_role("link", name="Create a plan").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Riverbend plan")
    page.get_by_label("Coalition").select_option(label="Riverbend Coalition")
    page.get_by_label("Period start").fill("2026-01-01")
    page.get_by_label("Period end").fill("2027-12-31")
    _check(page, "Migrant and seasonal workers")
    page.get_by_role("button", name="Create the plan").click()

    assert page.locator("h1").inner_text() == "Choose the plan's strategies"
    assert_accessible(page)
    _check(page, "Build individual skills")
    _check(page, "Identify and support people at risk")
    page.get_by_role("button", name="Save strategies").click()
    assert page.locator("h1").inner_text() == "Riverbend plan"
    assert_accessible(page)

    # The logic-model form, by keyboard only.
    page.get_by_role("link", name="Add an activity", exact=True).click()
    assert_accessible(page)
    page.locator("summary").click()
    page.get_by_role("link", name="School-based prevention education").click()
    assert page.get_by_text("Pre-filled from the framework").is_visible()
    assert_accessible(page)
    page.locator("body").focus()
    _tab_to(page, "id_name")
    page.keyboard.press("End")
    page.keyboard.type(" in middle schools")
    partner_id = page.locator("label", has_text="Harbor Shelter").first.get_attribute("for")
    _tab_to(page, partner_id or "")  # the partner checkboxes list the coalition's members
    page.keyboard.press("Space")
    _tab_to(page, "id_budget")
    page.keyboard.type("15000")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Added “School-based prevention education in middle schools”")
    assert page.get_by_text("Harbor Shelter").count() == 1
    assert_accessible(page)

    page.get_by_role("link", name="Add an outcome").click()
    page.locator("summary").click()
    page.get_by_role("link", name="More knowledge of recruitment and grooming tactics").click()
    _check(page, "School-based prevention education in middle schools")
    assert_accessible(page)
    page.get_by_role("button", name="Save the outcome").click()
    assert_accessible(page)

    page.get_by_role(
        "link", name="Add an indicator to More knowledge of recruitment and grooming tactics"
    ).click()
    page.get_by_label("Name").fill("Students who can name three grooming tactics")
    page.get_by_label("Unit").fill("percent of students")
    page.get_by_label("Target value").fill("60")
    page.get_by_label("Target date").fill("2027-12-31")
    assert_accessible(page)
    page.get_by_role("button", name="Save the indicator").click()
    assert page.get_by_role(
        "link", name="Students who can name three grooming tactics"
    ).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Principles").click()
    assert_accessible(page)
    page.locator("label[for=id_equity-and-inclusivity-rating_1]").click()
    page.locator("#id_equity-and-inclusivity-evidence").fill("We break down data by age.")
    page.get_by_role("button", name="Save the self-assessment of Equity and inclusivity").click()
    assert page.get_by_text("Saved your self-assessment").is_visible()

    page.get_by_role("link", name="Gap analysis").click()
    assert page.locator("h1").inner_text() == "Gap analysis"
    assert page.get_by_text("No activity reaches migrant and seasonal workers").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add Know-your-rights training").first.click()
    assert page.get_by_text("Added “Know-your-rights").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Logic model").click()
    status = page.get_by_label("Status of School-based prevention education in middle schools")
    status.select_option("in_progress")
    page.get_by_role(
        "button", name="Update the status of School-based prevention education in middle schools"
    ).click()
    page.wait_for_selector("text=is now in progress")  # swapped in place by htmx
    assert_accessible(page)
    page.get_by_role("link", name="Publish this version").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 1").click()
    assert page.get_by_text("Version 1 is published.").is_visible()
    assert_accessible(page)

    for link, magic in (("Download PDF", b"%PDF"), ("Download XLSX", b"PK")):
        with page.expect_download() as info:
            page.get_by_role("link", name=link).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        assert target.read_bytes().startswith(magic)

    page.get_by_role("link", name="History").click()
    assert page.get_by_role("cell", name="Plan version published").is_visible()
    assert_accessible(page)
