"""Strategy pages are cached fragments keyed by the framework version's content and the language:
another version, another language or a signed-in visitor never gets someone else's copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.conftest import make_member, sign_in_as
from upstream.framework.models import FrameworkVersion
from upstream.framework.services import framework_load_file

pytestmark = pytest.mark.django_db
PAGE = "/frameworks/test-framework/{}/strategies/teach-skills/"


def _get(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(ctx.captured_queries)


def test_a_cached_strategy_page_is_the_same_page_in_fewer_queries(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    cold, cold_queries = _get(client, PAGE.format("1.0"))
    warm, warm_queries = _get(client, PAGE.format("1.0"))
    assert warm_queries < cold_queries
    assert warm_queries <= 1  # the version; the strategy and its lists come from the cache
    strip = ("csrf", "CSRF", "nonce")
    assert [line for line in warm.splitlines() if not any(s in line for s in strip)] == [
        line for line in cold.splitlines() if not any(s in line for s in strip)
    ]
    assert "<title>Teach skills · Upstream</title>" in warm


def test_another_version_with_other_content_gets_its_own_page(
    client: Client, minimal_version: FrameworkVersion, write_pack: Callable[..., Path]
) -> None:
    _get(client, PAGE.format("1.0"))

    def rename(data: dict[str, Any]) -> None:
        data["framework"]["version"] = "2.0"
        for strategy in data["strategies"]:
            if strategy["key"] == "teach-skills":
                strategy["name"] = "Teach life skills"

    framework_load_file(path=write_pack(rename))
    html, _ = _get(client, PAGE.format("2.0"))
    assert "Teach life skills" in html
    assert "Teach life skills" not in _get(client, PAGE.format("1.0"))[0]


def test_spanish_is_rendered_for_itself(client: Client, minimal_version: FrameworkVersion) -> None:
    _get(client, PAGE.format("1.0"))
    _, english_warm = _get(client, PAGE.format("1.0"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    with translation.override("es"):
        _, spanish_first = _get(client, PAGE.format("1.0"))
    assert spanish_first > english_warm


def test_a_signed_in_visitor_gets_their_own_header_and_token(
    client: Client, minimal_version: FrameworkVersion, owner_org: Any
) -> None:
    anonymous, _ = _get(client, PAGE.format("1.0"))
    assert "Sign in" in anonymous
    member = make_member(owner_org, "viewer")
    other = Client()
    sign_in_as(other, member.user)
    page, _ = _get(other, PAGE.format("1.0"))
    assert "Sign out" in page and owner_org.name in page
    assert "Teach skills" in page


def test_an_unknown_strategy_is_404_even_when_others_are_cached(
    client: Client, minimal_version: FrameworkVersion
) -> None:
    _get(client, PAGE.format("1.0"))
    assert client.get("/frameworks/test-framework/1.0/strategies/nope/").status_code == 404
    cache.clear()
    assert client.get("/frameworks/test-framework/1.0/strategies/nope/").status_code == 404
