"""Problems found in input files, and the one error every importer raises with all of them.

Importers (framework packs, community CSVs, index definitions, and the ones to come) follow one
shape, ``parse → validate → write``: they collect every problem with its location instead of
stopping at the first, and raise :class:`DataError` listing them before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from upstream.core.text import count

JsonPath = tuple[str | int, ...]


def format_path(path: JsonPath) -> str:
    """``strategies[0].name`` for ``("strategies", 0, "name")``; ``(top)`` for the document."""
    if not path:
        return "(top)"
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def shown(value: object, limit: int = 60) -> str:
    """A value from a file as it may appear in a message: quoted, escaped, and cut short.

    ``repr`` escapes control characters and bidirectional overrides, so a hostile cell cannot
    rewrite the terminal or the page it is reported on; a 100,000-character cell is not echoed.
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "…" + text[-4:]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem and where it is.

    ``row`` is the 1-based data row of a table (the CSV line is ``row + 1`` when no cell spans
    lines) and ``column`` its column; ``file``, ``line`` and ``path`` place a problem in a
    document (``path`` is the JSON path, ``()`` for the whole document).
    """

    message: str
    row: int | None = None
    column: str | None = None
    file: str | None = None
    line: int | None = None
    path: JsonPath | None = None

    @property
    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.path is not None:
            parts.append(format_path(self.path))
        cell = []
        if self.row is not None:
            cell.append(f"row {self.row}")
        if self.column:
            cell.append(f"column {self.column}")
        if cell:
            parts.append(", ".join(cell))
        return ": ".join(parts)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON-ready data (keys with no value are left out)."""
        out: dict[str, Any] = {"message": self.message}
        for name in ("file", "line", "row", "column"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.path is not None:
            out["path"] = format_path(self.path)
        return out


class DataError(ValueError):
    """Input that cannot be used; ``problems`` lists every reason found. Nothing was written."""

    def __init__(self, problems: Sequence[Problem], *, source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        counted = count(len(self.problems), "problem")
        super().__init__(f"{head}{counted}, nothing written\n{lines}")
