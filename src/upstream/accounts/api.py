"""Accounts API: the caller's organizations, an organization's details and members.

Authentication is a browser session (with the CSRF token on unsafe methods) or an API key sent as
``Authorization: Bearer upk_...``. A key belongs to one organization and acts with its creator's
role; read-only keys can only read. Another organization's uuid answers 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth
from ninja.throttling import AuthRateThrottle

from upstream.accounts import policy, selectors, services
from upstream.accounts.models import ApiKey, Membership
from upstream.accounts.two_factor import two_factor_state


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


class _Session(SessionAuth):
    """A signed-in person who has passed two-factor sign-in where it is required."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user: Any = request.user
        if not user.is_authenticated or two_factor_state(request) != "ok":
            return None
        return Principal(user=user)


class _Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        key = selectors.apikey_for_secret(secret=token)
        if key is None:
            return None
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=1):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return Principal(user=key.membership.user, key=key)


class _Header(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        return _Bearer().authenticate(request, key or "")


session_auth = _Session()
api_key_auth = [_Bearer(), _Header()]
AUTH: list[Any] = [session_auth, *api_key_auth]


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


class _RuledSession(_Session):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        return _check_rule(request, super().authenticate(request, key), self.action)


class _RuledBearer(_Bearer):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        return _check_rule(request, super().authenticate(request, token), self.action)


class _RuledHeader(_Header):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        return _check_rule(request, super().authenticate(request, key), self.action)


def guarded(action: str) -> dict[str, Any]:
    """Route options for an organization-scoped API operation: authenticate, then check the policy
    action *before* the request body is parsed, and publish the action in the OpenAPI document.

    Use as ``@router.post("/{org}/...", response=..., **guarded("plan.edit"))``.
    """
    return {
        "auth": [_RuledSession(action), _RuledBearer(action), _RuledHeader(action)],
        "openapi_extra": rule(action),
    }


# Per key or person, per server process (Django's default cache): a brake on runaway clients.
API_RATE = "600/m"
router = Router(tags=["accounts"], auth=AUTH, throttle=[AuthRateThrottle(API_RATE)])


def rule(action: str) -> dict[str, Any]:
    """The policy action a route checks, published in the OpenAPI document (``x-upstream-action``)
    so that the security tests can try every route as every role below it."""
    if action not in policy.PERMISSIONS:
        raise KeyError(action)
    return {"x-upstream-action": action}


def _principal(request: HttpRequest) -> Principal:
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):
        raise HttpError(401, "Authentication required.")
    return principal


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


class OrganizationPatch(Schema):
    name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    website: str | None = None


@router.get("/organizations", response=list[MyOrganizationOut], openapi_extra=rule("org.view"))
def my_organizations(request: HttpRequest) -> list[dict[str, Any]]:
    """Organizations the caller belongs to (for a key: its own organization)."""
    return [
        {"organization": m.organization, "role": m.role} for m in _principal(request).memberships()
    ]


@router.get("/organizations/{org}", response=OrganizationOut, openapi_extra=rule("org.view"))
def organization_detail(request: HttpRequest, org: uuid.UUID) -> Any:
    return _principal(request).membership(org, "org.view").organization


@router.patch("/organizations/{org}", response=OrganizationOut, openapi_extra=rule("org.edit"))
def organization_patch(request: HttpRequest, org: uuid.UUID, payload: OrganizationPatch) -> Any:
    membership = _principal(request).membership(org, "org.edit")
    changes = payload.model_dump(exclude_none=True)

    try:
        return services.organization_update(actor=membership, request=request, **changes)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None


@router.get(
    "/organizations/{org}/members", response=list[MemberOut], openapi_extra=rule("member.view")
)
def organization_members(request: HttpRequest, org: uuid.UUID) -> list[dict[str, Any]]:
    membership = _principal(request).membership(org, "member.view")
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
