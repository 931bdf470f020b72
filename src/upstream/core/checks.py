"""System checks for configuration rules that Django's own checks do not know."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secret_key_not_development(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from upstream.settings import _INSECURE_DEV_KEY

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
