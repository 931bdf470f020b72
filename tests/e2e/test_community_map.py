"""An analyst explores the community map: map → pick a state → county profile → download CSV."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible
from upstream.community.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_map(page: Any) -> None:
    page.wait_for_selector("#community-map[data-drawn='true'] svg")
    assert page.locator("#community-map svg path").count() > 10


def test_analyst_maps_a_state_opens_a_county_and_downloads_the_table(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    # The site's CSP is enforced (see the page fixture): the map must draw without eval.
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    load_demo(io.StringIO())
    page.goto(live_server.url + "/community/?show=index:demo-tvi")
    assert page.locator("h1").inner_text() == "Where vulnerability concentrates"
    assert page.get_by_text("Synthetic demo data.").is_visible()
    wait_for_map(page)
    # vega-embed and vega-tooltip inject no <style> (CSP): their styles live in upstream.css
    assert page.locator("style#vega-embed-style, style#vega-tooltip-style").count() == 0
    assert page.locator("#community-table tbody tr").count() == 100
    assert_accessible(page)

    page.get_by_label("State", exact=True).select_option(label="Pennsylvania")
    page.get_by_role("button", name="Update").click()
    page.wait_for_url("**state=42*")
    assert page.locator("#table-heading").inner_text() == "Counties in Pennsylvania"
    assert page.locator("#community-table tbody tr").count() == 67
    wait_for_map(page)
    # zoomed: only Pennsylvania's 67 counties are drawn, in two layers
    assert page.locator("#community-map svg path").count() <= 2 * 67 + 10
    assert_accessible(page)

    page.locator("#community-map svg path").nth(100).hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    assert "Pennsylvania" in tooltip.inner_text()

    first = page.locator("#community-table tbody th a").first
    county = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == f"{county}, Pennsylvania"
    assert page.get_by_role("heading", name="Youth and labor").is_visible()
    assert "counties in the state" in page.locator("main").inner_text()
    assert_accessible(page)

    page.go_back()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV (67 rows)").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert download.suggested_filename == "demo-tvi-2022-42.csv"
    assert lines[0].startswith("fips,county,state,score,percentile,state_percentile,flags")
    assert len(lines) == 68

    page.get_by_role("link", name="how this index is built").click()
    assert page.locator("h1").inner_text() == "Synthetic demo: trafficking vulnerability index"
    assert page.get_by_role("heading", name="Provenance").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Indices").first.click()
    assert page.locator("h1").inner_text() == "Vulnerability indices"
    assert_accessible(page)
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
