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

from tests.conftest import OWNER_CANARY, OWNER_EMAIL_DOMAIN, make_member, sign_in_as
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


def _route_values(route: str, values: dict[str, str]) -> dict[str, str]:
    """The owner's real object for each parameter of ``route``; names that mean different objects
    on different routes are resolved by the route."""
    values = dict(values)
    if "coalition-invitations/" in route:
        values["invitation"] = values["coalition_invitation"]
    if "principles/{key}" in route:
        values["key"] = values["principle"]
    if "strategies/{key}" in route:
        values["key"] = values["strategy"]
    return values


def _fill(route: str, values: dict[str, str]) -> str:
    values = _route_values(route, values)

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
    """Real objects of the owner organization, one for every kind of uuid a route takes: the
    walks below reach them, so a route that forgot to scope its lookup would be caught."""
    import datetime as dt

    from tests.framework.conftest import MINIMAL
    from upstream.accounts import services
    from upstream.framework.services import framework_load_file
    from upstream.planning import services as plans

    admin = members_by_role["admin"]
    invitation, _ = services.invitation_create(
        actor=admin, email="invitee@example.org", role="viewer"
    )
    key, _ = services.apikey_create(actor=admin, name="walk", scope="read")
    coalition = services.coalition_create(actor=admin, name="Walk Coalition", state_fips="39")
    other_lead = services.organization_create(
        actor=None, name="Inviting Lead", sectors=["housing"], state_fips="39"
    )
    other_admin = make_member(other_lead, "admin")
    other_coalition = services.coalition_create(
        actor=other_admin, name="Other Coalition", state_fips="39"
    )
    coalition_invitation = services.coalition_invite(
        actor=other_admin, coalition=other_coalition, organization=owner_org
    )
    version = framework_load_file(path=MINIMAL).version
    strategy = version.strategies.get(key="teach-skills")
    plan = plans.plan_create(
        actor=admin,
        title=f"{OWNER_CANARY} plan",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        state_fips="39",
        framework_version=version,
        coalition=coalition,
        strategies=[strategy],
    )
    framework_activity = version.activities.get(key="school-lessons")
    activity = plans.plan_activity_add(
        actor=admin,
        plan=plan,
        strategy=strategy,
        framework_activity=framework_activity,
        name=framework_activity.name,
        level=framework_activity.level,
        tier=framework_activity.tier,
        lead_organization=owner_org,
    )
    outcome = plans.plan_outcome_add(
        actor=admin,
        plan=plan,
        name=f"{OWNER_CANARY} outcome",
        horizon="short",
        activities=[activity],
    )
    indicator = plans.indicator_add(
        actor=admin, plan=plan, outcome=outcome, name=f"{OWNER_CANARY} indicator"
    )
    principle = version.principles.get(key="equity")
    plans.principle_rate(actor=admin, plan=plan, principle=principle, rating="emerging")
    person, consent = _people_values(members_by_role)
    return {
        "person": str(person.uuid),
        "consent": str(consent.uuid),
        **_background_values(members_by_role),
        "org": str(owner_org.uuid),
        "member": str(members_by_role["viewer"].uuid),
        "invitation": str(invitation.uuid),
        "coalition_invitation": str(coalition_invitation.uuid),
        "key": str(key.uuid),
        "coalition": str(coalition.uuid),
        "plan": str(plan.uuid),
        "against": str(plan.uuid),
        "activity": str(activity.uuid),
        "outcome": str(outcome.uuid),
        "indicator": str(indicator.uuid),
        "principle": principle.key,
        "strategy": strategy.key,
    }


def _params(route: str) -> set[str]:
    return {m.group("name") for m in _PARAM.finditer(route)} | set(re.findall(r"\{(\w+)\}", route))


def test_every_object_a_guarded_route_takes_is_a_real_one_in_the_walk(
    owner_values: dict[str, str],
) -> None:
    """Each uuid of a non-public page or API route is filled with a real object of the owner
    organization, never a random one: a new kind of object must be added to ``owner_values``."""
    missing = []
    for route, rule, _ in _page_routes():
        if rule == PUBLIC:
            continue
        values = _route_values(route, owner_values)
        missing += [(route, p) for p in _params(route) if p not in values]
    for path, _method, public in _api_operations():
        if public:
            continue
        values = _route_values(path, owner_values)
        missing += [(path, p) for p in _params(path) if p not in values]
    assert missing == []


def _canaries(members_by_role: dict[str, Any]) -> list[str]:
    return [OWNER_CANARY, OWNER_EMAIL_DOMAIN, PERSON_CANARY]


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


PERSON_CANARY = "Walk Person Canary 3c9d"


def _people_values(members_by_role: dict[str, Any]) -> tuple[Any, Any]:
    """A person of the owner organization, with a name and a consent."""
    from upstream.people import services as people

    people.people_settings_update(actor=members_by_role["admin"], recorded_fields=["display_name"])
    screener = members_by_role["screener"]
    person = people.person_create(actor=screener, display_name=PERSON_CANARY)
    consent = people.consent_record(
        actor=screener, person=person, scope="screening", method="verbal"
    )
    return person, consent


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
    values = _route_values(path, values)
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


