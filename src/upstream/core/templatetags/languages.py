"""``{% load languages %}``: ``{% language_names as names %}``, each language named in itself
("English", "Español") whatever the page's language, for the switcher and settings."""

from __future__ import annotations

from django import template

from upstream.core.languages import language_names as _language_names

register = template.Library()


@register.simple_tag
def language_names() -> list[tuple[str, str]]:
    return _language_names()
