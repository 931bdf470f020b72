"""Template helpers for plan pages that render once per activity (hundreds of times a page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from upstream.planning import labels

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


@register.filter
def vocab(value: object, vocabulary: str) -> str:
    """``{{ a.status|vocab:"status" }}`` → "In progress"; ``{{ o.horizon|vocab:"horizon" }}``."""
    return labels.label(vocabulary, value)


@register.filter
def as_date(value: object) -> dt.date | None:
    """A plan document's ISO date as a date: ``{{ a.start|as_date|date:"j M Y" }}``."""
    return labels.iso_date(value)


@register.filter
def money(value: object) -> str:
    return labels.money(value)


@register.filter
def css_string(value: object) -> SafeString:
    """Text for a CSS ``content: "..."`` string (page headers and footers of the PDF)."""
    text = " ".join(str(value).split())
    escaped = "".join(f"\\{ord(c):x} " if c in '\\"<>&' else c for c in text)
    return mark_safe(escaped)  # noqa: S308 (every character that matters is escaped above)
