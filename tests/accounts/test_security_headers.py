"""Response headers: CSP with nonces and no unsafe-inline, and the rest of the hardening set."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    return {parts[0]: parts[1:] for parts in (d.split() for d in header.split(";") if d.strip())}


def test_pages_send_a_csp_with_a_fresh_nonce_and_no_unsafe_inline(client: Client) -> None:
    first = client.get("/account/sign-in/")
    csp = _directives(first["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in first["Content-Security-Policy"]
    assert "'unsafe-eval'" not in first["Content-Security-Policy"]
    nonce = next(s for s in csp["script-src"] if s.startswith("'nonce-"))[7:-1]
    body = first.content.decode()
    scripts = re.findall(r"<script[^>]*>", body)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    second = client.get("/account/sign-in/")
    assert nonce not in second["Content-Security-Policy"]


def test_pages_have_no_inline_scripts_or_style_attributes(client: Client) -> None:
    body = client.get("/account/sign-in/").content.decode()
    assert " style=" not in body
    assert "<style" not in body
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert '"includeIndicatorStyles": false' in body


def test_hardening_headers_are_set(client: Client) -> None:
    response = client.get("/account/sign-in/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_not_cached(signed_in_admin: Client, owner_org: Any) -> None:
    response = signed_in_admin.get(f"/orgs/{owner_org.uuid}/")
    assert response["Cache-Control"] == "no-store"


def _check_deploy(env: dict[str, str]) -> Any:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_without_a_data_key_fail_check_deploy(tmp_path: Any) -> None:
    env = {
        **os.environ,
        "UPSTREAM_SECRET_KEY": "x" * 40 + "-production-like-secret-key-for-check-deploy",
        "UPSTREAM_ALLOWED_HOSTS": "upstream.example.org",
        "UPSTREAM_VAR_DIR": str(tmp_path),
        "UPSTREAM_TESTING": "0",
    }
    for name in ("UPSTREAM_DEMO", "UPSTREAM_INSECURE_HTTP", "UPSTREAM_DEBUG", "UPSTREAM_DATA_KEY"):
        env.pop(name, None)
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "upstream.E010" in result.stdout + result.stderr
    assert not (tmp_path / "data_key").exists()  # production never makes a key of its own


def test_production_settings_pass_check_deploy(tmp_path: Any) -> None:
    env = {
        **os.environ,
        "UPSTREAM_SECRET_KEY": "x" * 40 + "-production-like-secret-key-for-check-deploy",
        "UPSTREAM_DATA_KEY": "k1:cHJvZHVjdGlvbi1saWtlLWRhdGEta2V5LTMyYnl0ZXM=",
        "UPSTREAM_ALLOWED_HOSTS": "upstream.example.org",
        "UPSTREAM_VAR_DIR": str(tmp_path),
        "UPSTREAM_TESTING": "0",
    }
    for name in (
        "UPSTREAM_DEMO",
        "UPSTREAM_INSECURE_HTTP",
        "UPSTREAM_DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest in this process
    ):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_system_checks_refuse_an_idle_timeout_longer_than_the_session(settings: Any) -> None:
    from upstream.core.checks import check_session_and_lockout_settings

    assert check_session_and_lockout_settings(None) == []
    settings.SESSION_IDLE_SECONDS = settings.SESSION_COOKIE_AGE + 1
    settings.AXES_FAILURE_LIMIT = 0
    ids = {message.id for message in check_session_and_lockout_settings(None)}
    assert ids == {"upstream.E003", "upstream.E004"}


def test_deploy_checks_require_argon2_first(settings: Any) -> None:
    from upstream.core.checks import check_password_hashing_and_email

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    ids = {message.id for message in check_password_hashing_and_email(None)}
    assert "upstream.E006" in ids
