"""Deny by default: every route states its access rule, and unmarked views are refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from upstream.core.access import AccessMiddleware, access_rule


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_page_route_has_an_access_rule() -> None:
    unmarked = [
        route
        for route, view in _walk(get_resolver().url_patterns)
        if not route.startswith("api/v1/") and access_rule(view) is None
    ]
    assert unmarked == []


def test_routes_are_found_by_the_walk() -> None:
    routes = [route for route, _ in _walk(get_resolver().url_patterns)]
    assert len(routes) > 15
    assert any(route.startswith("api/v1/") for route in routes)


def test_a_view_without_a_rule_is_refused() -> None:
    def unmarked(request: HttpRequest) -> HttpResponse:
        return HttpResponse("secret")

    middleware = AccessMiddleware(lambda request: HttpResponse())
    response = middleware.process_view(RequestFactory().get("/"), unmarked, (), {})
    assert response is not None
    assert response.status_code == 403


@pytest.mark.django_db
def test_health_check_answers_without_revealing_anything(client: Any) -> None:
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
