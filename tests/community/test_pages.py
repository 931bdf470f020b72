"""Community pages show content, work without JavaScript, and keep query counts flat."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from upstream.community.models import IndexDefinition


def spec_of(html: str) -> dict[str, Any]:
    start = html.index('<script id="community-map-spec" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    data: dict[str, Any] = json.loads(body)
    return data


@pytest.mark.django_db
def test_map_page_without_data_says_how_to_load_it(client: Client) -> None:
    html = client.get("/community/").content.decode()
    assert "No index or indicator has been loaded yet" in html
    assert "upstream community import-svi FILE" in html


def test_map_page_shows_the_default_index_table_and_an_offline_map_spec(
    client: Client, small_index: IndexDefinition, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        response = client.get("/community/")
    html = response.content.decode()
    assert "<h1>Where vulnerability concentrates</h1>" in html
    assert "Trafficking vulnerability, 2022, by county." in html
    assert html.count('<th scope="row"><a class="usa-link" href="/community/counties/') == 5
    assert 'aria-sort="descending"' in html
    spec = spec_of(html)
    assert (
        spec["layer"][0]["data"]["url"] == "/static/vendor/us-atlas-2023/counties-albers-10m.json"
    )
    values = spec["layer"][1]["transform"][0]["from"]["data"]["values"]
    assert {v["fips"] for v in values} == {"42001", "42003", "42005", "36001"}
    assert "http" not in json.dumps(spec)  # no network: shapes and values are local
    assert "/static/upstream/community-map.js" in html
    assert "<script>" not in html  # no inline scripts (CSP)


def test_state_selector_filters_the_table_and_zooms_the_map(
    client: Client, small_index: IndexDefinition
) -> None:
    html = client.get("/community/?show=index:tvi&state=36").content.decode()
    assert "Counties in New York" in html
    assert html.count('href="/community/counties/') == 1
    spec = spec_of(html)
    assert spec["layer"][0]["transform"] == [{"filter": "slice(datum.id, 0, 2) == '36'"}]


def test_table_sorts_by_the_query_string(client: Client, small_index: IndexDefinition) -> None:
    html = client.get("/community/?show=index:tvi&sort=name&order=asc").content.decode()
    names = [part.split("<")[0] for part in html.split('?index=tvi">')[1:]]
    assert names == sorted(names)
    assert 'aria-sort="ascending"' in html
    html = client.get("/community/?show=index:tvi&sort=percentile&order=asc").content.decode()
    assert html.index("/community/counties/36001/") < html.index("/community/counties/42001/")


def test_indicator_can_be_mapped_with_its_values(
    client: Client, small_index: IndexDefinition
) -> None:
    html = client.get("/community/?show=indicator:pov&state=42").content.decode()
    assert "Indicator: Pov" in html
    assert "<td>40.0</td>" in html


def test_csv_download_has_the_same_rows_as_the_table(
    client: Client, small_index: IndexDefinition
) -> None:
    response = client.get("/community/table.csv?show=index:tvi&state=42&sort=name&order=asc")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="tvi-2022-42.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["fips"] for r in rows] == ["42001", "42003", "42005", "42007"]
    assert rows[0]["county"] == "Adams" and rows[0]["percentile"] == "1.0"
    assert rows[3]["percentile"] == ""  # zero population: not ranked


def test_county_profile_shows_themes_variables_flags_and_ranks(
    client: Client, small_index: IndexDefinition, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(14):
        response = client.get("/community/counties/42001/?index=tvi")
    html = response.content.decode()
    assert "<h1>Adams, Pennsylvania</h1>" in html
    assert "Ranks 1 of 4 counties (1 is most vulnerable)." in html
    assert "Ranks 1 of 3 counties in the state." in html
    assert '<h2 id="theme-YOUTH">Youth</h2>' in html
    assert "(lower is more vulnerable)" in html and "(weight 2.0)" in html
    assert '<span class="usa-tag bg-secondary-dark">Flag</span>' in html


def test_unknown_county_or_index_is_not_found(client: Client, small_index: IndexDefinition) -> None:
    assert client.get("/community/counties/99999/").status_code == 404
    assert client.get("/community/counties/42001/?index=nope").status_code == 404
    assert client.get("/community/?show=index:nope").status_code == 404


def test_index_page_shows_its_definition_and_provenance(
    client: Client, small_index: IndexDefinition, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(5):
        html = client.get("/community/indices/tvi/").content.decode()
    assert "<h1>Trafficking vulnerability</h1>" in html
    assert "idle source (2022)" in html
    assert "Inputs digest" in html and small_index.provenance["computed"]["inputs_digest"] in html
    assert "command line" in html
    assert "Geographies whose Pop is zero or missing" in html
    listing = client.get("/community/indices/").content.decode()
    assert 'href="/community/indices/tvi/">Trafficking vulnerability</a>' in listing


def test_an_index_ranked_within_states_maps_its_in_state_percentiles(
    client: Client, small_data: None
) -> None:
    from tests.community.conftest import spec
    from upstream.community.services import index_compute, index_define

    index_compute(index=index_define(spec=spec(key="tvi-state", ranking="state")))
    html = client.get("/community/?show=index:tvi-state").content.decode()
    values = spec_of(html)["layer"][1]["transform"][0]["from"]["data"]["values"]
    by_fips = {v["fips"]: v["value"] for v in values}
    assert by_fips == {"42001": 1.0, "42003": 0.5, "42005": 0.0}  # New York's one county: unranked
    assert (
        'aria-sort="descending"><a class="usa-link" '
        'href="?show=index%3Atvi-state&amp;sort=state_percentile' in html
    )


@pytest.mark.django_db
def test_the_map_outlines_an_area_and_zooms_to_its_state(small_index: Any) -> None:
    response = Client().get("/community/?show=index:tvi&area=42001,42003,99999,x")
    assert response.status_code == 200
    assert response.context["state"] == "42"
    assert [g["label"] for g in response.context["area"]] == [
        "Adams County, Pennsylvania",
        "Allegheny County, Pennsylvania",
    ]
    spec = response.context["spec"]
    outline = spec["layer"][2]
    codes = [v["fips"] for v in outline["transform"][-2]["from"]["data"]["values"]]
    assert codes == ["42001", "42003"]
    assert outline["mark"]["interactive"] is False
    body = response.content.decode()
    assert "The area outlined on the map" in body
    assert 'name="area" value="42001,42003"' in body  # kept when the controls change


@pytest.mark.django_db
def test_a_click_on_a_county_opens_its_profile_and_the_legend_is_beside_the_map(
    small_index: Any,
) -> None:
    spec = Client().get("/community/?show=index:tvi").context["spec"]
    layer = spec["layer"][1]
    assert layer["encoding"]["href"] == {"field": "url", "type": "nominal"}
    values = layer["transform"][0]["from"]["data"]["values"]
    assert {"fips": "42001", "url": "/community/counties/42001/?index=tvi"}.items() <= values[
        [v["fips"] for v in values].index("42001")
    ].items()
    legend = layer["encoding"]["color"]["legend"]
    assert legend["orient"] == "right" and legend["labelFontSize"] >= 12


@pytest.mark.django_db
def test_county_search_filters_the_table_by_name(small_index: Any) -> None:
    response = Client().get("/community/", {"show": "index:tvi", "q": "  ALLEG "})
    assert [r["fips"] for r in response.context["page"]] == ["42003"]
    assert "1 county matches “ALLEG”" in response.content.decode()
    # the map still draws every county with data
    values = response.context["spec"]["layer"][1]["transform"][0]["from"]["data"]
    assert len(values["values"]) == 4


@pytest.mark.django_db
def test_plan_area_and_coalition_pages_link_to_the_map_with_their_area(small_index: Any) -> None:
    from upstream.community.selectors import area_for_geography

    county = area_for_geography(state_fips="42", county_fips="42001")
    assert county is not None
    assert county.map_query == "?show=index%3Atvi&area=42001"
    state = area_for_geography(state_fips="42")
    assert state is not None and state.map_query.endswith("&area=42")
