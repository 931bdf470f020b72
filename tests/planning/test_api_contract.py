"""The API contract (decision 0011): one JSON error shape for every refusal and error, bounded
integers, JSON bodies only, and an OpenAPI document that says what each route answers.

The walking tests take every operation from the OpenAPI document and fill its path with real
objects (a plan with an activity, an outcome and an indicator), calling with a read-write key.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.accounts import services as account_services
from upstream.audit.models import AuditEvent
from upstream.core.api import API_MAX_BODY_BYTES
from upstream.planning import services
from upstream.planning.models import Indicator, Plan, PlanActivity, PlanOutcome, PrincipleRating

pytestmark = pytest.mark.django_db

BODY_METHODS = {"post", "put", "patch"}


def _schema() -> dict[str, Any]:
    from upstream.api import api

    return api.get_openapi_schema()


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in _schema()["paths"].items()
        for method, operation in methods.items()
    ]


@pytest.fixture
def world(coordinator: Any, plan: Any, member: Any) -> dict[str, Any]:
    """Real objects for every path parameter, and a read-write key of the plan's organization."""
    activity = add_from_framework(coordinator, plan, "online-safety-skills")
    outcome = services.plan_outcome_add(
        actor=coordinator, plan=plan, name="More help", horizon="short", activities=[activity]
    )
    indicator = services.indicator_add(
        actor=coordinator, plan=plan, outcome=outcome, name="Calls", unit="calls"
    )
    _, secret = account_services.apikey_create(actor=member, name="walk", scope="write")
    principle = plan.framework_version.principles.order_by("position").first()
    return {
        "secret": secret,
        "values": {
            "org": str(coordinator.organization.uuid),
            "plan": str(plan.uuid),
            "activity": str(activity.uuid),
            "outcome": str(outcome.uuid),
            "indicator": str(indicator.uuid),
            "framework": "hhs-2024",
            "version": "latest",
            "fips": "39049",
        },
        "keys": {"/principles/": principle.key, "/strategies/": "build-individual-skills"},
    }


def _url(path: str, world: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "key":
            prefix = path[: match.start()]
            return next(
                (v for part, v in world["keys"].items() if prefix.endswith(part)), "unknown"
            )
        return str(world["values"].get(name, "unknown"))

    return re.sub(r"\{(\w+)\}", fill, path)


def _key(world: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {world['secret']}"}


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Plan, PlanActivity, PlanOutcome, Indicator, PrincipleRating, AuditEvent)
    )


def _assert_error_shape(response: Any, context: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), context
    body = response.json()
    assert set(body) == {"error"}, (context, body)
    assert set(body["error"]) == {"code", "message", "fields"}, (context, body)
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], context
    return dict(body["error"])


# --- errors that happen before any route runs ---------------------------------------------------


def test_an_unknown_api_path_answers_json_404() -> None:
    response = Client().get("/api/v1/no-such-thing/here")
    assert response.status_code == 404
    assert _assert_error_shape(response, "404")["code"] == "not_found"


def test_a_wrong_method_answers_json_405_with_allow() -> None:
    response = Client().delete("/api/v1/framework/frameworks")
    assert response.status_code == 405
    assert _assert_error_shape(response, "405")["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_an_unhandled_error_answers_json_500_without_details(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import upstream.planning.api.plans as planning_api

    def broken(plan: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(planning_api, "plan_document", broken)
    client = Client(raise_request_exception=False)
    response = client.get(_url("/api/v1/plans/{org}/{plan}", world), headers=_key(world))
    assert response.status_code == 500
    assert _assert_error_shape(response, "500")["code"] == "server_error"
    assert b"secret internal detail" not in response.content


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=BoUnDaRy",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
    ],
)
def test_a_json_route_refuses_other_content_types_with_415(
    world: dict[str, Any], content_type: str, coordinator: Any
) -> None:
    body = json.dumps({"title": "Typed plan", "framework_version": "2024"})
    callers = ((Client(enforce_csrf_checks=True), _key(world)), (_signed_in(coordinator), {}))
    before = _counts()
    for client, headers in callers:
        response = client.generic(
            "POST",
            _url("/api/v1/plans/{org}", world),
            body,
            content_type=content_type,
            headers=headers,
        )
        assert response.status_code == 415, (content_type, response.content)
        assert _assert_error_shape(response, content_type)["code"] == "unsupported_media_type"
    assert _counts() == before


