"""``{% fragment %}``: one cached copy per key and language, never holding a CSRF token."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from upstream.core.fragments import csrf_placeholder, fragment_key

PAGE = Template(
    '{% load fragments %}{% fragment "test" part %}{{ text }}{% csrf_token %}{% endfragment %}'
)


def _render(**context: Any) -> str:
    return PAGE.render(Context(context))


def test_a_fragment_is_served_from_the_cache_for_the_same_key() -> None:
    assert _render(part=1, text="first").startswith("first")
    assert _render(part=1, text="second").startswith("first")
    assert _render(part=2, text="second").startswith("second")


def test_each_language_has_its_own_copy() -> None:
    with translation.override("en"):
        assert _render(part=1, text="Strategy").startswith("Strategy")
    with translation.override("es"):
        assert _render(part=1, text="Estrategia").startswith("Estrategia")
    with translation.override("en"):
        assert _render(part=1, text="other").startswith("Strategy")


def test_each_visitor_gets_their_own_csrf_token_and_the_cache_none() -> None:
    from django.core.cache import cache

    first = _render(part=1, text="", csrf_token="a" * 64)
    second = _render(part=1, text="", csrf_token="b" * 64)
    assert 'value="' + "a" * 64 + '"' in first
    assert 'value="' + "b" * 64 + '"' in second
    assert csrf_placeholder() not in first + second
    stored = cache.get(fragment_key("test", (1, True)))
    assert csrf_placeholder() in stored
    assert "a" * 64 not in stored and "b" * 64 not in stored


def test_without_a_token_the_form_field_is_left_out() -> None:
    assert "csrfmiddlewaretoken" not in _render(part=1, text="x")


def test_a_fragment_needs_a_name_and_a_key() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template('{% load fragments %}{% fragment "test" %}x{% endfragment %}')
