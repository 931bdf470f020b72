"""The release model of :mod:`upstream.monitoring.suppression`: rules, tables, releases and what is
shown of them. Pure Python, no Django."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

DEFAULT_THRESHOLD = 11
MIN_THRESHOLD = 5
MAX_THRESHOLD = 20
DEFAULT_MAX_ROUNDS = 20
MARKER = "suppressed"

Key = tuple[tuple[str, str], ...]
"""A quantity: the (variable, category) pairs it is the count of, sorted; ``()`` is everyone."""

Mode = Literal["suppress", "k-round"]
Reason = Literal["", "small", "complementary", "rounded"]


class UnsafeRelease(Exception):
    """No safe pattern was found within the rounds allowed: publish nothing of this release."""

    def __init__(self, cells: Sequence[Key], rounds: int) -> None:
        self.cells = list(cells)
        self.rounds = rounds
        super().__init__(
            f"{len(self.cells)} suppressed cell(s) still narrower than allowed after {rounds} "
            "rounds; this release cannot be published as it stands (merge categories)"
        )


@dataclass(frozen=True)
class Rules:
    """How to protect a release. ``threshold`` is the smallest count shown (counts from 1 to
    ``threshold - 1`` are suppressed); ``protection`` the narrowest interval an attacker may be
    left with for a suppressed cell (default: the threshold)."""

    threshold: int = DEFAULT_THRESHOLD
    protection: int | None = None
    show_zeros: bool = True
    max_rounds: int = DEFAULT_MAX_ROUNDS
    mode: Mode = "suppress"

    def __post_init__(self) -> None:
        if not MIN_THRESHOLD <= self.threshold <= MAX_THRESHOLD:
            raise ValueError(
                f"threshold must be from {MIN_THRESHOLD} to {MAX_THRESHOLD}, not {self.threshold}"
            )
        if self.protection is not None and self.protection < 1:
            raise ValueError("protection must be at least 1")
        if self.max_rounds < 0:
            raise ValueError("max_rounds must not be negative")
        if self.mode not in ("suppress", "k-round"):
            raise ValueError(f"mode must be 'suppress' or 'k-round', not {self.mode!r}")

    @property
    def width(self) -> int:
        return self.protection if self.protection is not None else self.threshold


@dataclass(frozen=True)
class Table:
    """A two-way table of counts (interior cells only: margins are computed)."""

    name: str
    row_variable: str
    rows: tuple[str, ...]
    column_variable: str
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @classmethod
    def of(
        cls,
        name: str,
        *,
        rows: tuple[str, Sequence[str]],
        columns: tuple[str, Sequence[str]],
        counts: Sequence[Sequence[int]],
    ) -> Table:
        """``Table.of("age by county", rows=("county", [...]), columns=("age", [...]),
        counts=[[...], ...])``."""
        return cls(
            name=name,
            row_variable=rows[0],
            rows=tuple(rows[1]),
            column_variable=columns[0],
            columns=tuple(columns[1]),
            counts=tuple(tuple(int(v) for v in line) for line in counts),
        )

    def check(self) -> None:
        if self.row_variable == self.column_variable:
            raise ValueError(f"table {self.name!r}: rows and columns cross the same variable")
        for labels, what in ((self.rows, "row"), (self.columns, "column")):
            if not labels:
                raise ValueError(f"table {self.name!r} has no {what}s")
            if len(set(labels)) != len(labels):
                raise ValueError(f"table {self.name!r} repeats a {what} label")
        if len(self.counts) != len(self.rows) or any(
            len(line) != len(self.columns) for line in self.counts
        ):
            raise ValueError(
                f"table {self.name!r}: counts must be {len(self.rows)} rows of "
                f"{len(self.columns)} values"
            )
        if any(v < 0 for line in self.counts for v in line):
            raise ValueError(f"table {self.name!r}: counts cannot be negative")

    def key(self, row: int | None, column: int | None) -> Key:
        """The quantity at (row, column); ``None`` is the margin (the total over that variable)."""
        parts = []
        if row is not None:
            parts.append((self.row_variable, self.rows[row]))
        if column is not None:
            parts.append((self.column_variable, self.columns[column]))
        return tuple(sorted(parts))

    def grid(self) -> list[list[Key]]:
        """Keys of the table extended by its margins: (rows + 1) × (columns + 1), margins last."""
        rows: list[int | None] = [*range(len(self.rows)), None]
        columns: list[int | None] = [*range(len(self.columns)), None]
        return [[self.key(r, c) for c in columns] for r in rows]

    def values(self) -> list[list[int]]:
        """The extended table's values (margins computed)."""
        out = [[*line, sum(line)] for line in self.counts]
        out.append([sum(col) for col in zip(*out, strict=True)])
        return out


@dataclass(frozen=True)
class Release:
    """A fixed set of predefined tables, published together and audited together."""

    tables: tuple[Table, ...]

    @classmethod
    def of(cls, *tables: Table) -> Release:
        return cls(tables=tuple(tables))


@dataclass(frozen=True)
class Shown:
    """One figure as it may be published: its text, its value (None when suppressed), and the
    note saying why it is missing. ``reason`` (small / complementary) is for internal use only."""

    text: str
    value: float | None
    suppressed: bool = False
    note: str = ""
    reason: Reason = ""


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    @property
    def width(self) -> float:
        """Width of the interval of integers the attacker is left with (inf when unbounded)."""
        if math.isinf(self.high):
            return math.inf
        return math.floor(self.high + 1e-6) - math.ceil(self.low - 1e-6)


@dataclass
class Protected:
    """The outcome: which quantities are suppressed and why, the audit's intervals, and how much
    work it took (rounds of the audit, linear programs solved)."""

    release: Release
    rules: Rules
    values: dict[Key, int]
    suppressed: dict[Key, Reason]
    intervals: dict[Key, Interval] = field(default_factory=dict)
    rounds: int = 0
    lp_solves: int = 0

    @property
    def note(self) -> str:
        if self.rules.mode == "k-round":
            return (
                f"Counts are rounded down to a multiple of {self.rules.threshold}; counts below "
                f"{self.rules.threshold} are suppressed."
            )
        return (
            f"Suppressed: counts from 1 to {self.rules.threshold - 1} are not shown, nor figures "
            "from which one of them could be worked out."
        )

    def shown(self, key: Key) -> Shown:
        if key not in self.values:
            raise KeyError(f"no such figure in this release: {key!r}")
        reason = self.suppressed.get(key, "")
        if reason and reason != "rounded":
            return Shown(text=MARKER, value=None, suppressed=True, note=self.note, reason=reason)
        value = self.values[key]
        if self.rules.mode == "k-round":
            value -= value % self.rules.threshold
        return Shown(text=str(value), value=value, reason=reason)

    def cell(self, table: Table, row: int | None, column: int | None) -> Shown:
        return self.shown(table.key(row, column))

    def table(self, table: Table) -> list[list[Shown]]:
        """The extended table (margins last) as it may be published."""
        return [[self.shown(key) for key in line] for line in table.grid()]

    def derived(self, value: float, *, parts: Iterable[Key], digits: int = 1) -> Shown:
        """A percentage or rate computed from ``parts`` (numerator and denominator quantities of
        this release): suppressed if any of them is."""
        keys = list(parts)
        if not keys:
            raise ValueError("a derived figure names the counts it is computed from")
        if any(self.shown(key).suppressed for key in keys):
            return Shown(text=MARKER, value=None, suppressed=True, note=self.note, reason="small")
        return Shown(text=f"{value:.{digits}f}", value=value)
