"""Audit actions written by accounts: sign-in, organizations, members, API keys, coalitions."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Failed sign-in",
    "auth.sign_out": "Signed out",
    "auth.locked_out": "Locked out after failed sign-ins",
    "auth.unlocked": "Lockout cleared",
    "auth.two_factor_reset": "Two-factor sign-in reset",
    "auth.password_reset_requested": "Password reset requested",
    "auth.password_reset": "Password reset",
    "auth.reauthenticated": "Confirmed identity (sudo mode)",
    "auth.two_factor_enrolled": "Two-factor sign-in set up",
    "auth.two_factor_failed": "Wrong one-time code",
    "auth.recovery_code_used": "Recovery code used",
    "org.created": "Organization created",
    "org.updated": "Organization details changed",
    "member.invited": "Person invited",
    "member.invitation_revoked": "Invitation revoked",
    "member.invitation_expired": "Expired invitation deleted",
    "member.joined": "Invitation accepted",
    "member.added": "Member added by an operator",
    "member.role_changed": "Role changed",
    "member.removed": "Member removed",
    "apikey.created": "API key created",
    "apikey.revoked": "API key revoked",
    "coalition.created": "Coalition created",
    "coalition.invited": "Organization invited to a coalition",
    "coalition.joined": "Organization joined a coalition",
    "coalition.declined": "Coalition invitation declined",
    "coalition.left": "Organization left a coalition",
}
