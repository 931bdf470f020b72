"""Sign-in events, signing in, two-factor enrolment and checks, and identity confirmation."""

from __future__ import annotations

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.models import Membership, Organization, User
from upstream.accounts.two_factor import new_recovery_codes, sudo_start, verify_code
from upstream.audit.services import audit_record

# Sign-in events -----------------------------------------------------------------------------


@transaction.atomic
def auth_event_record(
    *,
    action: str,
    user: User | None,
    request: HttpRequest | None,
    actor: User | None = None,
    label: str = "",
) -> None:
    """Record a sign-in event (signing in or out, one-time codes, confirming one's identity,
    lockout) about ``user`` in the chain of every organization they belong to, or in the
    instance chain when they belong to none or no account is known.

    Chains are written in organization id order, so two of these never wait on each other.
    """
    organizations: list[Organization | None] = (
        [
            membership.organization
            for membership in Membership.active.filter(user=user)
            .select_related("organization")
            .order_by("organization_id")
        ]
        if user is not None
        else []
    )
    for organization in organizations or [None]:
        audit_record(
            action=action,
            actor=actor,
            actor_label=label,
            organization=organization,
            target=user,
            target_label=label,
            request=request,
        )


# Sign-in and two-factor ---------------------------------------------------------------------
# The password check (Argon2, deliberately slow) happens before these are called, outside any
# transaction; each function below is the short write that follows it.


@transaction.atomic
def session_sign_in(*, request: HttpRequest, user: User, backend: str | None = None) -> None:
    """Sign ``user`` in on this request: the session key is rotated, ``last_login`` is stamped and
    the sign-in events are written (by the ``user_logged_in`` signal), all or none."""
    login(request, user, backend=backend)


@transaction.atomic
def two_factor_enroll(
    *, user: User, device: TOTPDevice, code: str, request: HttpRequest
) -> list[str] | None:
    """Confirm the authenticator ``device`` if ``code`` is right: the device, fresh recovery codes,
    the verified session and the audit events together. Returns the codes to show once, or None
    when the code is wrong (nothing changed)."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    otp_login(request, device)
    auth_event_record(action="auth.two_factor_enrolled", user=user, actor=user, request=request)
    return codes


@transaction.atomic
def two_factor_check(*, user: User, code: str, request: HttpRequest) -> bool:
    """Verify a one-time or recovery code at sign-in: on success the session is verified (and a
    used recovery code is spent and audited); a wrong code is audited. Returns whether it passed."""
    device, recovery = verify_code(user, code)
    if device is None:
        auth_event_record(action="auth.two_factor_failed", user=user, actor=user, request=request)
        return False
    otp_login(request, device)
    if recovery:
        auth_event_record(action="auth.recovery_code_used", user=user, actor=user, request=request)
    return True


@transaction.atomic
def identity_confirmed(*, user: User, request: HttpRequest) -> None:
    """Start sudo mode after the password (and code) were checked, and audit it."""
    sudo_start(request)
    auth_event_record(action="auth.reauthenticated", user=user, actor=user, request=request)
