"""The languages Upstream speaks, and which one a request is answered in.

The order (docs/decisions/0019-languages.md): the signed-in person's saved choice, then the
language cookie (anonymous visitors, or a person who chose nothing), then the browser's
Accept-Language, then English. A code that is not one of LANGUAGES is ignored at every step, so a
garbage cookie or header can only ever give English.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

# Longer than any real language tag (e.g. "es-419", "zh-Hant-TW"): refused before any lookup.
_MAX_CODE_LENGTH = 35


def supported(code: object) -> str | None:
    """The LANGUAGES code for ``code`` ("es-MX" → "es"), or None if Upstream does not speak it."""
    if not isinstance(code, str) or not code or len(code) > _MAX_CODE_LENGTH:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def language_names() -> list[tuple[str, str]]:
    """(code, name in that language) for every language, in LANGUAGES order."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def request_language(request: HttpRequest, *, saved: str = "") -> str:
    """The language to answer ``request`` in; ``saved`` is the signed-in person's choice."""
    return (
        supported(saved)
        or supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or _from_accept_language(request)
        or settings.LANGUAGE_CODE
    )


def _from_accept_language(request: HttpRequest) -> str | None:
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        language = supported(code)
        if language:
            return language
    return None