def _signed_in(membership: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, membership.user)
    return client


def test_json_with_a_charset_is_json(world: dict[str, Any]) -> None:
    response = Client(enforce_csrf_checks=True).generic(
        "PATCH",
        _url("/api/v1/plans/{org}/{plan}", world),
        json.dumps({"revision": 0, "title": "x"}),
        content_type="application/json; charset=utf-8",
        headers=_key(world),
    )
    assert response.status_code == 409  # read as JSON: the revision is stale


def test_an_oversized_body_answers_413_and_changes_nothing(world: dict[str, Any]) -> None:
    before = _counts()
    body = json.dumps({"revision": 1, "title": "x" * API_MAX_BODY_BYTES})
    response = Client(enforce_csrf_checks=True).generic(
        "PATCH",
        _url("/api/v1/plans/{org}/{plan}", world),
        body,
        content_type="application/json",
        headers=_key(world),
    )
    assert response.status_code == 413
    assert _assert_error_shape(response, "413")["code"] == "too_large"
    assert _counts() == before


def test_malformed_json_answers_400_in_the_error_shape(world: dict[str, Any]) -> None:
    response = Client(enforce_csrf_checks=True).generic(
        "POST",
        _url("/api/v1/plans/{org}", world),
        '{"title": ',
        content_type="application/json",
        headers=_key(world),
    )
    assert response.status_code == 400
    assert _assert_error_shape(response, "400")["code"] == "bad_request"


# --- bounded integers and required fields ------------------------------------------------------


@pytest.mark.parametrize("value", ["10000000000000000000", "-1", "1000000001"])
def test_an_out_of_range_offset_answers_422(value: str) -> None:
    response = Client().get(f"/api/v1/community/observations?indicator=x&offset={value}")
    assert response.status_code == 422
    assert "offset" in _assert_error_shape(response, value)["fields"]


def test_an_out_of_range_year_and_limit_answer_422() -> None:
    for query in ("indicator=x&year=10000000000000000000", "indicator=x&limit=100000"):
        response = Client().get(f"/api/v1/community/observations?{query}")
        assert response.status_code == 422, query


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/plans/{org}/{plan}", "title"),
        ("/api/v1/plans/{org}/{plan}", "populations"),
        ("/api/v1/plans/{org}/{plan}", "period_start"),
        ("/api/v1/plans/{org}/{plan}", "state_fips"),
        ("/api/v1/plans/{org}/{plan}/activities/{activity}", "name"),
        ("/api/v1/plans/{org}/{plan}/activities/{activity}", "level"),
        ("/api/v1/plans/{org}/{plan}/outcomes/{outcome}", "name"),
        ("/api/v1/plans/{org}/{plan}/outcomes/{outcome}", "horizon"),
        ("/api/v1/plans/{org}/{plan}/indicators/{indicator}", "name"),
    ],
)
def test_null_for_a_required_field_answers_422_and_changes_nothing(
    world: dict[str, Any], path: str, field: str
) -> None:
    before = _counts()
    response = Client(enforce_csrf_checks=True).patch(
        _url(path, world),
        {"revision": 1, field: None},
        content_type="application/json",
        headers=_key(world),
    )
    assert response.status_code == 422, response.content
    assert field in _assert_error_shape(response, field)["fields"]
    assert _counts() == before