def _object_routes() -> list[tuple[str, str]]:
    """(route, rule) of every organization page that also names an object of the organization."""
    return [
        (route, rule)
        for route, rule, _ in _page_routes()
        if rule.startswith(RULE_PREFIX) and _params(route) - {"org"}
    ]


@pytest.mark.django_db
def test_second_organization_with_its_own_uuid_reaches_no_owner_object_from_any_page(
    client: Any, owner_values: dict[str, str], outsider: Any, members_by_role: dict[str, Any]
) -> None:
    """A member of another organization puts its own organization in the URL (where its role
    passes every rule) and the owner's object uuids: every page answers 404 (405 for a GET of a
    POST-only address) and shows nothing of the owner's."""
    from upstream.accounts.policy import PERMISSIONS, Role

    mine = {**owner_values, "org": str(outsider.organization.uuid)}
    routes = _object_routes()
    assert len(routes) >= 25
    # the outsider's admin, or a member of the outsider organization whose role the rule needs
    by_role: dict[str, Any] = {Role.ADMIN.value: outsider}
    for route, rule in routes:
        url = _fill(route, mine)
        allowed = PERMISSIONS.get(rule[len(RULE_PREFIX) :], frozenset({Role.ADMIN}))
        role = Role.ADMIN if Role.ADMIN in allowed else sorted(allowed)[0]
        if role.value not in by_role:
            by_role[role.value] = make_member(outsider.organization, role.value)
        for method in ("get", "post"):
            sign_in_as(client, by_role[role.value].user, sudo=True)
            response = getattr(client, method)(url)
            expected = (404, 405) if method == "get" else (404,)
            assert response.status_code in expected, (method, url, response.status_code)
            body = response.content.decode(errors="replace")
            for canary in _canaries(members_by_role):
                assert canary not in body, (method, url)


def _components() -> dict[str, Any]:
    from upstream.api import api

    return dict(api.get_openapi_schema()["components"]["schemas"])


def _example(schema: dict[str, Any], components: dict[str, Any], values: dict[str, str]) -> Any:
    """The smallest value that passes ``schema``'s validation, so the request reaches its route."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components, values)
    if "anyOf" in schema:
        return _example(schema["anyOf"][0], components, values)
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {
            name: _example(props[name], components, values) for name in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return False
    if "enum" in schema:
        return schema["enum"][0]
    formats = {"date": "2026-01-01", "uuid": values["plan"], "date-time": "2026-01-01T00:00:00Z"}
    return formats.get(schema.get("format", ""), "x")


@pytest.mark.django_db
def test_second_organization_with_its_own_uuid_reaches_no_owner_object_in_the_api(
    owner_values: dict[str, str], outsider: Any, members_by_role: dict[str, Any]
) -> None:
    """The same through the API, with a valid body for each operation (so that the route itself
    runs, not only the input validation) and the CSRF token a browser would send."""
    from django.conf import settings
    from django.test import Client

    from upstream.accounts.policy import PERMISSIONS, Role
    from upstream.api import api

    sessions: dict[Role, tuple[Any, dict[str, str]]] = {}

    def session_for(action: str) -> tuple[Any, dict[str, str]]:
        """A signed-in client of the outsider organization whose role passes ``action``."""
        allowed = PERMISSIONS[action]
        role = Role.ADMIN if Role.ADMIN in allowed else sorted(allowed)[0]
        if role not in sessions:
            user = outsider if role == Role.ADMIN else make_member(outsider.organization, role)
            client = Client(enforce_csrf_checks=True)
            sign_in_as(client, user.user)
            client.get("/orgs/", follow=True)
            sessions[role] = (
                client,
                {"X-CSRFToken": client.cookies[settings.CSRF_COOKIE_NAME].value},
            )
        return sessions[role]

    mine = {**owner_values, "org": str(outsider.organization.uuid)}
    components = _components()
    checked = 0
    for path, methods in api.get_openapi_schema()["paths"].items():
        if "{org}" not in path or not set(re.findall(r"\{(\w+)\}", path)) - {"org"}:
            continue
        for method, operation in methods.items():
            client, headers = session_for(operation["x-upstream-action"])
            query = {
                p["name"]: mine[p["name"]]
                for p in operation.get("parameters", [])
                if p["in"] == "query" and p.get("required")
            }
            url = _api_url(path, mine) + ("?" + "&".join(f"{k}={v}" for k, v in query.items()))
            content = operation.get("requestBody", {}).get("content", {})
            body = (
                _example(content["application/json"]["schema"], components, mine)
                if "application/json" in content
                else {}
            )
            response = getattr(client, method)(
                url, body, content_type="application/json", headers=headers
            )
            assert response.status_code == 404, (method, path, response.status_code)
            assert response.json()["error"]["code"] == "not_found"
            for canary in _canaries(members_by_role):
                assert canary not in response.content.decode(), (method, path)
            checked += 1
    assert checked >= 15
