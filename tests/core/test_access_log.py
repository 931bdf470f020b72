"""Access logs never carry the single-use tokens of invitation and password-reset links."""

from __future__ import annotations

from upstream.core.access_log import redact_path


def test_invitation_and_reset_tokens_are_redacted_from_logged_paths() -> None:
    assert redact_path("/invitations/AbC-123_xyz/") == "/invitations/[redacted]/"
    reset = "/account/password-reset/6f1c2a3e-0000-4000-8000-000000000000/set-abc123/"
    assert redact_path(reset) == (
        "/account/password-reset/6f1c2a3e-0000-4000-8000-000000000000/[redacted]/"
    )
    assert redact_path("GET /invitations/tok HTTP/1.1") == "GET /invitations/[redacted] HTTP/1.1"
    assert redact_path("/frameworks/hhs-2024/2024.1/") == "/frameworks/hhs-2024/2024.1/"


def test_application_log_records_are_redacted_too() -> None:
    import logging

    from upstream.core.access_log import RedactSecretsFilter

    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Gone", "/invitations/tok/"),
        None,
    )
    RedactSecretsFilter().filter(record)
    assert record.getMessage() == "Gone: /invitations/[redacted]/"
