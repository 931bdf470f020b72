"""The framework API lists and retrieves every entity, filters and searches, in bounded queries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from upstream.framework.models import FrameworkVersion
from upstream.framework.services import framework_load_file

pytestmark = pytest.mark.django_db
V = "/api/v1/framework/frameworks/test-framework/versions/1.0"


def _json(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.content)
    return response.json()


def test_lists_frameworks_with_their_versions(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    body = _json(client, "/api/v1/framework/frameworks")
    assert body[0]["slug"] == "test-framework"
    assert [v["version"] for v in body[0]["versions"]] == ["1.0"]


def test_version_detail_and_latest_alias(client: Client, minimal_version: FrameworkVersion) -> None:
    body = _json(client, V)
    assert body["framework"] == "test-framework"
    assert body["status"] == "draft"
    assert body["aims"][0]["tiers"] == ["primary"]
    assert _json(client, V.replace("1.0", "latest"))["content_hash"] == body["content_hash"]


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        ("principles", ["equity"]),
        ("levels", ["individual", "community"]),
        ("tiers", ["primary", "tertiary"]),
        ("strategies", ["teach-skills", "safe-places"]),
        ("definitions", ["coercion", "trafficking"]),
    ],
)
def test_lists_each_entity(
    client: Client,
    minimal_version: FrameworkVersion,
    django_assert_max_num_queries: Any,
    path: str,
    keys: list[str],
) -> None:
    with django_assert_max_num_queries(6):
        body = _json(client, f"{V}/{path}")
    assert [item["key"] for item in body] == keys
    assert all("confidence" in item for item in body)


def test_paginated_lists_return_items_and_count(
    client: Client, minimal_version: FrameworkVersion, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(5):
        body = _json(client, f"{V}/activities")
    assert body["count"] == 2
    assert body["items"][0] == {
        "key": "school-lessons",
        "confidence": "reconstructed",
        "sources": [],
        "translations": {},
        "strategy": "teach-skills",
        "level": "individual",
        "tier": "primary",
        "name": "School lessons on grooming tactics",
        "description": "Lessons in classrooms about recruitment and grooming.",
        "populations": ["Youth"],
        "evidence": "",
    }
    with django_assert_max_num_queries(6):
        factors = _json(client, f"{V}/factors")
    assert factors["items"][0]["strategies"] == ["teach-skills"]
    assert _json(client, f"{V}/outcomes?horizon=short")["count"] == 1


def test_filters_by_strategy_level_and_tier(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    assert [a["key"] for a in _json(client, f"{V}/activities?tier=tertiary")["items"]] == [
        "safe-housing"
    ]
    assert [a["key"] for a in _json(client, f"{V}/activities?strategy=teach-skills")["items"]] == [
        "school-lessons"
    ]
    assert [s["key"] for s in _json(client, f"{V}/strategies?level=community")] == ["safe-places"]
    assert [s["key"] for s in _json(client, f"{V}/strategies?tier=primary")] == [
        "teach-skills",
        "safe-places",
    ]
    assert _json(client, f"{V}/factors?kind=protective")["items"][0]["key"] == "caring-adult"


def test_strategy_detail_embeds_activities_outcomes_and_factors(
    client: Client, minimal_version: FrameworkVersion, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        body = _json(client, f"{V}/strategies/teach-skills")
    assert body["levels"] == ["individual"]
    assert [a["key"] for a in body["activities"]] == ["school-lessons"]
    assert [o["key"] for o in body["outcomes"]] == ["more-knowledge"]
    assert [f["key"] for f in body["factors"]] == ["isolation"]


def test_search_endpoint(client: Client, minimal_version: FrameworkVersion) -> None:
    hits = _json(client, f"{V}/search?q=grooming")
    assert hits == [
        {
            "kind": "activity",
            "key": "school-lessons",
            "title": "School lessons on grooming tactics",
            "snippet": hits[0]["snippet"],
        }
    ]
    assert "grooming" in hits[0]["snippet"]
    assert _json(client, f"{V}/search?q=skills&kind=strategy")[0]["kind"] == "strategy"


def test_bad_requests_get_the_one_error_shape(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    missing = _json(client, f"{V}/strategies/nope", status=404)
    assert missing == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    invalid = _json(client, f"{V}/search?q=x&kind=planet", status=422)
    assert invalid["error"]["code"] == "invalid"
    assert "kind" in invalid["error"]["fields"]
    _json(client, f"{V}/search", status=422)
    _json(client, "/api/v1/framework/frameworks/nope/versions/1.0", status=404)


def test_diff_endpoint(
    client: Client, minimal_version: FrameworkVersion, write_pack: Callable[..., Path]
) -> None:
    framework_load_file(
        path=write_pack(lambda d: d["framework"].update(version="1.1", title="Renamed"))
    )
    body = _json(client, "/api/v1/framework/frameworks/test-framework/diff?from=1.0&to=1.1")
    assert body == [
        {
            "collection": "framework",
            "key": "test-framework",
            "change": "changed",
            "fields": [{"field": "title", "old": "Test Prevention Framework", "new": "Renamed"}],
        }
    ]


def test_openapi_schema_and_docs_are_served(client: Client) -> None:
    schema = _json(client, "/api/v1/openapi.json")
    assert schema["info"]["title"] == "Upstream API"
    assert (
        "/api/v1/framework/frameworks/{framework}/versions/{version}/activities" in schema["paths"]
    )
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content


def test_pack_endpoint_returns_the_loaded_document(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    assert _json(client, f"{V}/pack") == minimal_version.document
