"""The community API: geographies, indicators, observations, indices, results and profiles."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from upstream.community.models import GeographySet, IndexDefinition

API = "/api/v1/community"


def test_geographies_are_filtered_by_state_and_kind(
    client: Client, us2023: GeographySet, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(5):
        body = client.get(f"{API}/geographies?kind=county&state=10").json()
    assert body["count"] == 3
    assert body["items"][0] == {
        "fips": "10001",
        "name": "Kent",
        "kind": "county",
        "state_fips": "10",
        "parent": "10",
    }
    sets = client.get(f"{API}/geography-sets").json()
    assert [s["key"] for s in sets] == ["us-2023"] and sets[0]["vintage"] == 2023


def test_indicators_and_filtered_observations(
    client: Client, small_index: IndexDefinition, django_assert_max_num_queries: Any
) -> None:
    keys = [i["key"] for i in client.get(f"{API}/indicators").json()]
    assert set(keys) == {"pov", "idle", "clinics", "pop"}
    with django_assert_max_num_queries(5):
        body = client.get(f"{API}/observations?indicator=pov&state=42&year=2022").json()
    assert body["count"] == 4
    assert body["items"][0] == {
        "fips": "42001",
        "indicator": "pov",
        "year": 2022,
        "value": 10.0,
        "moe": None,
    }


def test_indices_and_results_filtered_by_state(
    client: Client, small_index: IndexDefinition, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        indices = client.get(f"{API}/indices").json()
    assert indices[0]["key"] == "tvi"
    assert indices[0]["themes"][1]["variables"][1] == {
        "indicator": "clinics",
        "weight": 1.0,
        "direction": "lower",
    }
    assert indices[0]["provenance"]["computed"]["units"] == 5
    with django_assert_max_num_queries(5):
        body = client.get(f"{API}/indices/tvi/results?state=42").json()
    assert [r["fips"] for r in body["items"]] == ["42001", "42003", "42005", "42007"]
    assert body["items"][0]["percentile"] == 1.0
    assert body["items"][0]["themes"]["YOUTH"] == {"score": 3.0, "percentile": 1.0, "flags": 2}
    state = client.get(f"{API}/indices/tvi/results?scope=state&state=36").json()
    assert state["items"][0]["percentile"] is None


def test_county_profile(client: Client, small_index: IndexDefinition) -> None:
    body = client.get(f"{API}/indices/tvi/counties/42001").json()
    assert body["state"] == "Pennsylvania"
    assert body["national_rank"] == {"rank": 1, "of": 4}
    assert body["state_rank"] == {"rank": 1, "of": 3}
    assert body["themes"][0]["variables"][0]["indicator"] == "pov"


@pytest.mark.django_db
def test_unknown_index_answers_with_the_one_error_shape(client: Client) -> None:
    response = client.get(f"{API}/indices/nope/results")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }
