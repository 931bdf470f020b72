"""Deny by default: every route states its access rule, and unmarked views are refused."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import OWNER_CANARY, OWNER_EMAIL_DOMAIN, sign_in_as
from upstream.core.access import PUBLIC, RULE_PREFIX, AccessMiddleware, access_rule


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


# The security walk: every page route and every API operation, found automatically, is tried as
# an anonymous visitor, as a member of another organization and as each role below the one its
# rule requires. A new route is covered without editing these tests.

_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _fill(route: str, values: dict[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        name, conv = match.group("name"), match.group("conv") or "str"
        if name in values:
            return values[name]
        return str(uuid.uuid4()) if conv == "uuid" else "x"

    return "/" + _PARAM.sub(sub, route)


def _page_routes() -> list[tuple[str, str, Any]]:
    """(route pattern, access rule, view) for every non-API route."""
    return [
        (route, access_rule(view) or "", view)
        for route, view in _walk(get_resolver().url_patterns)
        if not route.startswith("api/v1/")
    ]


@pytest.fixture
def owner_values(owner_org: Any, members_by_role: dict[str, Any]) -> dict[str, str]:
    from upstream.accounts import services

    admin = members_by_role["admin"]
    invitation, _ = services.invitation_create(
        actor=admin, email="invitee@example.org", role="viewer"
    )
    key, _ = services.apikey_create(actor=admin, name="walk", scope="read")
    coalition = services.coalition_create(actor=admin, name="Walk Coalition", state_fips="39")
    return {
        **_background_values(members_by_role),
        "org": str(owner_org.uuid),
        "member": str(members_by_role["viewer"].uuid),
        "invitation": str(invitation.uuid),
        "key": str(key.uuid),
        "coalition": str(coalition.uuid),
    }


def _canaries(members_by_role: dict[str, Any]) -> list[str]:
    return [OWNER_CANARY, OWNER_EMAIL_DOMAIN]


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_from_every_non_public_page(
    client: Any, owner_values: dict[str, str]
) -> None:
    checked = 0
    for route, rule, _ in _page_routes():
        if rule == PUBLIC:
            continue
        url = _fill(route, owner_values)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith("/account/sign-in/"), (method, url)
            checked += 1
    assert checked >= 30


@pytest.mark.django_db
def test_outsider_gets_404_and_no_owner_data_from_every_page(
    client: Any, owner_values: dict[str, str], outsider: Any, members_by_role: dict[str, Any]
) -> None:
    for route, rule, _ in _page_routes():
        url = _fill(route, owner_values)
        for method in ("get", "post"):
            sign_in_as(client, outsider.user, sudo=True)  # the sign-out route ends the session
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace")
            for canary in _canaries(members_by_role):
                assert canary not in body, (method, url)
            if rule.startswith(RULE_PREFIX):
                assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.django_db
def test_every_role_below_a_routes_rule_is_refused(
    client: Any, owner_values: dict[str, str], members_by_role: dict[str, Any]
) -> None:
    from upstream.accounts.policy import PERMISSIONS, Role

    refused = 0
    for route, rule, _ in _page_routes():
        if not rule.startswith(RULE_PREFIX):
            continue
        action = rule[len(RULE_PREFIX) :]
        url = _fill(route, owner_values)
        for role in Role:
            if role in PERMISSIONS[action]:
                continue
            sign_in_as(client, members_by_role[role.value].user, sudo=True)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 403, (role, method, url, response.status_code)
                refused += 1
    assert refused >= 40


def _background_values(members_by_role: dict[str, Any]) -> dict[str, str]:
    """A periodic job's name and a background task run started by the owner's administrator."""
    from upstream.tasks.models import TaskRun

    run = TaskRun.objects.create(
        task_path="walk", label="Walk", started_by=members_by_role["admin"].user
    )
    return {"name": "invitations.expire", "run": str(run.uuid)}


@pytest.mark.django_db
def test_every_member_who_is_not_an_instance_operator_is_refused_operator_pages(
    client: Any, owner_values: dict[str, str], members_by_role: dict[str, Any]
) -> None:
    from upstream.core.access import OPERATOR

    refused = 0
    for route, rule, _ in _page_routes():
        if rule != OPERATOR:
            continue
        url = _fill(route, owner_values)
        for member in members_by_role.values():
            sign_in_as(client, member.user, sudo=True)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 403, (method, url, response.status_code)
                refused += 1
    assert refused >= 2 * len(members_by_role)


def _api_operations() -> list[tuple[str, str, bool]]:
    """(path, method, public) for every operation in the OpenAPI document."""
    from upstream.api import api

    schema = api.get_openapi_schema()
    return [
        (path, method, not operation.get("security"))
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


PUBLIC_API_PREFIXES = ("/api/v1/framework/", "/api/v1/community/")


def test_only_public_reference_data_is_public_in_the_api() -> None:
    """The framework knowledge base and the public community data (no tenant data) are open."""
    public_paths = sorted({path for path, _, public in _api_operations() if public})
    assert public_paths
    assert all(path.startswith(PUBLIC_API_PREFIXES) for path in public_paths), public_paths
    public_methods = {method for _, method, public in _api_operations() if public}
    assert public_methods == {"get"}


def _api_url(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), str(uuid.uuid4())), path)


@pytest.mark.django_db
def test_anonymous_caller_gets_401_from_every_non_public_api_operation(
    client: Any, owner_values: dict[str, str]
) -> None:
    operations = [(p, m) for p, m, public in _api_operations() if not public]
    assert operations
    for path, method in operations:
        response = getattr(client, method)(
            _api_url(path, owner_values), content_type="application/json"
        )
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.django_db
def test_outsider_gets_no_owner_data_from_any_api_operation(
    client: Any, owner_values: dict[str, str], outsider: Any, members_by_role: dict[str, Any]
) -> None:
    sign_in_as(client, outsider.user)
    client_csrf = client  # session auth needs the CSRF token on unsafe methods; GETs suffice here
    for path, method, public in _api_operations():
        if public or method != "get":
            continue
        response = client_csrf.get(_api_url(path, owner_values))
        body = response.content.decode()
        for canary in _canaries(members_by_role):
            assert canary not in body, path
        if "{org}" in path:
            assert response.status_code == 404, (path, response.status_code)


def test_every_authenticated_api_operation_names_its_policy_action() -> None:
    from upstream.accounts.policy import PERMISSIONS
    from upstream.api import api

    schema = api.get_openapi_schema()
    missing = [
        (method, path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if operation.get("security") and operation.get("x-upstream-action") not in PERMISSIONS
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_role_below_an_api_rule_is_refused(
    client: Any, owner_values: dict[str, str], members_by_role: dict[str, Any]
) -> None:
    from upstream.accounts.policy import PERMISSIONS, Role
    from upstream.api import api

    refused = 0
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            action = operation.get("x-upstream-action")
            if not operation.get("security") or "{org}" not in path:
                continue
            for role in Role:
                if role in PERMISSIONS[action]:
                    continue
                sign_in_as(client, members_by_role[role.value].user)
                response = getattr(client, method)(
                    _api_url(path, owner_values), {}, content_type="application/json"
                )
                assert response.status_code == 403, (role, method, path, response.status_code)
                assert response.json()["error"]["code"] == "forbidden"
                refused += 1
    assert refused >= 10


@pytest.mark.django_db
def test_api_docs_health_and_framework_api_stay_public(client: Any) -> None:
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/framework/frameworks").status_code == 200
