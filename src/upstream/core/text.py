"""Small helpers for the words Upstream shows people."""

from __future__ import annotations


def count(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 problem", "3 problems", "0 changes": a number with its noun, never "problem(s)"."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
