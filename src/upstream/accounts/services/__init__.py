"""Writes for organizations, memberships, invitations, keys and coalitions.

Each function is keyword-only and atomic, checks the policy, and writes its audit event in the same
transaction. Org-scoped functions take ``actor=`` as the acting *membership* (the person, their
organization and their role); account-level ones take the user. Email goes out on commit.
"""

from __future__ import annotations

from upstream.accounts.services._common import (
    absolute_url,
    token_hash,
)
from upstream.accounts.services.api_keys import (
    API_KEY_PREFIX,
    apikey_create,
    apikey_revoke,
)
from upstream.accounts.services.coalitions import (
    coalition_create,
    coalition_invitation_answer,
    coalition_invite,
    coalition_leave,
)
from upstream.accounts.services.invitations import (
    InvitationUnusable,
    invitation_accept_existing_user,
    invitation_accept_new_user,
    invitation_create,
    invitation_create_by_operator,
    invitation_revoke,
    invitations_expire,
)
from upstream.accounts.services.members import (
    lockout_clear,
    membership_change_role,
    membership_create,
    membership_remove,
    two_factor_reset,
)
from upstream.accounts.services.operators import (
    operator_grant,
    operator_revoke,
)
from upstream.accounts.services.organizations import (
    ORG_EDITABLE,
    organization_create,
    organization_update,
)
from upstream.accounts.services.passwords import (
    RESET_EMAIL_INTERVAL,
    password_reset_request,
    password_set,
)
from upstream.accounts.services.profile import user_language_set
from upstream.accounts.services.sign_in import (
    auth_event_record,
    identity_confirmed,
    session_sign_in,
    two_factor_check,
    two_factor_enroll,
)

__all__ = [
    "API_KEY_PREFIX",
    "ORG_EDITABLE",
    "RESET_EMAIL_INTERVAL",
    "InvitationUnusable",
    "absolute_url",
    "apikey_create",
    "apikey_revoke",
    "auth_event_record",
    "coalition_create",
    "coalition_invitation_answer",
    "coalition_invite",
    "coalition_leave",
    "identity_confirmed",
    "invitation_accept_existing_user",
    "invitation_accept_new_user",
    "invitation_create",
    "invitation_create_by_operator",
    "invitation_revoke",
    "invitations_expire",
    "lockout_clear",
    "membership_change_role",
    "membership_create",
    "membership_remove",
    "operator_grant",
    "operator_revoke",
    "organization_create",
    "organization_update",
    "password_reset_request",
    "password_set",
    "session_sign_in",
    "token_hash",
    "two_factor_check",
    "two_factor_enroll",
    "two_factor_reset",
    "user_language_set",
]
