"""The JSON API, versioned under /api/v1/. Each domain app contributes a router.

Every error has one shape: ``{"error": {"code": ..., "message": ..., "fields": {...}}}``.

Deny by default: every route needs a signed-in session or an API key (``auth=`` on the API) unless
its router is mounted with ``auth=None`` below. Only the framework knowledge base and the public
community reference data (geographies, indicators, SVI results) are public.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from upstream.accounts.api import AUTH
from upstream.accounts.api import router as accounts_router
from upstream.community.api import router as community_router
from upstream.framework.api import router as framework_router
from upstream.planning.api import router as planning_router

api = NinjaAPI(
    title="Upstream API",
    version="1",
    description=(
        "Typed JSON API for Upstream: the HHS National Human Trafficking Prevention Framework "
        "knowledge base, prevention planning, screening, referrals, community analytics and "
        "monitoring. Errors share one shape: "
        '`{"error": {"code": "...", "message": "...", "fields": {}}}`.'
    ),
    urls_namespace="api",
    auth=AUTH,
)


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        parts = [str(part) for part in err.get("loc", ())]
        if len(parts) > 2 and parts[0] == "body":
            parts = parts[2:]  # ("body", "<parameter>", "field") names the field the client sent
        loc = ".".join(part for part in parts if part not in ("body", "query", "path"))
        fields.setdefault(loc or "__all__", []).append(str(err.get("msg", "invalid")))
    return api.create_response(
        request, error_body("invalid", "The request is not valid.", fields), status=422
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found", "Not found."), status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, error_body("unauthenticated", "Authentication required."), status=401
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(
        request, error_body("too_large", "The request body is too large."), status=413
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, error_body("forbidden", "Your role may not do that here."), status=403
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 422: "invalid"}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


# The framework knowledge base is public information: no credentials.
api.add_router("/framework", framework_router, auth=None)
api.add_router("/community", community_router, auth=None)  # public reference data (decision 0004)
api.add_router("/accounts", accounts_router)
api.add_router("/plans", planning_router)
