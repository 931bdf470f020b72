"""An analyst defines a custom index in the browser: the form, its result, each page axe-clean."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_planning_journey import _sign_in
from upstream.community.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_defines_a_custom_index_from_the_index_list(
    live_server: Any, page: Any, owner_org: Any
) -> None:
    load_demo(io.StringIO())
    analyst = make_member(owner_org, "analyst", email="e2e-analyst@owner.example.org")
    _sign_in(page, live_server, analyst.user)
    page.goto(live_server.url + "/community/indices/")
    page.get_by_role("link", name="Define a custom index").click()
    assert page.locator("h1").inner_text() == "Define a custom vulnerability index"
    assert_accessible(page)

    page.get_by_label("Key").fill("e2e-index")
    page.get_by_label("Name", exact=True).fill("Housing and youth index")
    first_two = page.locator("input[id^='theme-']")
    first_two.nth(0).fill("Housing")
    first_two.nth(1).fill("Youth")
    page.get_by_role("button", name="Define and compute").click()
    page.wait_for_url("**/community/indices/e2e-index/")
    assert "Housing and youth index" in page.locator("h1").inner_text()
    # public reference data: the page names the organization, never the person
    assert page.get_by_text(owner_org.name).first.is_visible()
    assert "e2e-analyst@owner.example.org" not in page.content()
    assert_accessible(page)
