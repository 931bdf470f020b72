"""Small-cell suppression for every aggregate that leaves Upstream. Pure Python (and SciPy), no
Django: a release goes in, the figures that may be shown come out.

A **release** is a fixed set of predefined two-way tables of counts, audited together. Each table
crosses two variables (``county`` × ``age``, say); its margins (row totals, column totals and the
grand total) are computed here and published too. Tables that share a variable share quantities:
the ``county`` totals of ``county × age`` and of ``county × sex`` are the same numbers, so a
suppression in one is a suppression in the other, and the audit sees both tables' equations.

The procedure (docs/suppression.md gives the reasons and the limits):

1. **Primary.** Every count from 1 to ``threshold - 1`` (default 1 to 10), margins included, is
   suppressed. Zeros are shown unless ``show_zeros=False``.
2. **Complementary**, per table, on the table extended by its margins, repeated until nothing
   changes: a line (row or column) with exactly one suppressed entry gets a second; a line holding
   a suppressed 1 gets a third; every suppressed cell that lies on no cycle of suppressed cells
   (a *bridge* of the bipartite row/column graph: its value would follow from the others) gets a
   cell that closes a cycle through it. Cheapest first: the smallest non-zero interior count,
   then in a fixed order, so that the same release always gives the same pattern.
3. **Audit.** For every suppressed cell, the attacker's two linear programs (minimise and
   maximise it subject to every published equation of every table and to counts being
   non-negative; ``scipy.optimize.linprog``, HiGHS) give the integer interval it could lie in.
   Each interval must be at least ``protection`` wide (default: the threshold). A cell that fails
   gets one more suppression in one of its lines, step 2 runs again, and the audit again, for at
   most ``max_rounds`` rounds; a release still unsafe then raises :class:`UnsafeRelease`.
4. **Derived figures.** A percentage or rate whose numerator or denominator involves a suppressed
   count is suppressed (:meth:`Protected.derived`).

Suppressed figures are all shown the same way (``"suppressed"`` and one note), so a reader cannot
tell a small count from a complementary one.

``mode="k-round"`` is the other, weaker mode: every count is rounded down to a multiple of the
threshold and anything below it is suppressed; no complementary suppression or audit is done.
The release model (rules, tables, releases, results) is in :mod:`upstream.monitoring.tables`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from upstream.monitoring.tables import (
    DEFAULT_MAX_ROUNDS,
    DEFAULT_THRESHOLD,
    MARKER,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    Interval,
    Key,
    Protected,
    Reason,
    Release,
    Rules,
    Shown,
    Table,
    UnsafeRelease,
)

# --- the release as quantities and equations --------------------------------------------------


@dataclass
class _Space:
    tables: tuple[Table, ...]
    values: dict[Key, int]
    grids: list[list[list[Key]]]
    equations: list[tuple[Key, tuple[Key, ...]]]  # total = sum(parts)
    order: dict[Key, tuple[int, int, int, int]]


def _space(release: Release) -> _Space:
    if not release.tables:
        raise ValueError("a release holds at least one table")
    names = [t.name for t in release.tables]
    if len(set(names)) != len(names):
        raise ValueError("two tables of the release have the same name")
    values: dict[Key, int] = {}
    grids = []
    equations: dict[tuple[Key, tuple[Key, ...]], None] = {}
    order: dict[Key, tuple[int, int, int, int]] = {}
    for t_index, table in enumerate(release.tables):
        table.check()
        grid, numbers = table.grid(), table.values()
        grids.append(grid)
        for i, line in enumerate(grid):
            for j, key in enumerate(line):
                if key in values and values[key] != numbers[i][j]:
                    raise ValueError(
                        f"table {table.name!r} gives {_label(key)} as {numbers[i][j]}, another "
                        f"table of the release as {values[key]}"
                    )
                values[key] = numbers[i][j]
                margin = int(i == len(grid) - 1 or j == len(line) - 1)
                order.setdefault(key, (margin, t_index, i, j))
        for line in grid:
            equations[(line[-1], tuple(line[:-1]))] = None
        for j in range(len(grid[0])):
            column = [line[j] for line in grid]
            equations[(column[-1], tuple(column[:-1]))] = None
    return _Space(release.tables, values, grids, list(equations), order)


def _label(key: Key) -> str:
    return ", ".join(f"{variable}={category}" for variable, category in key) or "the total"


def _lines(grid: list[list[Key]]) -> list[list[Key]]:
    return [list(line) for line in grid] + [list(col) for col in zip(*grid, strict=True)]


# --- complementary suppression ------------------------------------------------------------------


def _cost(space: _Space, key: Key) -> tuple[int, int, int, tuple[int, int, int, int]]:
    value = space.values[key]
    return (int(value == 0), space.order[key][0], value, space.order[key])


def _cheapest(
    space: _Space, candidates: Iterable[Key], suppressed: dict[Key, Reason]
) -> Key | None:
    free = [key for key in candidates if key not in suppressed]
    return min(free, key=lambda key: _cost(space, key)) if free else None


def _bridges(grid: list[list[Key]], suppressed: dict[Key, Reason]) -> list[tuple[int, int]]:
    """Suppressed cells (i, j) of the extended table that lie on no cycle of suppressed cells:
    the bridges of the graph whose nodes are rows and columns and whose edges are those cells."""
    n_rows, n_cols = len(grid), len(grid[0])
    adjacency: dict[int, list[tuple[int, int]]] = {}
    edges: list[tuple[int, int]] = []
    for i in range(n_rows):
        for j in range(n_cols):
            if grid[i][j] in suppressed:
                edge = len(edges)
                edges.append((i, j))
                adjacency.setdefault(i, []).append((n_rows + j, edge))
                adjacency.setdefault(n_rows + j, []).append((i, edge))
    seen: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[tuple[int, int]] = []
    counter = 0
    for root in sorted(adjacency):
        if root in seen:
            continue
        seen[root] = low[root] = counter
        counter += 1
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]  # node, edge in, next neighbour
        while stack:
            node, via, index = stack[-1]
            neighbours = adjacency[node]
            if index < len(neighbours):
                stack[-1] = (node, via, index + 1)
                other, edge = neighbours[index]
                if edge == via:
                    continue
                if other in seen:
                    low[node] = min(low[node], seen[other])
                else:
                    seen[other] = low[other] = counter
                    counter += 1
                    stack.append((other, edge, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > seen[parent]:
                        found.append(edges[via])
    return sorted(found)


def _side(grid: list[list[Key]], suppressed: dict[Key, Reason], cut: tuple[int, int]) -> set[int]:
    """Nodes reachable from the cut cell's row without crossing it (rows 0.., columns after)."""
    n_rows, n_cols = len(grid), len(grid[0])
    reached, todo = {cut[0]}, [cut[0]]
    while todo:
        node = todo.pop()
        if node < n_rows:
            nxt = [
                (n_rows + j)
                for j in range(n_cols)
                if grid[node][j] in suppressed and (node, j) != cut
            ]
        else:
            j = node - n_rows
            nxt = [i for i in range(n_rows) if grid[i][j] in suppressed and (i, j) != cut]
        for other in nxt:
            if other not in reached:
                reached.add(other)
                todo.append(other)
    return reached


