"""Rendered page fragments kept in the cache, keyed by what they show.

A fragment is a piece of a page that is costly to render and the same for everyone who shares
its key: the strategy pages of a framework version, the logic model of one plan revision as one
kind of viewer sees it. The key is built from the fragment's name, the active language and the
parts the caller names (revision, permission variant); when the content changes, its key changes,
so an edit never shows a stale fragment and old entries simply expire.

What must never be cached: a CSRF token (each visitor has their own), and anything that depends
on the person rather than on the key's parts. ``{% csrf_token %}`` inside a fragment renders a
placeholder, which is replaced with the visitor's token every time the fragment is served.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.core.cache import cache as default_cache
from django.utils.translation import get_language

# Bump when the way fragments are rendered changes in a way their keys do not show.
FORMAT = 1


@cache
def csrf_placeholder() -> str:
    """What a cached fragment holds where a CSRF token goes: derived from the secret key, so
    that no text a person types can be taken for it; letters and digits only, so that HTML
    escaping leaves it alone."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"upstream.fragment.csrf", hashlib.sha256)
    return "csrf" + digest.hexdigest()[:40]


def fragment_key(name: str, parts: Iterable[Any]) -> str:
    """The cache key of fragment ``name`` for ``parts``, in the active language."""
    material = repr((FORMAT, name, get_language(), tuple(parts)))
    return f"fragment:{name}:{hashlib.sha256(material.encode()).hexdigest()}"


def fragment_get_or_render(
    *, name: str, parts: Iterable[Any], render: Callable[[str], str], csrf_token: str | None
) -> str:
    """The fragment ``name`` for ``parts``, rendered by ``render(token)`` if it is not cached.

    ``render`` receives the token to write for ``{% csrf_token %}``: the placeholder when the
    page has a token (the cached copy keeps the placeholder), else ``""``. The answer carries the
    visitor's own ``csrf_token``.
    """
    key = fragment_key(name, (*parts, csrf_token is not None))
    html = default_cache.get(key)
    if html is None:
        html = render(csrf_placeholder() if csrf_token is not None else "")
        default_cache.set(key, html, settings.FRAGMENT_CACHE_SECONDS)
    if csrf_token is None:
        return str(html)
    return str(html).replace(csrf_placeholder(), csrf_token)
