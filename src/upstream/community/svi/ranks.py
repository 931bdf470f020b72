"""Percentile ranks: exact Polars expressions, and the NumPy ranker the engine uses."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from upstream.community.svi.method import _SCALE, DECIMALS, MISSING, Direction

# ---------------------------------------------------------------------------
# percentile ranks
# ---------------------------------------------------------------------------


def _over(expr: pl.Expr, group_by: str | Sequence[str] | None) -> pl.Expr:
    if group_by is None:
        return expr
    return expr.over(group_by)


def _percentile_units(
    expr: pl.Expr,
    *,
    group_by: str | Sequence[str] | None = None,
    direction: Direction = "higher_more_vulnerable",
) -> pl.Expr:
    """Percentile rank in integer ten-thousandths (Int64), nulls not ranked."""
    rank = _over(expr.rank("min"), group_by).cast(pl.Int64)
    n = _over(expr.count(), group_by).cast(pl.Int64)
    span = n - 1
    # round half away from zero of SCALE*(rank-1)/span, exactly, in integers
    units = ((rank - 1) * (2 * _SCALE) + span) // (2 * span)
    if direction == "lower_more_vulnerable":
        units = _SCALE - units
    return pl.when(span > 0).then(units).otherwise(None)


# ---------------------------------------------------------------------------
# the engine's ranks, in NumPy
# ---------------------------------------------------------------------------
#
# ``compute_index`` works on plain arrays, one contiguous column at a time.  Percentiles
# are held as whole numbers of ten-thousandths in float64 (exact: sums of such numbers
# stay exact far beyond any index's size), so the outputs are one in-place division of
# the same block.  Units that are not ranked (excluded, missing) take key 0 when counting
# and go to an extra "trash" universe when sorting, so no array is ever compacted or
# re-ordered, and every step writes into
# buffers allocated once per computation: at these sizes, fresh arrays cost more in page
# faults than the arithmetic itself.
#
# Counting ranks.  The SVI's inputs are percentages with one decimal, so their distinct
# values fit a few thousand integer buckets per universe: a rank is then a bincount, a
# running total and a table of each bucket's percentile (linear time) instead of a sort.
# Used only when every value is exactly k / 10**d for an integer k (so ties and order
# are those of the values) and the buckets are at most four times the rows.  Otherwise integer
# keys (theme sums within states) are ranked by one sort of ``key << bits | row`` (a value
# sort, much cheaper than an argsort), and anything else by a lexicographic argsort.

_MAX_KEY_RANGE: Final = 20_000_000


@dataclass(frozen=True, slots=True)
class _Groups:
    """Ranking universes: ``codes`` 0..count-1 per row (None: one national universe)."""

    codes: np.ndarray | None
    count: int

    @classmethod
    def of(cls, frame: pl.DataFrame, column: str | None) -> _Groups:
        if column is None:
            return cls(None, 1)
        # a categorical's physical codes are cheap integers; make them dense (nulls are a
        # universe of their own, as in a Polars window)
        physical = frame.select(pl.col(column).cast(pl.String).cast(pl.Categorical).to_physical())
        series = physical.to_series()
        if series.null_count():
            series = series.cast(pl.Int64).fill_null(-1) + 1
        codes = series.to_numpy()
        if codes.size == 0:
            return cls(codes.astype(np.int64), 1)
        present = np.bincount(codes) > 0
        dense = np.cumsum(present, dtype=np.int64) - 1
        return cls(dense[codes], int(present.sum()))


def _percentile_table(rank0: np.ndarray, span: np.ndarray, lower: bool) -> np.ndarray:
    """``round(SCALE * rank0 / span)`` exactly, half away from zero, in integers (in place);
    ``lower`` gives ``SCALE - that``.  ``span`` must be positive (or the result is unused)."""
    rank0 *= 2 * _SCALE
    rank0 += span
    rank0 //= 2 * np.maximum(span, 1)
    if lower:
        np.subtract(_SCALE, rank0, out=rank0)
    return rank0


class _Ranker:
    """Percentile ranks of many columns of one table, sharing scratch buffers.

    All buffers live in one block: NumPy backs blocks of 4 MiB and more with huge pages.
    """

    def __init__(self, groups: _Groups, height: int) -> None:
        self.height = height
        self.universes = groups.count + 1  # the last one holds what is not ranked
        self.trash = groups.count
        self.groups = groups.count
        block = np.empty((height, 9), dtype=np.int64, order="F")
        self.offset, self.positions, self.keys, self.slot, self.spare, self.spare2 = (
            block[:, i] for i in range(6)
        )
        self.real, self.real2 = (block[:, i].view(np.float64) for i in (6, 7))
        self.codes: np.ndarray | None = None if groups.codes is None else block[:, 8]
        # universe = trash + (code - trash) * valid
        if groups.codes is None:
            self.offset.fill(-groups.count)
        else:
            np.subtract(groups.codes, groups.count, out=self.offset)
            np.copyto(block[:, 8], groups.codes)
        self.positions[:] = np.arange(height)
        self.valid = np.empty(height, dtype=bool)
        self.flag = np.empty(height, dtype=bool)
        self.decimals = 0  # where the last column's keys were found

    def load(self, column: np.ndarray, included: np.ndarray | None) -> np.ndarray:
        """Where an input column is valid: not null, NaN, infinite or -999, and ``included``
        (a buffer of this ranker)."""
        valid, flag = self.valid, self.flag
        np.isfinite(column, out=valid)
        valid &= np.not_equal(column, float(MISSING), out=flag)
        if included is not None:
            valid &= included
        return valid

    def rank(
        self,
        values: np.ndarray,
        valid: np.ndarray,
        units: np.ndarray,
        ranked: np.ndarray,
        *,
        lower: bool = False,
        integral: bool = False,
    ) -> None:
        """Write into ``units`` (float64) each valid value's percentile in whole
        ten-thousandths, and into ``ranked`` whether it has one (0 and False elsewhere).

        ``round((rank - 1) / (N - 1), 4)`` within each universe, ascending, ties take the
        lowest rank, rounded half away from zero on the exact fraction; ``lower`` gives
        ``1 - percentile``.  Invalid values are not ranked and do not count in ``N``; a
        universe of one value has no percentile.  ``integral`` values are whole numbers,
        finite everywhere.
        """
        # keys: 1.. in the order and ties of the valid values, 0 where not valid
        width = self._integral_keys(values, valid) if integral else self._keys(values, valid)
        if width is not None and self.groups * width <= max(4 * self.height, 1 << 16):
            # counting: one bucket per (universe, key); bucket 0 of each universe is unranked
            slot = self.keys
            if self.codes is not None:
                slot = self.slot
                np.multiply(self.codes, width, out=slot)
                slot += self.keys
            table = self._bucket_table(np.bincount(slot, minlength=self.groups * width), lower)
            np.take(table, slot, out=units, mode="clip")
        else:
            slot = self.slot
            np.multiply(self.offset, valid, out=slot)
            slot += self.trash  # now the universe of each row
            self._rank_by_sorting(values, width, units, lower)
        np.greater_equal(units, 0, out=ranked)
        np.maximum(units, 0, out=units)

    def _bucket_table(self, counts: np.ndarray, lower: bool) -> np.ndarray:
        """Percentile units of every (universe, key) bucket, ``-1`` where there is none
        (key 0 of each universe holds the units that are not ranked)."""
        width = len(counts) // self.groups
        grid_counts = counts.reshape(self.groups, width)
        grid_counts[:, 0] = 0
        sizes = grid_counts.sum(axis=1)
        table = np.cumsum(counts)
        table -= counts  # units in earlier buckets, all universes
        grid = table.reshape(self.groups, width)
        grid -= (np.cumsum(sizes) - sizes)[:, None]  # the 0-based rank
        span = sizes - 1
        _percentile_table(grid, span[:, None], lower)
        grid[span <= 0] = -1
        grid[:, 0] = -1
        return table.astype(np.float64)

    def _rank_by_sorting(
        self, values: np.ndarray, width: int | None, units: np.ndarray, lower: bool
    ) -> None:
        """Ranks through a sort (``self.slot`` holds universes); ties by first position."""
        universe, first, spare, result = self.slot, self.spare, self.spare2, self.keys
        sizes = np.bincount(universe, minlength=self.universes)
        bits = self.height.bit_length()
        new = self.flag
        if width is not None and (self.universes * width) << bits < 2**62:
            packed, order = first, spare
            np.multiply(universe, width, out=packed)
            packed += self.keys
            packed <<= bits
            packed |= self.positions
            packed.sort()
            np.bitwise_and(packed, (1 << bits) - 1, out=order)
            packed >>= bits
            np.not_equal(packed[1:], packed[:-1], out=new[1:])
        else:
            order = np.lexsort((values, universe))
            ordered, ordered_universe = values[order], universe[order]
            np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
            new[1:] |= ordered_universe[1:] != ordered_universe[:-1]
        new[0] = False
        np.multiply(self.positions, new, out=first)
        np.maximum.accumulate(first, out=first)  # position of the first of each tie
        result[order] = first  # units in earlier ties, all universes
        np.take(np.cumsum(sizes) - sizes, universe, out=first, mode="clip")
        result -= first  # the 0-based rank
        span = first
        np.take(sizes - 1, universe, out=span, mode="clip")
        _percentile_table(result, span, lower)
        np.copyto(units, result)
        unranked = self.flag
        np.less_equal(span, 0, out=unranked)
        unranked |= universe == self.trash
        np.copyto(units, -1.0, where=unranked)

    def _extremes(self, values: np.ndarray, valid: np.ndarray) -> tuple[float, float]:
        """Least and greatest valid value (NaN if none): NaN-skipping reductions over a
        masked copy are several times faster than reductions with ``where=``."""
        if self.height == 0:
            return math.nan, math.nan
        masked = self.real
        masked.fill(np.nan)
        np.copyto(masked, values, where=valid)
        return float(np.fmin.reduce(masked)), float(np.fmax.reduce(masked))

    def _integral_keys(self, values: np.ndarray, valid: np.ndarray) -> int:
        keys = self.keys
        least = self._extremes(values, valid)[0]
        np.subtract(values, (0.0 if math.isnan(least) else least) - 1.0, out=self.real)
        np.copyto(keys, self.real, casting="unsafe")
        keys *= valid
        return int(keys.max()) + 1

    def _keys(self, values: np.ndarray, valid: np.ndarray) -> int | None:
        """Fill ``self.keys`` with positive integers in the order and ties of the valid
        values (0 elsewhere) and return their width, or None if there are none such."""
        keys = self.keys
        low, high = self._extremes(values, valid)
        if math.isnan(low):  # nothing valid
            keys.fill(0)
            return 1
        real, real2, differ = self.real, self.real2, self.flag
        tried = [self.decimals, *(d for d in range(5) if d != self.decimals)]
        with np.errstate(invalid="ignore", over="ignore"):  # what is not valid is unused
            for decimals in tried:
                scale = 10.0**decimals
                if (high - low) * scale > _MAX_KEY_RANGE:
                    continue
                np.multiply(values, scale, out=real)
                np.rint(real, out=real)
                np.divide(real, scale, out=real2)
                np.not_equal(real2, values, out=differ)
                differ &= valid
                if differ.any():
                    continue
                self.decimals = decimals
                real -= round(low * scale) - 1
                np.copyto(keys, real, casting="unsafe")
                keys *= valid
                return round(high * scale) - round(low * scale) + 2
        return None


def percentile_rank(
    expr: pl.Expr,
    *,
    group_by: str | Sequence[str] | None = None,
    direction: Direction = "higher_more_vulnerable",
) -> pl.Expr:
    """``round((rank - 1) / (N - 1), 4)`` of ``expr``, ascending, ties take the lowest rank.

    Nulls are not ranked and do not count in ``N`` (filter exclusions to null first).
    ``group_by`` ranks within each group (e.g. a state).  ``lower_more_vulnerable``
    gives ``1 - percentile`` (CDC's per-capita income formula).  A universe of one
    value gives null.  Rounding is exact, half away from zero.
    """
    return _units_to_float(_percentile_units(expr, group_by=group_by, direction=direction))


def _units_to_float(units: pl.Expr) -> pl.Expr:
    # Polars divides by a scalar via its reciprocal (0.3621 -> 0.36210000000000003);
    # ``round`` lands on the nearest double of the 4-decimal value, like parsing "0.3621".
    return (units / float(_SCALE)).round(DECIMALS)
