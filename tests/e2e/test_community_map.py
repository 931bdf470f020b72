"""An analyst explores the community map: map → pick a state → county profile → download CSV."""

from __future__ import annotations

import io
import re
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


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return dict(box)


def test_the_map_is_a_working_tool_click_legend_search_area_and_table_at_1280(
    live_server: Any, page: Any
) -> None:
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    load_demo(io.StringIO())
    page.set_viewport_size({"width": 1280, "height": 900})
    # a plan's area: one Pennsylvania county, outlined, with the state zoomed in
    page.goto(live_server.url + "/community/?show=index:demo-tvi&area=42001")
    wait_for_map(page)
    assert page.locator("#table-heading").inner_text() == "Counties in Pennsylvania"
    assert page.locator("#area-list").inner_text() == "Adams County, Pennsylvania"
    outline = page.locator("#community-map svg .layer_2_marks path")
    assert outline.count() == 1
    assert_accessible(page)

    # the legend sits beside the map, outside the counties, with readable text
    legend = page.locator("#community-map svg .role-legend")
    assert legend.count() == 1
    shapes = _box(page.locator("#community-map svg .layer_0_marks"))
    legend_box = _box(legend)
    assert legend_box["x"] >= shapes["x"] + shapes["width"] - 1
    label_size = page.locator("#community-map svg .role-legend-label text").first.evaluate(
        "t => parseFloat(t.getAttribute('font-size'))"
    )
    assert label_size >= 12

    # at 1280 px the table's caption and every column are visible without scrolling
    assert page.locator("#community-table caption").is_visible()
    viewport = page.viewport_size
    for header in page.locator("#community-table thead th").all():
        box = _box(header)
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], header.inner_text()
    container = page.locator(".usa-table-container--scrollable")
    assert container.evaluate("c => c.scrollWidth <= c.clientWidth")

    # county search filters the table; the map keeps every county of the state
    page.get_by_label("Find a county").fill("adams")
    page.get_by_role("button", name="Update").click()
    page.wait_for_url("**q=adams*")
    assert page.locator("#search-result").inner_text().startswith("1 county matches")
    assert page.locator("#community-table tbody tr").count() == 1
    wait_for_map(page)
    assert_accessible(page)

    # clicking a county on the map opens its profile
    county = page.locator("#community-map svg .layer_1_marks path").nth(10)
    county.scroll_into_view_if_needed()
    box = _box(county)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r".*/community/counties/42\d{3}/\?index=demo-tvi$"))
    assert page.locator("h1").inner_text().endswith(", Pennsylvania")
    assert "index=demo-tvi" in page.url
    assert_accessible(page)
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_the_map_on_a_phone_keeps_the_page_within_the_screen(live_server: Any, page: Any) -> None:
    load_demo(io.StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/community/?show=index:demo-tvi&area=42001,42003")
    wait_for_map(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#area-list li").count() == 2
    assert_accessible(page)
