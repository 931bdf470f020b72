"""Browse pages show the pack's content, honestly tagged, in a bounded number of queries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from upstream.framework.models import FrameworkVersion
from upstream.framework.services import framework_load_file

pytestmark = pytest.mark.django_db
BASE = "/frameworks/test-framework/1.0"


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_without_a_framework_says_how_to_load_one(client: Client) -> None:
    assert "upstream framework load hhs-2024" in _get(client, "/")


def test_landing_explains_the_framework_aims_principles_and_strategies(
    client: Client, minimal_version: FrameworkVersion, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        html = _get(client, f"{BASE}/")
    for text in (
        "Test Prevention Framework",
        "Prevent before it starts",
        "Equity",
        "Teach skills",
        "Create safe places",
        "Individual",
        "Primary prevention",
    ):
        assert text in html
    assert "Draft content." in html


def test_home_shows_the_default_framework_or_the_latest_loaded(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    assert "Test Prevention Framework" in _get(client, "/")


def test_reconstructed_content_is_tagged_on_the_page(
    client: Client, write_pack: Callable[..., Path]
) -> None:
    framework_load_file(path=write_pack(lambda d: d["framework"].update(status="reconstructed")))
    html = _get(client, f"{BASE}/strategies/teach-skills/")
    assert "Reconstructed from public sources; verify against the official framework" in html
    assert "upstream-tag--reconstructed" in html


def test_strategy_page_lists_its_activities_outcomes_and_factors(
    client: Client, minimal_version: FrameworkVersion, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        html = _get(client, f"{BASE}/strategies/teach-skills/")
    for text in (
        "School lessons on grooming tactics",
        "More knowledge of recruitment tactics",
        "Social isolation",
        "Education",
        "Short term",
    ):
        assert text in html
    assert "Safe housing" not in html


def test_activity_page_shows_level_tier_populations_and_strategy(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    html = _get(client, f"{BASE}/activities/school-lessons/")
    for text in ("Individual", "Primary prevention", "Youth", "Teach skills"):
        assert text in html


@pytest.mark.parametrize(
    ("path", "texts"),
    [
        ("principles/equity/", ["Equity", "Data is broken down by group."]),
        (
            "levels/community/",
            ["Community", "Create safe places", "Safe housing", "Connection to a caring adult"],
        ),
        ("tiers/tertiary/", ["Tertiary prevention", "Safe housing"]),
        ("strategies/", ["Teach skills", "Create safe places"]),
        ("factors/", ["Social isolation", "Connection to a caring adult"]),
        ("glossary/", ["Coercion", "Human trafficking", 'href="#trafficking"']),
        ("matrix/", ["Strategy × social-ecological level", "School lessons on grooming tactics"]),
    ],
)
def test_each_page_shows_its_items(
    client: Client,
    minimal_version: FrameworkVersion,
    django_assert_max_num_queries: Any,
    path: str,
    texts: list[str],
) -> None:
    with django_assert_max_num_queries(12):
        html = _get(client, f"{BASE}/{path}")
    for text in texts:
        assert text in html, text


def test_matrix_marks_which_levels_each_strategy_works_at(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    html = _get(client, f"{BASE}/matrix/")
    assert html.count("Works at this level.") == 2
    assert html.count("Not at this level.") == 2


def test_search_page_shows_highlighted_results(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    html = _get(client, f"{BASE}/search/?q=grooming")
    assert "1 result for" in html
    assert "<mark>" in html
    assert f"{BASE}/activities/school-lessons/" in html


def test_search_page_escapes_the_query(client: Client, minimal_version: FrameworkVersion) -> None:
    html = _get(client, f"{BASE}/search/?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_latest_redirects_to_the_newest_version(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    response = client.get("/frameworks/test-framework/")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/"
    assert "Test Prevention Framework" in _get(client, "/frameworks/test-framework/latest/")


def test_unknown_framework_version_or_item_is_404(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    for url in (
        "/frameworks/nope/1.0/",
        f"{BASE.replace('1.0', '9.9')}/",
        f"{BASE}/strategies/nope/",
        f"{BASE}/activities/nope/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode()


def test_changes_page_compares_two_versions(
    client: Client, minimal_version: FrameworkVersion, write_pack: Callable[..., Path]
) -> None:
    def edit(data: dict) -> None:
        data["framework"]["version"] = "1.1"
        data["activities"].pop()

    framework_load_file(path=write_pack(edit))
    html = _get(client, "/frameworks/test-framework/changes/?from=1.0&to=1.1")
    assert "1 change from 1.0 to 1.1" in html
    assert "activities/safe-housing" in html


PAGES = [
    "",
    "strategies/",
    "strategies/teach-skills/",
    "activities/school-lessons/",
    "levels/individual/",
    "tiers/primary/",
    "principles/equity/",
    "factors/",
    "matrix/",
    "glossary/",
    "search/?q=lessons",
]


def _bigger(data: dict) -> None:
    """The minimal pack with ten times the activities, outcomes and factors."""
    data["framework"]["slug"] = "big-framework"
    for n in range(10):
        for kind in ("activities", "outcomes", "factors"):
            for item in list(data[kind][:2]):
                data[kind].append({**item, "key": f"{item['key']}-{n}"})


def _query_counts(client: Client, base: str) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            _get(client, f"{base}/{page}")
        counts[page] = len(ctx.captured_queries)
    return counts


def test_page_query_counts_do_not_grow_with_the_number_of_items(
    client: Client, minimal_version: FrameworkVersion, write_pack: Callable[..., Path]
) -> None:
    framework_load_file(path=write_pack(_bigger))
    small = _query_counts(client, BASE)
    big = _query_counts(client, "/frameworks/big-framework/1.0")
    assert small == big


def test_a_version_downloads_as_a_pack_that_loads_again(
    client: Client, minimal_version: FrameworkVersion, tmp_path: Path
) -> None:
    import yaml

    from upstream.framework.pack import load_valid

    response = client.get(f"{BASE}/pack.yaml")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="test-framework-1.0.yaml"'
    target = tmp_path / "downloaded.yaml"
    target.write_bytes(response.content)
    assert load_valid(target).data == minimal_version.document
    as_json = client.get(f"{BASE}/pack.json")
    assert as_json["Content-Type"] == "application/json"
    assert yaml.safe_load(as_json.content) == minimal_version.document
    assert client.get(f"{BASE}/pack.xml").status_code == 404
