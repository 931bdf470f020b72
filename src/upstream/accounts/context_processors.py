from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from upstream.accounts import policy
from upstream.accounts.decorators import CURRENT_ORG_SESSION_KEY
from upstream.accounts.selectors import memberships_of_request


def account(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's organizations and current organization, for the header."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def memberships() -> list[Any]:
        return memberships_of_request(user=user)

    def current() -> Any:
        uuid = request.session.get(CURRENT_ORG_SESSION_KEY)
        items = nav_memberships
        for membership in items:
            if str(membership.organization.uuid) == uuid:
                return membership
        return items[0] if len(items) == 1 else None

    def can() -> dict[str, bool]:
        membership = current()
        return {
            action.replace(".", "_"): policy.may(membership, action)
            for action in policy.PERMISSIONS
        }

    nav_memberships: Any = SimpleLazyObject(memberships)
    nav_current: Any = SimpleLazyObject(current)
    return {
        "nav_memberships": nav_memberships,
        "nav_current": nav_current,
        "nav_can": SimpleLazyObject(can),
    }
