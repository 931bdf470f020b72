"""Accounts API: the caller's organizations, an organization's details and members.

Authentication is an API key sent as ``Authorization: Bearer upk_...`` (or ``X-API-Key``), or a
browser session. ``principal_for`` is the one place that decides which: session requests must send
the CSRF token on unsafe methods; key requests without a session cookie need none. A key belongs to
one organization and acts with its creator's role; read-only keys can only read. Another
organization's uuid answers 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.throttling import AuthRateThrottle
from ninja.utils import check_csrf

from upstream.accounts import policy, selectors, services
from upstream.accounts.models import ApiKey, Membership
from upstream.accounts.two_factor import two_factor_state
from upstream.core.api import PatchSchema
from upstream.core.validators import Line, Name


class Principal:
    """Who is calling: a signed-in person or an API key of one organization."""

    def __init__(self, *, user: Any, key: ApiKey | None = None) -> None:
        self.user = user
        self.key = key

    def __str__(self) -> str:
        """The identity rate limits count under: the key, or the person."""
        return f"key:{self.key.prefix}" if self.key is not None else f"user:{self.user.uuid}"

    def membership(self, org_uuid: uuid.UUID, action: str) -> Membership:
        if self.key is not None:
            if self.key.organization.uuid != org_uuid:
                raise HttpError(404, "Not found.")
            membership = self.key.membership
            allowed = (
                policy.API_WRITE_ACTIONS
                if self.key.scope == ApiKey.Scope.WRITE
                else policy.API_READ_ACTIONS
            )
            if action not in allowed:
                raise HttpError(403, "This key may not do that.")
        else:
            try:
                membership = selectors.membership_for(user=self.user, org_uuid=org_uuid)
            except Exception:
                raise HttpError(404, "Not found.") from None
        if not policy.may(membership, action):
            raise HttpError(403, "Your role may not do that.")
        return membership

    def memberships(self) -> list[Membership]:
        if self.key is not None:
            return [self.key.membership]
        return list(selectors.memberships_for(user=self.user))


CSRF_REFUSED = (
    "CSRF check failed: a request signed in with the session cookie must send the X-CSRFToken "
    "header. Scripts should authenticate with an API key instead."
)


def _presented_key(request: HttpRequest) -> str | None:
    """The API key secret the request presents (``Authorization: Bearer`` or ``X-API-Key``)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    header = request.headers.get("X-API-Key", "").strip()
    return header or None


def _require_csrf(request: HttpRequest) -> None:
    """Django's CSRF rule for unsafe methods (safe methods pass)."""
    if check_csrf(request) is not None:
        raise HttpError(403, CSRF_REFUSED)


def _resolve(request: HttpRequest) -> Principal | None:
    secret = _presented_key(request)
    if secret is not None:
        # A key that does not match never falls back to the session: the caller meant the key.
        key = selectors.apikey_for_secret(secret=secret)
        if key is None:
            return None
        # A key proves the request is not forged by another site, since a browser cannot add the
        # header cross-site; a session cookie sent with it still brings the CSRF rule back.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            _require_csrf(request)
        # "Last used", written at most once a minute per key (not on every request); the
        # condition in the UPDATE keeps concurrent workers from writing it twice.
        now = timezone.now()
        stale = now - dt.timedelta(minutes=1)
        if key.last_used_at is None or key.last_used_at < stale:
            ApiKey.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=key.pk
            ).update(last_used_at=now)
        return Principal(user=key.membership.user, key=key)
    user: Any = request.user
    if not user.is_authenticated or two_factor_state(request) != "ok":
        return None
    _require_csrf(request)
    return Principal(user=user)


_PRINCIPAL_ATTR = "_upstream_principal"


def principal_for(request: HttpRequest) -> Principal | None:
    """The one way every API route learns who is calling: an API key if the request presents
    one, else the signed-in session (two-factor passed). Session requests are held to the CSRF
    rule on unsafe methods; key requests without a session cookie are not. None if neither."""
    if not hasattr(request, _PRINCIPAL_ATTR):
        setattr(request, _PRINCIPAL_ATTR, _resolve(request))
    found: Principal | None = getattr(request, _PRINCIPAL_ATTR)
    return found


def caller(request: HttpRequest) -> Principal:
    """The authenticated principal of a route's request (set by the router's ``auth``)."""
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):
        raise HttpError(401, "Authentication required.")
    return principal


