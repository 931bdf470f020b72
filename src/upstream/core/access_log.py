"""The gunicorn access log, without the secrets that some links carry in their path.

Invitation and password-reset links hold single-use tokens in the URL path; a log line must not
be enough to use one. Paths are logged with those segments replaced by ``[redacted]``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

_SECRET_SEGMENTS = (
    re.compile(r"(/invitations/)[^/\s?]+"),
    re.compile(r"(/password-reset/[^/\s?]+/)[^/\s?]+"),
)


def redact_path(path: str) -> str:
    for pattern in _SECRET_SEGMENTS:
        path = pattern.sub(r"\1[redacted]", path)
    return path


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(str(atoms.get("U") or ""))
        atoms["r"] = redact_path(str(atoms.get("r") or ""))
        atoms["f"] = redact_path(str(atoms.get("f") or ""))
        return atoms


class RedactSecretsFilter(logging.Filter):
    """Redacts the same path segments in application log records (Django logs the path of every
    4xx and 5xx response, e.g. "Gone: /invitations/<token>/")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        return True