def test_null_clears_a_field_that_may_be_empty(world: dict[str, Any]) -> None:
    url = _url("/api/v1/plans/{org}/{plan}/activities/{activity}", world)
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        url, {"revision": 1, "budget": None}, content_type="application/json", headers=_key(world)
    )
    assert response.status_code == 200, response.content
    assert response.json()["budget"] is None


# --- walking every route ------------------------------------------------------------------------


def _body_schema(operation: dict[str, Any]) -> dict[str, Any]:
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return dict(_schema()["components"]["schemas"][ref.rsplit("/", 1)[-1]])


def _is_integer(prop: dict[str, Any]) -> bool:
    options = prop.get("anyOf", [prop])
    return any(option.get("type") == "integer" for option in options)


def test_every_route_answers_wrong_content_types_and_oversized_bodies_with_4xx_json(
    world: dict[str, Any],
) -> None:
    client = Client(enforce_csrf_checks=True)
    before = _counts()
    tried = 0
    for path, method, _operation in _operations():
        url = _url(path, world)
        for content_type, body, status in (
            ("text/plain", '{"revision": 1}', 415),
            ("multipart/form-data; boundary=B", "--B\r\n\r\nx\r\n--B--\r\n", 415),
            ("", '{"revision": 1}', 415),
            ("application/json", json.dumps({"x": "y" * API_MAX_BODY_BYTES}), 413),
        ):
            response = client.generic(
                method.upper(), url, body, content_type=content_type, headers=_key(world)
            )
            assert response.status_code == status, (method, path, content_type)
            _assert_error_shape(response, (method, path, content_type))
            tried += 1
    assert tried >= 100
    assert _counts() == before


def test_every_integer_parameter_and_field_refuses_out_of_range_values(
    world: dict[str, Any],
) -> None:
    client = Client(enforce_csrf_checks=True)
    before = _counts()
    tried = 0
    from upstream.accounts.policy import API_WRITE_ACTIONS

    for path, method, operation in _operations():
        action = operation.get("x-upstream-action")
        if operation.get("security") and action not in API_WRITE_ACTIONS:
            continue  # personal records: people signed in only, a key is refused first
        url = _url(path, world)
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or not _is_integer(parameter["schema"]):
                continue
            for value in ("10000000000000000000", "-10000000000000000000"):
                query = {parameter["name"]: value}
                if parameter["name"] != "indicator":
                    query.setdefault("indicator", "x")
                response = client.generic(
                    method.upper(),
                    f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}",
                    headers=_key(world),
                )
                assert response.status_code == 422, (method, path, parameter["name"])
                assert parameter["name"] in _assert_error_shape(response, path)["fields"]
                tried += 1
        if method not in BODY_METHODS or "requestBody" not in operation:
            continue
        for name, prop in _body_schema(operation).get("properties", {}).items():
            if not _is_integer(prop):
                continue
            for value in (10**20, -(10**20)):
                response = client.generic(
                    method.upper(),
                    url,
                    json.dumps({name: value}),
                    content_type="application/json",
                    headers=_key(world),
                )
                assert response.status_code == 422, (method, path, name)
                assert name in _assert_error_shape(response, (method, path, name))["fields"]
                tried += 1
    assert tried >= 10
    assert _counts() == before


# Values no field of any write accepts: too large a number, NUL characters, text past every
# length limit, an object, a list holding null.
_HOSTILE_VALUES: list[Any] = [10**30, "\x00\x01", "x" * 25000, {"nested": [1]}, [None]]