def _check_rule(request: HttpRequest, principal: Principal | None, action: str) -> Principal | None:
    """Refuse a caller whose role may not do ``action`` in the URL's organization (404 for an
    organization they do not belong to, 403 for a role below the rule)."""
    match = getattr(request, "resolver_match", None)
    org = match.kwargs.get("org") if match is not None else None
    if principal is not None and org is not None:
        try:
            org_uuid = org if isinstance(org, uuid.UUID) else uuid.UUID(str(org))
        except ValueError:
            raise HttpError(404, "Not found.") from None
        principal.membership(org_uuid, action)
    return principal


# The three ways to authenticate, as the OpenAPI document lists them. Each resolves the caller
# the same way (``principal_for``); with ``action`` it also checks the policy rule before the
# request body is parsed.


class ApiKeyBearer(HttpBearer):
    def __init__(self, action: str | None = None) -> None:
        super().__init__()
        self.action = action

    def __call__(self, request: HttpRequest) -> Principal | None:
        return self.authenticate(request, "")

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        principal = principal_for(request)
        return principal if self.action is None else _check_rule(request, principal, self.action)


class ApiKeyHeader(APIKeyHeader):
    param_name = "X-API-Key"

    def __init__(self, action: str | None = None) -> None:
        super().__init__()
        self.action = action

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        principal = principal_for(request)
        return principal if self.action is None else _check_rule(request, principal, self.action)


class SessionCookie(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, action: str | None = None) -> None:
        super().__init__(csrf=False)  # principal_for applies the CSRF rule
        self.action = action

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        principal = principal_for(request)
        return principal if self.action is None else _check_rule(request, principal, self.action)


def _auth(action: str | None = None) -> list[Any]:
    return [ApiKeyBearer(action), ApiKeyHeader(action), SessionCookie(action)]


AUTH: list[Any] = _auth()


def guarded(action: str) -> dict[str, Any]:
    """Route options for an organization-scoped API operation: authenticate, then check the policy
    action *before* the request body is parsed, and publish the action in the OpenAPI document.

    Use as ``@router.post("/{org}/...", response=..., **guarded("plan.edit"))``.
    """
    return {"auth": _auth(action), "openapi_extra": rule(action)}


# Per key or person, per server process (Django's default cache): a brake on runaway clients.
API_RATE = "600/m"
router = Router(tags=["accounts"], auth=AUTH, throttle=[AuthRateThrottle(API_RATE)])


def rule(action: str) -> dict[str, Any]:
    """The policy action a route checks, published in the OpenAPI document (``x-upstream-action``)
    so that the security tests can try every route as every role below it."""
    if action not in policy.PERMISSIONS:
        raise KeyError(action)
    return {"x-upstream-action": action}


class OrganizationOut(Schema):
    uuid: uuid.UUID
    name: str
    sectors: list[str]
    state_fips: str
    county_fips: str
    contact_email: str
    contact_phone: str
    website: str


class MyOrganizationOut(Schema):
    organization: OrganizationOut
    role: str


class MemberOut(Schema):
    uuid: uuid.UUID
    email: str
    full_name: str
    role: str
    since: dt.datetime


class OrganizationPatch(PatchSchema):
    name: Name | None = None
    contact_email: Line | None = None
    contact_phone: Line | None = None
    website: Line | None = None


@router.get("/organizations", response=list[MyOrganizationOut], openapi_extra=rule("org.view"))
def my_organizations(request: HttpRequest) -> list[dict[str, Any]]:
    """Organizations the caller belongs to (for a key: its own organization)."""
    return [{"organization": m.organization, "role": m.role} for m in caller(request).memberships()]


@router.get("/organizations/{org}", response=OrganizationOut, **guarded("org.view"))
def organization_detail(request: HttpRequest, org: uuid.UUID) -> Any:
    return caller(request).membership(org, "org.view").organization


@router.patch("/organizations/{org}", response=OrganizationOut, **guarded("org.edit"))
def organization_patch(request: HttpRequest, org: uuid.UUID, payload: OrganizationPatch) -> Any:
    membership = caller(request).membership(org, "org.edit")
    changes = payload.model_dump(exclude_unset=True)
    return services.organization_update(actor=membership, request=request, **changes)


@router.get("/organizations/{org}/members", response=list[MemberOut], **guarded("member.view"))
def organization_members(request: HttpRequest, org: uuid.UUID) -> list[dict[str, Any]]:
    membership = caller(request).membership(org, "member.view")
    return [
        {
            "uuid": m.uuid,
            "email": m.user.email,
            "full_name": m.user.full_name,
            "role": m.role,
            "since": m.created_at,
        }
        for m in selectors.members_of(membership=membership)
    ]
