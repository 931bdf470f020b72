"""Helpers the services modules share: token hashing, absolute links and email on commit."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def _send(
    *,
    to: str,
    subject: StrOrPromise,
    template: str,
    context: dict[str, Any],
    language: str = "",
    on_failure: Callable[[], object] | None = None,
) -> None:
    """Send after the transaction commits. With ``on_failure``, a failed send is logged (without
    the address) and handed to it instead of raising: for senders who must not learn about it.

    Written in ``language`` (the recipient's saved choice), else in the language of the page
    that caused it. ``subject`` is a lazy translation, so it follows the same language."""
    with translation.override(language or translation.get_language()):
        body = render_to_string(template, context)
        subject = str(subject)

    def send() -> None:
        if on_failure is None:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
            return
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
        except Exception as exc:  # any transport error; the person asking is told nothing
            # the type only: SMTP errors quote the recipient's address
            logger.error("could not send %r: %s", subject, type(exc).__name__)
            on_failure()

    transaction.on_commit(send)