def test_invalid_input_to_every_write_route_answers_4xx_in_the_error_shape(
    world: dict[str, Any],
) -> None:
    """Whole bodies of the wrong kind, and each field of each write set to hostile values: every
    answer is a refusal in the error shape, never a server error, and nothing is written."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    before = _counts()
    tried = 0
    for path, method, operation in _operations():
        if method not in BODY_METHODS or "requestBody" not in operation:
            continue
        url = _url(path, world)
        schema = _body_schema(operation)
        bodies: list[Any] = [[], "text", None, 12]
        if schema.get("required"):
            bodies.append({})
        if "revision" in schema.get("properties", {}):
            bodies.append({"revision": "one"})
        for name in schema.get("properties", {}):
            bodies += [{"revision": 1, name: value} for value in _HOSTILE_VALUES]
        for body in bodies:
            response = client.generic(
                method.upper(),
                url,
                json.dumps(body),
                content_type="application/json",
                headers=_key(world),
            )
            assert 400 <= response.status_code < 500, (method, path, body, response.content)
            _assert_error_shape(response, (method, path, body))
            tried += 1
    assert tried >= 300
    assert _counts() == before


def test_every_organization_route_is_guarded_by_a_policy_action() -> None:
    """``guarded(action)`` on every route whose path names an organization: the rule is checked
    as the caller is authenticated, before the body is read."""
    from upstream.api import api

    unguarded = []
    for router_prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if "{org}" not in path:
                    continue
                actions = {getattr(cb, "action", None) for cb in operation.auth_callbacks}
                if None in actions or len(actions) != 1:
                    unguarded.append((router_prefix, path, operation.methods))
    assert unguarded == []


# --- the OpenAPI document ------------------------------------------------------------------------


def test_schemas_of_different_routers_have_different_names() -> None:
    import inspect

    from ninja import Schema

    import upstream.accounts.api
    import upstream.community.api
    import upstream.framework.api
    import upstream.planning.api.schemas

    seen: dict[str, str] = {}
    clashes = []
    for module in (
        upstream.accounts.api,
        upstream.community.api,
        upstream.framework.api,
        upstream.planning.api.schemas,
    ):
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Schema) and value.__module__ == module.__name__:
                if name in seen:
                    clashes.append((name, seen[name], module.__name__))
                seen[name] = module.__name__
    assert clashes == []
    components = _schema()["components"]["schemas"]
    assert "evidence" in components["ActivityOut"]["properties"]  # the framework's activity
    assert "lead" in components["PlanActivityOut"]["properties"]  # a plan's activity
    assert "synthetic" in components["CommunityIndicatorOut"]["properties"]


def test_every_operation_documents_its_error_statuses() -> None:
    for path, method, operation in _operations():
        documented = {str(status) for status in operation["responses"]}
        if operation.get("security"):
            assert {"401", "403", "429"} <= documented, (method, path)
        if "{" in path:
            assert "404" in documented, (method, path)
        if "requestBody" in operation:
            assert {"400", "413", "415", "422"} <= documented, (method, path)
        if operation.get("x-upstream-action") == "plan.edit":
            assert "409" in documented, (method, path)
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ApiError"), (method, path, status)


# --- the one mapping from exceptions to answers ------------------------------------------------


def _answer(exc: Exception) -> tuple[int, dict[str, Any]]:
    from django.test import RequestFactory

    from upstream.api import api

    response = api.on_exception(RequestFactory().get("/api/v1/"), exc)
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return response.status_code, body["error"]


def test_importer_data_errors_answer_422_with_every_problem() -> None:
    from upstream.community.problems import CommunityDataError, Problem

    status, error = _answer(
        CommunityDataError([Problem("year is not a number", row=3, column="year")], source="x")
    )
    assert status == 422 and error["code"] == "invalid_data"
    assert error["fields"]["__all__"] == ["row 3, column year: year is not a number"]


def test_service_exceptions_map_to_their_statuses() -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from upstream.planning.models import PublishedPlanError
    from upstream.planning.services import StaleEdit

    assert _answer(ValidationError({"title": ["Too long."]})) == (
        422,
        {"code": "invalid", "message": "Too long.", "fields": {"title": ["Too long."]}},
    )
    assert _answer(StaleEdit("activity"))[0] == 409
    assert _answer(PublishedPlanError("frozen"))[0] == 409
    status, error = _answer(PermissionDenied("plan.update_own_activity"))
    assert status == 403 and "plan.update_own_activity" in error["message"]