def _close_cycle(
    space: _Space, grid: list[list[Key]], suppressed: dict[Key, Reason], cut: tuple[int, int]
) -> Key | None:
    """The cheapest cell whose suppression puts the bridge ``cut`` on a cycle: one joining the
    two sides the bridge separates."""
    n_rows = len(grid)
    side = _side(grid, suppressed, cut)
    rows_a = {n for n in side if n < n_rows}
    cols_a = {n - n_rows for n in side if n >= n_rows}
    # a cell with its row on one side and its column on the other; only cells whose row and
    # column are both in the bridge's component close a cycle through it
    component = _component(grid, suppressed, cut)
    candidates = [
        grid[i][j]
        for i in range(n_rows)
        for j in range(len(grid[0]))
        if i in component[0] and j in component[1] and (i in rows_a) != (j in cols_a)
    ]
    return _cheapest(space, candidates, suppressed)


def _component(
    grid: list[list[Key]], suppressed: dict[Key, Reason], cut: tuple[int, int]
) -> tuple[set[int], set[int]]:
    n_rows, n_cols = len(grid), len(grid[0])
    rows, cols, todo = {cut[0]}, set(), [(0, cut[0])]
    while todo:
        kind, index = todo.pop()
        if kind == 0:
            for j in range(n_cols):
                if grid[index][j] in suppressed and j not in cols:
                    cols.add(j)
                    todo.append((1, j))
        else:
            for i in range(n_rows):
                if grid[i][index] in suppressed and i not in rows:
                    rows.add(i)
                    todo.append((0, i))
    return rows, cols


