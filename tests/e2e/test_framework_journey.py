"""A reader explores the framework: landing → strategy → activity → search → glossary."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.e2e.conftest import assert_accessible
from upstream.framework.services import framework_load_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_explores_the_framework_and_every_page_is_accessible(
    live_server: Any, page: Any
) -> None:
    framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml")
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "National Human Trafficking Prevention Framework"
    assert page.get_by_text(
        "Reconstructed from public sources; verify against the official framework"
    ).first.is_visible()
    assert page.locator("#aims").is_visible()
    assert_accessible(page)

    page.locator("#strategies").scroll_into_view_if_needed()
    page.get_by_role("link", name="1. Build individual skills").click()
    assert "Build individual skills" in page.locator("h1").inner_text()
    assert page.locator("#activities").is_visible()
    assert_accessible(page)

    first_activity = page.locator("table tbody th a").first
    activity_name = first_activity.inner_text()
    first_activity.click()
    assert page.locator("h1").inner_text().startswith(activity_name)
    assert page.get_by_text("Prevention tier").is_visible()
    assert_accessible(page)

    page.get_by_role("searchbox", name="Search the framework").fill("housing")
    page.get_by_role("searchbox", name="Search the framework").press("Enter")
    page.wait_for_url("**/search/?q=housing*")
    assert "result" in page.locator("#results").inner_text()
    assert page.locator("mark").count() > 0
    assert_accessible(page)

    page.get_by_role("link", name="Glossary").first.click()
    assert page.locator("h1").inner_text() == "Glossary"
    assert page.locator("dfn", has_text="Sex trafficking").count() >= 1
    assert_accessible(page)

    page.get_by_role("link", name="Matrix").first.click()
    assert page.locator("caption").inner_text() == "Strategy × social-ecological level"
    assert_accessible(page)
