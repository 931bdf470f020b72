"""An item's text in the page's language, falling back to English field by field.

Packs are written in English; each item may carry ``translations: {es: {name: ..., ...}}`` (see
docs/framework-packs.md). Pages and search ask for one field at a time, so an item translated in
part shows its translated fields and the English of the rest, and says which is which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from upstream.framework.pack import languages

SOURCE_LANGUAGE = "en"


def active_language() -> str:
    """The pack language for the active Django language: "es" for "es-mx", else English."""
    code = (get_language() or SOURCE_LANGUAGE).lower().split("-")[0]
    return code if code in languages() else SOURCE_LANGUAGE


@dataclass(frozen=True)
class Text:
    """One field's text (or list of names) and the language it is actually in."""

    value: Any
    language: str
    fallback: bool
    """True when the page asked for another language and the item has no translation of it."""


def _field(item: Any, name: str) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def text_of(item: Any, name: str, language: str | None = None) -> Text:
    """Field ``name`` of ``item`` (a model row or a pack mapping) in ``language`` (default: the
    active one), or its English with ``fallback`` set when it has no translation."""
    english = _field(item, name)
    language = language or active_language()
    if language == SOURCE_LANGUAGE:
        return Text(english, SOURCE_LANGUAGE, False)
    translations = _field(item, "translations") or {}
    value = (translations.get(language) or {}).get(name)
    if value:
        return Text(value, language, False)
    return Text(english, SOURCE_LANGUAGE, bool(english))


def credit(version: Any, language: str | None = None) -> dict[str, str] | None:
    """Who translated ``version`` into the page's language (``by``, ``kind``), if anyone did."""
    language = language or active_language()
    if language == SOURCE_LANGUAGE:
        return None
    found = (version.translation_sources or {}).get(language)
    return dict(found) if found else None
