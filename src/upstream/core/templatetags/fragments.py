"""``{% fragment "name" part ... %} ... {% endfragment %}``: a cached piece of a page.

The parts are template values that together say what the fragment shows (a revision, a
permission variant); the active language is always part of the key. See ``core.fragments``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from upstream.core.fragments import fragment_get_or_render

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, parts: list[FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts

    def render(self, context: Context) -> SafeString:
        token: Any = context.get("csrf_token")
        visitor = None if not token or str(token) == "NOTPROVIDED" else str(token)

        def render(placeholder: str) -> str:
            if visitor is None:
                return self.nodelist.render(context)
            with context.push(csrf_token=placeholder):
                return self.nodelist.render(context)

        html = fragment_get_or_render(
            name=str(self.name.resolve(context)),
            parts=[part.resolve(context) for part in self.parts],
            render=render,
            csrf_token=visitor,
        )
        return mark_safe(html)  # noqa: S308 (the output of our own templates, escaped by them)


@register.tag("fragment")
def do_fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            "{% fragment %} takes a name and at least one part of its key"
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
