"""Framework item text in the page's language: ``{% load framework_text %}``.

``{{ item|tr:"name" }}`` gives the plain text (for titles, breadcrumbs and attributes);
``{% text item "description" %}`` marks English shown on a page in another language with
``lang="en"`` and a visible "not yet translated" tag.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from upstream.framework.translation import text_of

register = template.Library()


def _joined(value: Any, separator: str) -> str:
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    return "" if value is None else str(value)


@register.filter
def tr(item: Any, name: str) -> str:
    """Field ``name`` of ``item`` in the page's language, else in English (lists joined)."""
    return _joined(text_of(item, name).value, ", ")


@register.simple_tag
def text(item: Any, name: str, *, linebreaks: bool = False, join: str = ", ") -> SafeString:
    """Field ``name`` of ``item`` as HTML, its English marked when no translation exists."""
    found = text_of(item, name)
    body = _joined(found.value, join)
    html = linebreaksbr(body, autoescape=True) if linebreaks else conditional_escape(body)
    if not found.fallback:
        return mark_safe(html)  # noqa: S308  (escaped above)
    return format_html(
        '<span lang="en">{}</span> <span class="usa-tag bg-base-lighter text-ink '
        'text-no-uppercase">{}</span>',
        html,
        gettext("not yet translated"),
    )
