"""The JSON API, versioned under /api/v1/. Each domain app contributes a router (decision 0011).

Every error has one shape: ``{"error": {"code": ..., "message": ..., "fields": {...}}}``. The
handlers below are the only place that turns an exception into an answer: services raise
``ValidationError`` (422, with field messages), ``StaleEdit`` (409), ``PermissionDenied`` (403);
importers raise their data errors (422, one message per problem); an unexpected exception is a 500
in the same shape. Routes never catch these themselves. ``upstream.core.api.ApiContractMiddleware``
gives the same shape to what Django answers before a route runs (unknown path, wrong method,
wrong content type, oversized body).

Deny by default: every route needs a signed-in session or an API key (``auth=`` on the API) unless
its router is mounted with ``auth=None`` below. Only the framework knowledge base and the public
community reference data (geographies, indicators, SVI results) are public.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from upstream.accounts import policy
from upstream.accounts.api import AUTH
from upstream.accounts.api import router as accounts_router
from upstream.community.api import router as community_router
from upstream.community.problems import CommunityDataError
from upstream.community.svi import SviFileError
from upstream.core.api import (
    STATUS_ERRORS,
    ApiError,
    BodyRefused,
    JsonObjectParser,
    error_body,
)
from upstream.core.text import count
from upstream.framework.api import router as framework_router
from upstream.framework.pack import PackError
from upstream.people.api import router as people_router
from upstream.planning.api import router as planning_router
from upstream.planning.models import PublishedPlanError
from upstream.planning.services import StaleEdit

PROBLEMS = ngettext_lazy("%(count)s problem", "%(count)s problems", "count")

logger = logging.getLogger("django.request")


class UpstreamAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        document_errors(schema)
        return schema


api = UpstreamAPI(
    title="Upstream API",
    version="1",
    description=(
        "Typed JSON API for Upstream: the HHS National Human Trafficking Prevention Framework "
        "knowledge base, prevention planning, screening, referrals, community analytics and "
        "monitoring. Errors share one shape: "
        '`{"error": {"code": "...", "message": "...", "fields": {}}}`. '
        "Authenticate with an API key (`Authorization: Bearer upk_...` or `X-API-Key`); a "
        "browser session also works, with the CSRF token on unsafe methods. Bodies are JSON "
        "(`Content-Type: application/json`)."
    ),
    urls_namespace="api",
    auth=AUTH,
    parser=JsonObjectParser(),
)


def _respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def _request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        parts = [str(part) for part in err.get("loc", ())]
        if len(parts) > 2 and parts[0] == "body":
            parts = parts[2:]  # ("body", "<parameter>", "field") names the field the client sent
        loc = ".".join(part for part in parts if part not in ("body", "query", "path"))
        fields.setdefault(loc or "__all__", []).append(str(err.get("msg", "invalid")))
    return _respond(
        request, 422, error_body("invalid", gettext("The request is not valid."), fields)
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return _respond(request, 422, error_body("invalid", " ".join(exc.messages), fields))


@api.exception_handler(StaleEdit)
def _stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    return _respond(request, 409, error_body("conflict", " ".join(exc.messages)))


@api.exception_handler(PublishedPlanError)
def _frozen(request: HttpRequest, exc: PublishedPlanError) -> HttpResponse:
    return _respond(request, 409, error_body("conflict", str(exc)))


def _data_error(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    problems = [str(problem) for problem in getattr(exc, "problems", [])]
    message = gettext("The data cannot be used: %(problems)s; nothing was written.") % {
        "problems": count(len(problems), PROBLEMS)
    }
    return _respond(request, 422, error_body("invalid_data", message, {"__all__": problems}))


for _data_error_type in (PackError, CommunityDataError, SviFileError):
    api.add_exception_handler(_data_error_type, _data_error)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _respond(request, 404, error_body("not_found", gettext("Not found.")))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _respond(
        request, 401, error_body("unauthenticated", gettext("Authentication required."))
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _respond(
        request, 413, error_body("too_large", gettext("The request body is too large."))
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    action = str(exc)
    message = gettext("You may not do that here.")
    if action in policy.PERMISSIONS:  # services name the rule they refused: say which
        message = gettext("You may not do that here (it needs %(action)s on this item).") % {
            "action": action
        }
    elif getattr(exc, "explained", False):  # a refusal written for the caller (consent, reason)
        message = action
    return _respond(request, 403, error_body("forbidden", message))


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    code, message = STATUS_ERRORS[429]
    return _respond(request, 429, error_body(code, message))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    refused = exc.__cause__
    if isinstance(refused, BodyRefused):  # the parser's own refusal, wrapped by ninja as a 400
        code = STATUS_ERRORS[refused.status][0]
        return _respond(request, refused.status, error_body(code, refused.message, refused.fields))
    code, message = STATUS_ERRORS.get(exc.status_code, (f"http_{exc.status_code}", str(exc)))
    if exc.status_code != 400:  # ninja's own 400 text is about parsing; ours says it plainly
        message = str(exc)
    elif "parse" in str(exc).lower():
        message = gettext("The request body is not a valid JSON object.")
    return _respond(request, exc.status_code, error_body(code, message))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged like Django's own 500s (path only: no query string, no body), and signalled so that
    # error reporting sees it; the client learns nothing about the cause.
    logger.error("Internal Server Error: %s", request.path, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    code, message = STATUS_ERRORS[500]
    return _respond(request, 500, error_body(code, message))


# --- the statuses each operation documents -----------------------------------------------------

_ERROR_REF = {"$ref": "#/components/schemas/ApiError"}
_PLAN_WRITES = frozenset({"plan.edit", "plan.publish", "plan.update_own_activity"})
_DESCRIPTIONS = {
    400: "The request body is not a valid JSON object.",
    401: "No valid API key or signed-in session.",
    403: "The caller's role, key scope or organization may not do this (or the CSRF check failed).",
    404: "No such item (in the path or named by a parameter), or not one the caller may see.",
    409: "The item changed since the revision you read, or the plan version is published.",
    413: "The request body is larger than the API accepts.",
    415: "The request body is not JSON.",
    422: "The request is not valid: `fields` names what is wrong.",
    429: "Too many requests from this key or person.",
}


def _checked(parameter: dict[str, Any]) -> bool:
    """Whether the API validates this parameter beyond taking it as text."""
    schema = parameter.get("schema", {})
    return bool(
        parameter.get("in") == "query" or schema.get("type") != "string" or "format" in schema
    )


def _operation_errors(path: str, operation: dict[str, Any]) -> set[int]:
    parameters = operation.get("parameters", [])
    statuses = {422} if any(_checked(p) for p in parameters) else set()
    if parameters or re.search(r"{[^}]+}", path):
        statuses.add(404)  # a path item, or an item a query names (a geography set), unknown
    if operation.get("security"):
        statuses |= {401, 403, 429}
    if "requestBody" in operation:
        statuses |= {400, 413, 415, 422}
    if operation.get("x-upstream-action") in _PLAN_WRITES:
        statuses.add(409)  # every plan write can meet a stale revision or a published version
    return statuses


def document_errors(schema: dict[str, Any]) -> None:
    """Add to every operation of the OpenAPI document the error statuses it can answer, each
    with the one error shape."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ApiError"] = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
    nested = components["ApiError"].pop("$defs", {})
    components.update(nested)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(_operation_errors(path, operation)):
                if status in responses or str(status) in responses:
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": _DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": _ERROR_REF}},
                    },
                )


# The framework knowledge base is public information: no credentials.
api.add_router("/framework", framework_router, auth=None)
api.add_router("/community", community_router, auth=None)  # public reference data (decision 0004)
api.add_router("/accounts", accounts_router)
api.add_router("/plans", planning_router)
api.add_router("/people", people_router)
