"""The suppression engine: small counts hidden, complementary cells chosen so that nothing hidden
can be worked out from what is published, checked by the attacker's own linear programs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upstream.monitoring.suppression import (
    MARKER,
    Key,
    Release,
    Rules,
    Table,
    UnsafeRelease,
    _bridges,
    attack,
    protect,
)

# Two 2×2 rectangles of small cells (r0–r1 × c0–c1 and r2–r3 × c2–c3) joined by (r1, c2) = 7:
# every row and column holds two or three suppressed cells, yet (r1, c2) is exactly disclosed.
BRIDGED = [[3, 4, 50, 60], [5, 6, 7, 80], [70, 80, 2, 3], [90, 95, 4, 5]]


def _table(counts: list[list[int]], name: str = "t", rows: str = "r", columns: str = "c") -> Table:
    return Table.of(
        name,
        rows=(rows, [f"{rows}{i}" for i in range(len(counts))]),
        columns=(columns, [f"{columns}{j}" for j in range(len(counts[0]))]),
        counts=counts,
    )


def _narrowest(release: Release, suppressed: dict[Key, str] | list[Key]) -> float:
    intervals, _ = attack(release, suppressed)
    return min(span.width for span in intervals.values())


def test_two_per_row_and_column_is_not_enough_and_the_engine_catches_it() -> None:
    table = _table(BRIDGED)
    release = Release.of(table)
    naive = [table.key(i, j) for i, j in ((0, 0), (0, 1), (1, 0), (1, 1), (1, 2))]
    naive += [table.key(i, j) for i, j in ((2, 2), (2, 3), (3, 2), (3, 3))]
    intervals, _ = attack(release, naive)
    joined = intervals[table.key(1, 2)]
    assert (joined.low, joined.high) == pytest.approx((7, 7))  # disclosed exactly
    protected = protect(release)
    assert _narrowest(release, protected.suppressed) >= 11
    assert _bridges(table.grid(), protected.suppressed) == []


@pytest.mark.parametrize(
    ("counts", "hidden", "shown"),
    [
        # a lone small cell: its row, its column and a fourth cell close the rectangle
        ([[1, 40, 50], [30, 60, 70], [20, 25, 90]], [(0, 0)], [(2, 2)]),
        # zeros are shown and never used as complements while another cell will do
        ([[0, 5, 50], [30, 60, 70], [20, 25, 90]], [(0, 1)], [(0, 0)]),
        # a small margin is suppressed too
        ([[2, 3], [40, 50]], [(0, 2)], []),
        # counts of 11 or more need nothing
        ([[11, 12], [13, 14]], [], [(0, 0), (2, 2)]),
    ],
)
def test_small_counts_and_margins_are_suppressed_and_others_shown(
    counts: list[list[int]], hidden: list[tuple[int, int]], shown: list[tuple[int, int]]
) -> None:
    table = _table(counts)
    protected = protect(Release.of(table))
    grid = protected.table(table)
    for i, j in hidden:
        assert grid[i][j].text == MARKER
        assert grid[i][j].value is None
        assert "counts from 1 to 10" in grid[i][j].note
    for i, j in shown:
        assert not grid[i][j].suppressed
        assert grid[i][j].value == table.values()[i][j]
    if protected.suppressed:
        assert _narrowest(Release.of(table), protected.suppressed) >= 11


def test_suppressed_cells_all_look_the_same_whatever_the_reason() -> None:
    table = _table([[3, 40, 50], [30, 60, 70], [20, 25, 90]])
    protected = protect(Release.of(table))
    hidden = [cell for line in protected.table(table) for cell in line if cell.suppressed]
    assert {cell.reason for cell in hidden} == {"small", "complementary"}
    assert {(cell.text, cell.note) for cell in hidden} == {(MARKER, protected.note)}


def test_a_suppressed_one_gets_a_third_suppression_in_its_line() -> None:
    table = _table([[1, 30, 40, 50], [20, 30, 40, 50], [20, 30, 40, 50]])
    protected = protect(Release.of(table))
    first_row = [key for key in table.grid()[0] if key in protected.suppressed]
    first_column = [line[0] for line in table.grid() if line[0] in protected.suppressed]
    assert len(first_row) >= 3
    assert len(first_column) >= 3


def test_overlapping_tables_are_audited_together() -> None:
    by_age = _table([[3, 40, 50], [30, 60, 70], [20, 25, 90]], "by age", "county", "age")
    by_sex = _table([[50, 43], [80, 80], [70, 65]], "by sex", "county", "sex")
    release = Release.of(by_age, by_sex)
    assert by_age.key(0, None) == by_sex.key(0, None)  # the county totals are shared
    protected = protect(release)
    assert _narrowest(release, protected.suppressed) >= 11
    for table in (by_age, by_sex):
        assert _bridges(table.grid(), protected.suppressed) == []


def test_tables_that_disagree_on_a_shared_total_are_refused() -> None:
    by_age = _table([[3, 40], [30, 60]], "by age", "county", "age")
    by_sex = _table([[40, 4], [45, 45]], "by sex", "county", "sex")
    with pytest.raises(ValueError, match="gives county=county0 as 44"):
        protect(Release.of(by_age, by_sex))


def test_percentages_follow_their_counts() -> None:
    table = _table([[3, 40, 50], [30, 60, 70], [20, 25, 90]])
    protected = protect(Release.of(table))
    small = protected.derived(3 / 93 * 100, parts=[table.key(0, 0), table.key(0, None)])
    assert small.suppressed and small.text == MARKER
    big = protected.derived(90 / 205 * 100, parts=[table.key(2, 2), table.key(None, 2)])
    assert not big.suppressed and big.text == "43.9"


@pytest.mark.parametrize("threshold", [4, 21])
def test_the_threshold_must_be_from_5_to_20(threshold: int) -> None:
    with pytest.raises(ValueError, match="threshold must be from 5 to 20"):
        Rules(threshold=threshold)


def test_a_lower_threshold_suppresses_less() -> None:
    table = _table([[6, 40, 50], [30, 60, 70], [20, 25, 90]])
    assert not protect(Release.of(table), Rules(threshold=5)).suppressed
    assert protect(Release.of(table)).suppressed


def test_zeros_can_be_suppressed_too() -> None:
    table = _table([[0, 40, 50], [30, 60, 70], [20, 25, 90]])
    assert not protect(Release.of(table)).suppressed
    protected = protect(Release.of(table), Rules(show_zeros=False))
    assert protected.cell(table, 0, 0).suppressed


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([[1, -2], [3, 4]], "cannot be negative"),
        ([[1, 2], [3]], "counts must be 2 rows of 2 values"),
    ],
)
def test_malformed_tables_are_refused(counts: list[list[int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        protect(Release.of(_table(counts)))


def test_a_release_not_made_safe_within_the_rounds_allowed_is_refused_not_published() -> None:
    table = _table(BRIDGED)  # the cycle rules alone leave a cell too narrow: the audit adds one
    assert protect(Release.of(table)).rounds == 1
    with pytest.raises(UnsafeRelease) as refused:
        protect(Release.of(table), Rules(max_rounds=0))
    assert refused.value.cells


def test_k_rounding_floors_every_count_and_hides_the_small_ones() -> None:
    table = _table([[3, 40], [30, 65]])
    protected = protect(Release.of(table), Rules(mode="k-round"))
    texts = [[cell.text for cell in line] for line in protected.table(table)]
    assert texts == [[MARKER, "33", "33"], ["22", "55", "88"], ["33", "99", "132"]]
    assert "rounded down to a multiple of 11" in protected.note
    assert protected.lp_solves == 0


def test_the_outcome_is_deterministic() -> None:
    table = _table(BRIDGED)
    first = protect(Release.of(table))
    again = protect(Release.of(table))
    assert first.suppressed == again.suppressed
    assert first.lp_solves == again.lp_solves


counts = st.integers(min_value=2, max_value=4).flatmap(
    lambda rows: st.integers(min_value=2, max_value=4).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 12), st.integers(11, 80)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts)
def test_no_suppressed_cell_is_left_narrower_than_the_threshold(
    table_counts: list[list[int]],
) -> None:
    table = _table(table_counts)
    release = Release.of(table)
    try:
        protected = protect(release)
    except UnsafeRelease:
        return  # refused: nothing is published
    values = {
        key: value
        for line, vals in zip(table.grid(), table.values(), strict=True)
        for key, value in zip(line, vals, strict=True)
    }
    for key, value in values.items():
        if 0 < value < 11:
            assert key in protected.suppressed
    if protected.suppressed:
        assert _narrowest(release, protected.suppressed) >= 11
        assert _bridges(table.grid(), protected.suppressed) == []
    assert protect(release).suppressed == protected.suppressed


def _grid(rows: int, columns: int) -> st.SearchStrategy[list[list[int]]]:
    cell = st.one_of(st.integers(0, 12), st.integers(11, 80))
    line = st.lists(cell, min_size=columns, max_size=columns)
    return st.lists(line, min_size=rows, max_size=rows)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=2, max_value=3).flatmap(lambda n: st.tuples(_grid(n, 3), _grid(n, 2))))
def test_tables_sharing_their_row_totals_are_protected_together(
    pair: tuple[list[list[int]], list[list[int]]],
) -> None:
    first, second = pair
    # make the second table's county totals equal to the first's: the same people, by sex
    totals = [sum(line) for line in first]
    second = [
        [*line[:-1], total - sum(line[:-1])] for line, total in zip(second, totals, strict=True)
    ]
    if any(value < 0 for line in second for value in line):
        return
    release = Release.of(
        _table(first, "by age", "county", "age"), _table(second, "by sex", "county", "sex")
    )
    try:
        protected = protect(release)
    except UnsafeRelease:
        return
    if protected.suppressed:
        assert _narrowest(release, protected.suppressed) >= 11
