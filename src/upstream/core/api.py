"""The API contract every router shares (decision 0011).

One error shape, ``{"error": {"code": ..., "message": ..., "fields": {...}}}``, for every answer
under ``/api/`` that is not a success: those of the routes (mapped in ``upstream.api``) and those
Django or the server give before a route runs (unknown path, wrong method, wrong content type,
oversized body, unhandled error), which ``ApiContractMiddleware`` turns into the same shape.
Integers that reach the database are bounded (``Revision``, ``Year``, ``Pages``) so that an
out-of-range number answers 422 instead of overflowing a column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from pydantic import GetJsonSchemaHandler, ValidationInfo, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

API_PREFIX = "/api/"
# JSON bodies are small (the longest text field is 20,000 characters); refuse more before reading.
API_MAX_BODY_BYTES = 1024 * 1024
# The largest offset a list accepts: far past any list's end, far below a 64-bit column's limit.
MAX_OFFSET = 1_000_000_000

Revision = Annotated[int, Field(ge=0, le=2**31 - 1, description="The revision you read.")]
Year = Annotated[int, Field(ge=1, le=9999)]


class ApiErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ApiError(Schema):
    """Every refusal and error of the API."""

    error: ApiErrorDetail


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


class BodyRefused(ValueError):
    """A JSON body that parses but that no route accepts. ninja reports any parser exception as
    a 400 whose cause is this one; ``upstream.api`` answers with this status and message."""

    def __init__(self, status: int, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def _nul_at(value: Any, path: str = "") -> str | None:
    """Where a NUL character hides in a parsed JSON value (no database stores one in text)."""
    if isinstance(value, str):
        return (path or "__all__") if "\x00" in value else None
    if isinstance(value, dict):
        items: list[tuple[Any, Any]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return None
    for key, item in items:
        found = _nul_at(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


class JsonObjectParser(Parser):
    """Every request body is one JSON object (``[]`` or ``null`` is not an empty change), with
    no NUL character in its text."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyRefused(400, "The request body must be a JSON object.")
        where = _nul_at(data)
        if where is not None:
            refusal = "Text may not contain NUL characters."
            raise BodyRefused(422, "The request is not valid.", {where.split(".")[0]: [refusal]})
        return data


class Pages(LimitOffsetPagination):
    """``limit`` and ``offset`` with both ends bounded."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PatchSchema(Schema):
    """A partial change: the fields the client sends, with the ``revision`` it read. A field
    sent as null clears it where it may be empty (``nullable``); elsewhere null is refused."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("This field cannot be null: leave it out to keep its value.")
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Publish null only for the fields that accept it."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        for name, prop in schema.get("properties", {}).items():
            options = prop.get("anyOf")
            if name in cls.nullable or not options:
                continue
            kept = [option for option in options if option.get("type") != "null"]
            prop.pop("default", None)
            if len(kept) == 1:
                del prop["anyOf"]
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
        return schema


# What an error status means, for the answers Django and the server give without a route.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request could not be read."),
    401: ("unauthenticated", "Authentication required."),
    403: ("forbidden", "You may not do that here."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "This address does not accept that method."),
    409: ("conflict", "The item changed since you read it."),
    413: ("too_large", "The request body is too large."),
    415: (
        "unsupported_media_type",
        "Send the request body as JSON (Content-Type: application/json).",
    ),
    422: ("invalid", "The request is not valid."),
    429: ("throttled", "Too many requests: slow down and try again shortly."),
    500: ("server_error", "Something went wrong on our side; nothing was changed."),
}


def status_error(status: int) -> dict[str, Any]:
    code, message = STATUS_ERRORS.get(status, (f"http_{status}", "The request failed."))
    return error_body(code, message)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _body_length(request: HttpRequest) -> int | None:
    """The declared body length (None for a chunked body of unknown length)."""
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        return None
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class ApiContractMiddleware:
    """Under ``/api/``: refuse a body that is not JSON (415) or too large (413) before anything
    reads it, and give every error answer the API's one JSON shape, whoever produced it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        refusal = self._refuse_body(request)
        response = refusal if refusal is not None else self.get_response(request)
        if response.status_code < 400 or _is_json(response.get("Content-Type", "")):
            return response
        shaped = JsonResponse(status_error(response.status_code), status=response.status_code)
        for header, value in response.items():  # Allow, Retry-After and the security headers
            if header.lower() not in {"content-type", "content-length"}:
                shaped[header] = value
        shaped.cookies = response.cookies
        return shaped

    @staticmethod
    def _refuse_body(request: HttpRequest) -> HttpResponse | None:
        length = _body_length(request)
        if length == 0:
            return None
        if length is not None and length > API_MAX_BODY_BYTES:
            return JsonResponse(status_error(413), status=413)
        if not _is_json(request.content_type or ""):
            return JsonResponse(status_error(415), status=415)
        return None
