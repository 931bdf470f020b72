"""A newcomer's first hour in the demo, in a browser at 1280 px and on a 390 px phone, every page
scanned by axe: the home page says what Upstream is for; the sign-in page lists the demo accounts;
a role with a one-time code gets it with one click; coordinators land on their plans; screeners
and providers are told what is coming; an administrator revokes an API key only after confirming;
a coalition lead finds an organization to invite by name, never from a list of all of them."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


@pytest.fixture
def demo(settings: Any) -> None:
    from upstream.accounts import services
    from upstream.accounts.demo import load_demo as load_accounts
    from upstream.framework.services import framework_load_file
    from upstream.planning.demo import load_demo as load_plans

    settings.DEMO_MODE = True
    framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml")
    load_accounts(io.StringIO())
    load_plans(io.StringIO())
    services.organization_create(
        actor=None, name="Northside Food Bank", sectors=["housing"], state_fips="39"
    )


def _context(browser: Any, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _fits(page: Any, width: int) -> None:
    """Nothing widens the page beyond the screen (WCAG 1.4.10 reflow)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


def _check(page: Any, width: int) -> None:
    assert "<" not in page.title(), page.title()
    _fits(page, width)
    assert_accessible(page)


def _open_menu(page: Any, width: int) -> None:
    if width < 1024:
        page.get_by_role("button", name="Menu").click()


def _demo_code(page: Any) -> str:
    page.get_by_role("button", name="Show my demo code").click()
    match = re.search(r"The one-time code for \S+ is (\d{6})\.", page.content())
    assert match, page.content()
    return match.group(1)


def _sign_in_as(page: Any, base: str, role_label: str, width: int) -> None:
    page.goto(base + "/account/sign-in/")
    _check(page, width)
    page.get_by_role("button", name=f"Sign in as {role_label}").click()


def _pass_code(page: Any, width: int) -> None:
    page.wait_for_url("**/account/two-factor/verify/**")
    _check(page, width)
    code = _demo_code(page)
    _check(page, width)
    page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Verify").click()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_learns_what_upstream_is_for_and_signs_in_as_a_coordinator(
    live_server: Any, browser: Any, demo: None, width: int
) -> None:
    context, page = _context(browser, width)
    base = live_server.url
    page.goto(base + "/")
    _check(page, width)
    welcome = page.get_by_role("region", name="What Upstream is for")
    assert "into practice" in welcome.inner_text()
    for name in (
        "Explore the framework",
        "See where vulnerability concentrates",
        "Sign in to your plans",
    ):
        assert welcome.get_by_role("link", name=name).is_visible()
    _open_menu(page, width)
    nav = page.get_by_role("navigation", name="Primary navigation")
    assert nav.get_by_role("link", name="Plans").is_visible()
    assert nav.get_by_role("searchbox", name="Search the framework").is_visible()
    nav.get_by_role("searchbox", name="Search the framework").fill("youth")
    nav.get_by_role("searchbox", name="Search the framework").press("Enter")
    page.wait_for_url("**/search/?q=youth")
    _check(page, width)

    page.goto(base + "/")
    page.get_by_role("link", name="Sign in to your plans").click()
    page.wait_for_url("**/account/sign-in/**")
    _check(page, width)
    demo_list = page.get_by_role("region", name="Demo accounts")
    assert "demo-upstream-password" in demo_list.inner_text()
    assert demo_list.get_by_role("button").count() == 7
    page.get_by_role("button", name="Sign in as coordinator").click()
    page.wait_for_url("**/plans/")
    assert page.locator("h1").inner_text() == "Your plans"
    assert "Continue where you left off" in page.content()
    assert page.get_by_role("link", name="Riverbend County Prevention Plan 2026–2028").count()
    _check(page, width)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_administrator_gets_a_demo_code_revokes_a_key_and_invites_by_name(
    live_server: Any, browser: Any, demo: None, width: int
) -> None:
    from upstream.accounts.models import ApiKey, CoalitionInvitation, Organization

    context, page = _context(browser, width)
    base = live_server.url
    _sign_in_as(page, base, "administrator", width)
    _pass_code(page, width)
    page.wait_for_url("**/plans/")
    _check(page, width)

    lead = Organization.objects.get(name="Riverbend Public Health District")
    page.goto(f"{base}/orgs/{lead.uuid}/")
    assert page.title() == "Riverbend Public Health District · Upstream"
    assert "Franklin County, Ohio" in page.content()
    _check(page, width)

    page.goto(f"{base}/orgs/{lead.uuid}/keys/")
    page.wait_for_url("**/account/confirm/**")
    _check(page, width)
    code = _demo_code(page)
    page.get_by_label("Password").fill("demo-upstream-password")
    page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"**/orgs/{lead.uuid}/keys/")
    page.get_by_label("Name").fill("Nightly sync")
    page.get_by_role("button", name="Create the key").click()
    assert page.locator("#new-key").is_visible()
    _check(page, width)
    page.get_by_role("link", name="Revoke Nightly sync").click()
    page.wait_for_url("**/revoke/")
    assert ApiKey.objects.get(name="Nightly sync").revoked_at is None
    _check(page, width)
    page.get_by_role("button", name="Revoke the key").click()
    page.wait_for_url(f"**/orgs/{lead.uuid}/keys/")
    assert ApiKey.objects.get(name="Nightly sync").revoked_at is not None
    _check(page, width)

    page.goto(f"{base}/orgs/{lead.uuid}/coalitions/")
    page.get_by_role("link", name="Riverbend County Anti-Trafficking Coalition").click()
    assert "Franklin County, Ohio" in page.content()
    assert "Northside Food Bank" not in page.content()
    _check(page, width)
    page.get_by_label("Organization name or contact e-mail").fill("north")
    page.get_by_role("button", name="Find organizations").click()
    _check(page, width)
    page.get_by_role("button", name="Invite Northside Food Bank").click()
    assert "Northside Food Bank is invited." in page.content()
    assert CoalitionInvitation.objects.filter(organization__name="Northside Food Bank").exists()
    _check(page, width)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("label", "heading"),
    [
        ("screener", "Screening is coming here"),
        ("service provider", "Your referral inbox is coming here"),
    ],
)
def test_screeners_and_providers_land_on_a_page_that_says_what_is_coming(
    live_server: Any, browser: Any, demo: None, width: int, label: str, heading: str
) -> None:
    context, page = _context(browser, width)
    _sign_in_as(page, live_server.url, label, width)
    _pass_code(page, width)
    page.wait_for_url("**/orgs/*/")
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_role("link", name="See where vulnerability concentrates").is_visible()
    _check(page, width)
    context.close()


def test_outside_demo_mode_the_sign_in_page_names_no_demo_account(
    live_server: Any, page: Any, demo: None, settings: Any
) -> None:
    settings.DEMO_MODE = False
    page.goto(live_server.url + "/account/sign-in/")
    assert page.get_by_role("region", name="Demo accounts").count() == 0
    assert "demo.example.org" not in page.content()
    assert_accessible(page)
