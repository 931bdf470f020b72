"""Audit actions written by accounts: sign-in, organizations, members, API keys, coalitions."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTIONS: dict[str, str] = {
    "auth.sign_in": gettext_noop("Signed in"),
    "auth.sign_in_failed": gettext_noop("Failed sign-in"),
    "auth.sign_out": gettext_noop("Signed out"),
    "auth.locked_out": gettext_noop("Locked out after failed sign-ins"),
    "auth.unlocked": gettext_noop("Lockout cleared"),
    "auth.two_factor_reset": gettext_noop("Two-factor sign-in reset"),
    "auth.password_reset_requested": gettext_noop("Password reset requested"),
    "auth.password_reset": gettext_noop("Password reset"),
    "auth.reauthenticated": gettext_noop("Confirmed identity (sudo mode)"),
    "auth.two_factor_enrolled": gettext_noop("Two-factor sign-in set up"),
    "auth.two_factor_failed": gettext_noop("Wrong one-time code"),
    "auth.recovery_code_used": gettext_noop("Recovery code used"),
    "org.created": gettext_noop("Organization created"),
    "org.updated": gettext_noop("Organization details changed"),
    "member.invited": gettext_noop("Person invited"),
    "member.invitation_revoked": gettext_noop("Invitation revoked"),
    "member.invitation_expired": gettext_noop("Expired invitation deleted"),
    "member.joined": gettext_noop("Invitation accepted"),
    "member.added": gettext_noop("Member added by an operator"),
    "member.role_changed": gettext_noop("Role changed"),
    "member.removed": gettext_noop("Member removed"),
    "apikey.created": gettext_noop("API key created"),
    "apikey.revoked": gettext_noop("API key revoked"),
    "coalition.created": gettext_noop("Coalition created"),
    "coalition.invited": gettext_noop("Organization invited to a coalition"),
    "coalition.joined": gettext_noop("Organization joined a coalition"),
    "coalition.declined": gettext_noop("Coalition invitation declined"),
    "coalition.left": gettext_noop("Organization left a coalition"),
}