def _complete(space: _Space, suppressed: dict[Key, Reason]) -> None:
    """Step 2: add complementary suppressions until every table satisfies the line, singleton
    and cycle rules (each addition is the cheapest that fixes one breach, in a fixed order)."""
    changed = True
    while changed:
        changed = False
        for grid in space.grids:
            for line in _lines(grid):
                hidden = [key for key in line if key in suppressed]
                singleton = any(space.values[key] == 1 for key in hidden)
                need = 3 if singleton else 2
                if 0 < len(hidden) < need:
                    pick = _cheapest(space, line, suppressed)
                    if pick is not None:
                        suppressed[pick] = "complementary"
                        changed = True
            if changed:
                break
            for cut in _bridges(grid, suppressed):
                pick = _close_cycle(space, grid, suppressed, cut)
                if pick is not None:
                    suppressed[pick] = "complementary"
                    changed = True
                    break
            if changed:
                break


# --- the audit ----------------------------------------------------------------------------------


def attack(
    space_or_release: Release | _Space, suppressed: Iterable[Key], *, need: int | None = None
) -> tuple[dict[Key, Interval], int]:
    """The attacker's interval for every suppressed quantity, from every published equation of
    the release and non-negativity, and the number of linear programs solved.

    With ``need`` (the width required), a cell whose feasible values already seen span ``need``
    is not solved for: its interval is then the values seen, which lie inside the exact one (so
    it is at least that wide). Without it, every interval is exact (two LPs per cell)."""
    space = space_or_release if isinstance(space_or_release, _Space) else _space(space_or_release)
    hidden = sorted(set(suppressed), key=lambda key: space.order[key])
    if not hidden:
        return {}, 0
    equations: list[tuple[list[Key], list[float], float]] = []
    hidden_set = set(hidden)
    for total, parts in space.equations:
        keys, signs, constant = [], [], 0.0
        for key, sign in [(total, -1.0), *((p, 1.0) for p in parts)]:
            if key in hidden_set:
                keys.append(key)
                signs.append(sign)
            else:
                constant += sign * space.values[key]
        if keys:
            equations.append((keys, signs, -constant))
    intervals: dict[Key, Interval] = {}
    solves = 0
    # each quantity is bounded only by the equations linked to it: one LP per component
    for members, rows in _components(hidden, equations):
        column = {key: n for n, key in enumerate(members)}
        a_eq = np.zeros((len(rows), len(members)))
        b_eq = np.zeros(len(rows))
        for r, (keys, signs, constant) in enumerate(rows):
            for key, sign in zip(keys, signs, strict=True):
                a_eq[r, column[key]] += sign
            b_eq[r] = constant
        # every solution is a point the attacker cannot rule out: the true values are one, and
        # each LP's optimum another. A cell whose seen values already span ``need`` passes
        # without LPs of its own (its true interval is at least as wide).
        seen_low = {key: float(space.values[key]) for key in members}
        seen_high = dict(seen_low)
        for key, n in column.items():
            ends: list[float] = []
            for sign in (1.0, -1.0):
                if need is not None and Interval(seen_low[key], seen_high[key]).width >= need:
                    break
                objective = np.zeros(len(members))
                objective[n] = sign
                solved = linprog(
                    objective,
                    A_eq=a_eq if rows else None,
                    b_eq=b_eq if rows else None,
                    bounds=(0, None),
                    method="highs",
                )
                solves += 1
                if solved.status == 3:  # unbounded (only a maximum can be)
                    seen_high[key] = math.inf
                    ends.append(math.inf)
                    continue
                if solved.status != 0 or solved.fun is None or solved.x is None:
                    raise RuntimeError(f"the audit's linear program failed: {solved.message}")
                ends.append(sign * float(solved.fun))
                point = solved.x
                for other, m in column.items():
                    seen_low[other] = min(seen_low[other], float(point[m]))
                    seen_high[other] = max(seen_high[other], float(point[m]))
            if len(ends) == 2:
                intervals[key] = Interval(low=ends[0], high=ends[1])
            else:  # settled early: the values seen, inside the true interval
                intervals[key] = Interval(low=seen_low[key], high=seen_high[key])
    return intervals, solves


