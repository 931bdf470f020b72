"""Small helpers for the words Upstream shows people."""

from __future__ import annotations

from typing import Any


def count(n: int, singular: Any, plural: str | None = None) -> str:
    """ "1 problem", "3 problems", "0 changes": a number with its noun, never "problem(s)".

    For people, pass one translated message with both forms, the number named ``count``:
    ``count(n, ngettext_lazy("%(count)s problem", "%(count)s problems", "count"))`` gives
    "3 problemas" in Spanish, with the language's own plural rules. Two plain English words
    (``count(n, "problem")``) are for text that is never translated, such as log lines.
    """
    if not isinstance(singular, str):
        return str(singular % {"count": n})
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
