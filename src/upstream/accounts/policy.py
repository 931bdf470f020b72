"""The one place that decides who may do what.

Every view, API route and service asks ``may(...)`` (or ``check(...)``); nothing else compares
roles. The table below is the role × action matrix documented in docs/security.md; a test keeps the
two in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models

if TYPE_CHECKING:
    from upstream.accounts.models import Membership


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    COORDINATOR = "coordinator", "Coordinator"
    STAFF = "staff", "Program staff"
    SCREENER = "screener", "Screener"
    PROVIDER = "provider", "Service provider"
    ANALYST = "analyst", "Analyst"
    VIEWER = "viewer", "Viewer"


ALL_ROLES = frozenset(Role)

# Roles that can see personal data: two-factor sign-in is required for them.
TWO_FACTOR_ROLES = frozenset({Role.ADMIN, Role.SCREENER, Role.PROVIDER})

# Actions that need a fresh re-authentication ("sudo mode") even with a valid session.
SUDO_ACTIONS = frozenset(
    {
        "member.change_role",
        "member.remove",
        "member.reset_two_factor",
        "apikey.manage",
        "personal.export",
        "person.export",
        "audit.export",
    }
)

# Actions an API key may use, by key scope. Everything else is for people in the browser.
API_READ_ACTIONS = frozenset(
    {"org.view", "member.view", "coalition.view", "plan.view", "plan.export"}
)
API_WRITE_ACTIONS = API_READ_ACTIONS | frozenset(
    {"org.edit", "plan.edit", "plan.update_own_activity", "plan.publish"}
)

_A, _C, _ST, _SC, _P, _AN, _V = (
    Role.ADMIN,
    Role.COORDINATOR,
    Role.STAFF,
    Role.SCREENER,
    Role.PROVIDER,
    Role.ANALYST,
    Role.VIEWER,
)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "org.view": ALL_ROLES,
    "org.edit": frozenset({_A}),
    "member.view": frozenset({_A, _C}),
    "member.invite": frozenset({_A, _C}),
    "member.change_role": frozenset({_A}),
    "member.remove": frozenset({_A}),
    "member.unlock": frozenset({_A}),
    "member.reset_two_factor": frozenset({_A}),
    "audit.view": frozenset({_A}),
    "audit.export": frozenset({_A}),
    "apikey.manage": frozenset({_A}),
    "coalition.view": ALL_ROLES,
    "coalition.manage": frozenset({_A, _C}),
    "aggregate.view": frozenset({_A, _C, _ST, _AN}),
    "personal.view": frozenset({_A, _SC, _P}),
    "personal.edit": frozenset({_SC, _P}),
    "personal.export": frozenset({_A, _SC, _P}),
    "person.view": frozenset({_A, _SC}),
    "person.edit": frozenset({_SC}),
    "person.export": frozenset({_A, _SC}),
    "person.configure": frozenset({_A}),
    "index.define": frozenset({_A, _C, _AN}),
    "indicator.import": frozenset({_A, _AN}),
    "directory.import": frozenset({_A, _C}),
    "directory.export": frozenset({_A, _C, _ST, _P, _AN}),
    "plan.view": frozenset({_A, _C, _ST, _AN, _V}),
    "plan.edit": frozenset({_A, _C}),
    "plan.update_own_activity": frozenset({_A, _C, _ST}),
    "plan.publish": frozenset({_A, _C}),
    "plan.export": frozenset({_A, _C, _ST, _AN, _V}),
}

ACTION_LABELS: dict[str, str] = {
    "org.view": "See the organization dashboard",
    "org.edit": "Edit the organization's details",
    "member.view": "See the member list",
    "member.invite": "Invite people (coordinators: non-admin roles only)",
    "member.change_role": "Change a member's role",
    "member.remove": "Remove a member",
    "member.unlock": "Unlock a locked-out member",
    "member.reset_two_factor": "Reset the two-factor sign-in of a member who lost it",
    "audit.view": "Read the audit log",
    "audit.export": "Download the audit log as CSV",
    "apikey.manage": "Create and revoke API keys",
    "coalition.view": "See coalitions the organization belongs to",
    "coalition.manage": "Create coalitions, invite organizations, accept, leave",
    "aggregate.view": "See aggregate figures and dashboards",
    "personal.view": "See personal records (screenings, referrals)",
    "personal.edit": "Create and update personal records",
    "personal.export": "Export personal records",
    "person.view": "See the organization's people and their consents (admins: with a reason)",
    "person.edit": "Record people and their consents; withdraw a consent",
    "person.export": "Download a person's consent as FHIR",
    "person.configure": "Choose which identifying fields the organization records",
    "index.define": "Define and compute a custom vulnerability index",
    "indicator.import": "Upload an SVI or indicator CSV to import in the background",
    "directory.import": "Import HSDS files into the resource directory; set location visibility",
    "directory.export": "Download the resource directory as HSDS 3.0 (withheld details left out)",
    "plan.view": "See prevention plans of the organization and its coalitions",
    "plan.edit": "Create and edit prevention plans",
    "plan.update_own_activity": "Update the status of plan activities the organization leads",
    "plan.publish": "Publish a plan version and start a new draft",
    "plan.export": "Download a plan as PDF, XLSX or JSON",
}

# Which roles a person holding a role may hand out (by invitation or role change).
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: ALL_ROLES,
    Role.COORDINATOR: frozenset({_C, _ST, _AN, _V}),
}


def role_may(role: str, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}; add it to upstream.accounts.policy")
    return role in PERMISSIONS[action]


def may(membership: Membership | None, action: str) -> bool:
    """May the holder of this (active) membership do ``action`` in its organization?"""
    if membership is None or not membership.is_active:
        return False
    if not membership.user.is_active:
        return False
    return role_may(membership.role, action)


def check(membership: Membership | None, action: str) -> None:
    if not may(membership, action):
        raise PermissionDenied(action)


def may_grant(membership: Membership | None, role: str) -> bool:
    if membership is None or not membership.is_active:
        return False
    return role in GRANTABLE.get(Role(membership.role), frozenset())


def requires_two_factor(role: str) -> bool:
    return role in TWO_FACTOR_ROLES


def required_roles(action: str) -> frozenset[Role]:
    return PERMISSIONS[action]
