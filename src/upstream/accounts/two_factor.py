"""When two-factor sign-in is required, and sudo mode (a fresh re-authentication)."""

from __future__ import annotations

import hashlib
import secrets
import time
from base64 import b32encode
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.policy import TWO_FACTOR_ROLES
from upstream.accounts.selectors import memberships_of_request

SUDO_SESSION_KEY = "upstream_sudo_until"
RECOVERY_CODES = 10
RECOVERY_CODE_BYTES = 10  # 80 random bits: 16 base32 letters, shown as four groups of four


def recovery_digest(user: Any, code: str) -> str:
    """What is stored of a recovery code: the start of a SHA-256 of it, salted with the
    person's id, never the code.

    Codes carry 80 random bits and the stored 64 bits are salted per person, so with a copy of
    the database, finding any string that passes for one of a person's codes still takes some
    2**64 / 10 hashes for that one person. The code is compared without spaces, hyphens or case.
    """
    normal = "".join(code.split()).replace("-", "").lower()
    salted = f"upstream-recovery-code:{user.uuid}:{normal}"
    return hashlib.sha256(salted.encode()).hexdigest()[:16]


def has_totp(user: Any) -> bool:
    """Whether the user has a confirmed authenticator (remembered on the user object, which lives
    for one request)."""
    cached = getattr(user, "_upstream_has_totp", None)
    if cached is None:
        cached = bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())
        user._upstream_has_totp = cached
    return bool(cached)


def two_factor_required(user: Any) -> bool:
    """Required for anyone holding a role that sees personal data, and for anyone who set it up."""
    if has_totp(user):
        return True
    return _holds_two_factor_role(user)


def _holds_two_factor_role(user: Any) -> bool:
    # the memberships the request reads anyway (for the access check and the page header)
    return any(m.role in TWO_FACTOR_ROLES for m in memberships_of_request(user=user))


def two_factor_state(request: HttpRequest) -> Literal["ok", "enroll", "verify"]:
    user: Any = request.user
    if user.is_verified():
        return "ok"
    if has_totp(user):
        return "verify"
    if _holds_two_factor_role(user):
        return "enroll"
    return "ok"


def verify_code(user: Any, code: str) -> tuple[Any | None, bool]:
    """The device that accepts ``code`` (TOTP first, then a one-time recovery code), and whether
    it was a recovery code."""
    code = "".join(code.split())
    if not code:
        return None, False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if code.isdigit() and device.verify_token(code):
            return device, False
    digest = recovery_digest(user, code)
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        allowed, _ = static.verify_is_allowed()  # django-otp's throttling
        if not allowed:
            continue
        # a conditional delete, so one code cannot pass twice at once
        if static.token_set.filter(token=digest).delete()[0]:
            static.throttle_reset(commit=False)
            static.set_last_used_timestamp(commit=False)
            static.save()
            return static, True
        static.throttle_increment()
    return None, False


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes; return them for showing once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        letters = b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode().lower()
        codes.append("-".join(letters[i : i + 4] for i in range(0, len(letters), 4)))
        device.token_set.create(token=recovery_digest(user, codes[-1]))
    return codes


def sudo_active(request: HttpRequest) -> bool:
    until = request.session.get(SUDO_SESSION_KEY, 0)
    return isinstance(until, int | float) and until > time.time()


def sudo_start(request: HttpRequest) -> None:
    request.session[SUDO_SESSION_KEY] = int(time.time()) + settings.SUDO_SECONDS
