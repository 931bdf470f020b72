"""The JSON API, versioned under /api/v1/. Each domain app contributes a router.

Every error has one shape: ``{"error": {"code": ..., "message": ..., "fields": {...}}}``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from upstream.community.api import router as community_router
from upstream.framework.api import router as framework_router

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
)


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = ".".join(str(part) for part in err.get("loc", ()) if part not in ("body", "query"))
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


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, error_body(f"http_{exc.status_code}", str(exc)), status=exc.status_code
    )


api.add_router("/framework", framework_router)
api.add_router("/community", community_router)