def _components(
    hidden: list[Key], equations: list[tuple[list[Key], list[float], float]]
) -> list[tuple[list[Key], list[tuple[list[Key], list[float], float]]]]:
    """Suppressed quantities grouped by the equations that link them, with those equations."""
    parent = {key: key for key in hidden}

    def find(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for keys, _, _ in equations:
        for other in keys[1:]:
            a, b = find(keys[0]), find(other)
            if a != b:
                parent[b] = a
    groups: dict[Key, tuple[list[Key], list[tuple[list[Key], list[float], float]]]] = {}
    for key in hidden:
        groups.setdefault(find(key), ([], []))[0].append(key)
    for equation in equations:
        groups[find(equation[0][0])][1].append(equation)
    return list(groups.values())


def _widen(space: _Space, suppressed: dict[Key, Reason], failing: Sequence[Key]) -> bool:
    """One more suppression per failing cell, in one of its lines (cheapest first); False when
    nothing could be added."""
    added = False
    for key in failing:
        lines = [line for grid in space.grids for line in _lines(grid) if key in line]
        pick = _cheapest(space, (k for line in lines for k in line), suppressed)
        if pick is None:  # its lines are all suppressed: widen elsewhere in its tables
            grids = [grid for grid in space.grids if any(key in line for line in grid)]
            pick = _cheapest(
                space, (k for grid in grids for line in grid for k in line), suppressed
            )
        if pick is not None:
            suppressed[pick] = "complementary"
            added = True
    return added


def protect(release: Release, rules: Rules | None = None) -> Protected:
    """Suppress the release's small counts and enough others that none can be worked out."""
    rules = rules or Rules()
    space = _space(release)
    k = rules.threshold
    if rules.mode == "k-round":
        rounded: dict[Key, Reason] = {
            key: "small" if 0 < value < k or (value == 0 and not rules.show_zeros) else "rounded"
            for key, value in space.values.items()
        }
        return Protected(release, rules, space.values, rounded)
    suppressed: dict[Key, Reason] = {}
    for key in sorted(space.values, key=lambda key: space.order[key]):
        value = space.values[key]
        if 0 < value < k or (value == 0 and not rules.show_zeros):
            suppressed[key] = "small"
    rounds = solves = 0
    while True:
        _complete(space, suppressed)
        intervals, count = attack(space, suppressed, need=rules.width)
        solves += count
        failing = [key for key, span in intervals.items() if span.width < rules.width]
        if not failing:
            return Protected(release, rules, space.values, suppressed, intervals, rounds, solves)
        if rounds >= rules.max_rounds or not _widen(space, suppressed, failing):
            raise UnsafeRelease(failing, rounds)
        rounds += 1


__all__ = [
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_THRESHOLD",
    "MARKER",
    "MAX_THRESHOLD",
    "MIN_THRESHOLD",
    "Interval",
    "Key",
    "Protected",
    "Release",
    "Rules",
    "Shown",
    "Table",
    "UnsafeRelease",
    "attack",
    "protect",
]
