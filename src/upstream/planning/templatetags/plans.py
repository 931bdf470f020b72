"""Template helpers for plan pages that render once per activity (hundreds of times a page)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def status_options(statuses: Iterable[tuple[str, str]], current: str) -> SafeString:
    """The ``<option>`` elements of a status select, ``current`` selected: one Python call
    instead of a template loop per activity."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == current else "", label) for value, label in statuses),
    )
