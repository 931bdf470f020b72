"""System checks for configuration rules that Django's own checks do not know."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register

from upstream.core.keys import keyring_problems
from upstream.settings import _INSECURE_DEV_KEY


@register(Tags.security, deploy=True)
def check_secret_key_not_development(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.SECRET_KEY == _INSECURE_DEV_KEY:
        return [
            Error(
                "UPSTREAM_SECRET_KEY is the built-in development key.",
                hint="Set UPSTREAM_SECRET_KEY or UPSTREAM_SECRET_KEY_FILE to a long random value.",
                id="upstream.E001",
            )
        ]
    if getattr(settings, "SECRET_KEY_GENERATED", False):
        return [
            Warning(
                "UPSTREAM_SECRET_KEY is not set; a key generated in the var directory is used.",
                hint="Set UPSTREAM_SECRET_KEY (or _FILE) so that every server shares one key.",
                id="upstream.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_demo_mode_off_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEMO_MODE:
        return [
            Warning(
                "UPSTREAM_DEMO is on: demo accounts and data may be loaded.",
                hint="Unset UPSTREAM_DEMO in production.",
                id="upstream.W001",
            )
        ]
    return []


@register(Tags.database)
def check_database_engine_supported(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        return [
            Error(
                f"Unsupported database engine {engine}.",
                hint="DATABASE_URL must be a postgres:// URL, or unset for embedded SQLite.",
                id="upstream.E002",
            )
        ]
    return []


@register(Tags.security)
def check_session_and_lockout_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    idle = getattr(settings, "SESSION_IDLE_SECONDS", 0)
    if not 0 < idle <= settings.SESSION_COOKIE_AGE:
        errors.append(
            Error(
                "UPSTREAM_SESSION_IDLE_SECONDS must be above 0 and at most UPSTREAM_SESSION_AGE.",
                id="upstream.E003",
            )
        )
    if (
        getattr(settings, "AXES_FAILURE_LIMIT", 0) < 1
        or getattr(settings, "AXES_COOLOFF_TIME", 0) <= 0
    ):
        errors.append(
            Error(
                "UPSTREAM_LOCKOUT_FAILURES and UPSTREAM_LOCKOUT_MINUTES must be at least 1.",
                id="upstream.E004",
            )
        )
    if getattr(settings, "SUDO_SECONDS", 0) <= 0:
        errors.append(Error("UPSTREAM_SUDO_SECONDS must be above 0.", id="upstream.E005"))
    return errors


@register(Tags.security, deploy=True)
def check_password_hashing_and_email(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if "argon2" not in settings.PASSWORD_HASHERS[0].lower():
        messages.append(Error("The first password hasher must be Argon2.", id="upstream.E006"))
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        messages.append(
            Info(
                "Emails (invitations, password resets) are printed to the console.",
                hint="Set UPSTREAM_EMAIL_HOST (and _PORT, _USER, _PASSWORD) to send them by SMTP.",
                id="upstream.I001",
            )
        )
    return messages


@register(Tags.caches)
def check_fragment_cache(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.FRAGMENT_CACHE_SECONDS < 0:
        return [
            Error(
                "UPSTREAM_FRAGMENT_CACHE_SECONDS must be 0 or more.",
                hint="Seconds a rendered page fragment is kept, e.g. 3600; 0 keeps none.",
                id="upstream.E020",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_data_key_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "DATA_KEY", ""):
        return [
            Error(
                "UPSTREAM_DATA_KEY is not set: personal data cannot be encrypted.",
                hint="Set UPSTREAM_DATA_KEY or UPSTREAM_DATA_KEY_FILE to a keyring made with "
                "`upstream keys generate` (docs/security.md, 'Encryption of personal data').",
                id="upstream.E010",
            )
        ]
    if getattr(settings, "DATA_KEY_GENERATED", False):
        return [
            Warning(
                "UPSTREAM_DATA_KEY is not set; a key generated in the var directory is used.",
                hint="Set UPSTREAM_DATA_KEY (or _FILE) and keep a copy: without it the personal "
                "data cannot be read.",
                id="upstream.W003",
            )
        ]
    return []


@register(Tags.database)
def check_data_key_reads_stored_data(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Run by ``migrate`` and ``check --database default``: the keyring must read what is stored."""
    if not kwargs.get("databases"):
        return []
    return [
        Error(problem, hint="Use the keyring the data was written with.", id="upstream.E011")
        for problem in keyring_problems()
    ]
