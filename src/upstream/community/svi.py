"""CDC/ATSDR Social Vulnerability Index (SVI) engine: Polars frames in and out, NumPy inside.

The method reproduces the published CDC/ATSDR SVI county files exactly (2020 and
2022, national and state rankings); see ``tests/community/test_svi_method.py``.

Method (CDC/ATSDR SVI documentation, checked against the files)
----------------------------------------------------------------
* Percentile rank of a value: ``(rank - 1) / (N - 1)``, ranks in ascending order,
  ties take the lowest rank (Excel ``PERCENTRANK.INC``, SQL ``PERCENT_RANK``),
  ``N`` = units in the ranking universe that have a value.  The result is rounded
  to 4 decimals.  Rounding is done on the *exact* rational value with integer
  arithmetic, half away from zero (Excel ``ROUND``), so it never depends on
  binary floating-point noise.  The published files cannot tell half rules apart
  (no exact half occurs with N = 3143, 3144 or 67), so Polars' float ``round``
  (half to even) and Python's ``round`` reproduce them too; the exact rule only
  matters for universes where ``N - 1`` is a multiple of 32.
* A universe with a single ranked unit has no defined percentile: the value is
  missing (``-999``).
* Variables where a *lower* value is more vulnerable (per-capita income up to
  SVI 2018) use the CDC formula ``1 - PERCENTRANK.INC``: ``EPL = 1 - EPL_asc``.
  Tied values therefore share the *highest* percentile of their tie group (not the
  one obtained by ranking the negated value with the "min" method).
* ``SPL_THEMEn = sum(weight * EPL)`` of the theme's variables (rounded EPL values;
  all SVI weights are 1).  Sums are kept as exact integers of ten-thousandths, so
  equal sums tie exactly when they are ranked; a weighted sum is accumulated left to
  right in double precision and rounded to the nearest ten-thousandth (half to even).
  ``RPL_THEMEn`` is the percentile rank of ``SPL_THEMEn``; ``SPL_THEMES`` is the sum
  of the theme sums and ``RPL_THEMES`` its percentile rank.
* Flags: ``F_x = 1`` if ``EPL_x >= 0.90`` else 0; ``F_THEMEn`` counts the theme's
  flags and ``F_TOTAL`` the four theme counts.

Missing data and exclusions (CDC: "-999 means null / no data; units with zero
population are removed from the ranking and their RPL_ values set to -999; any
other -999 field is not used in later calculations, e.g. flag totals skip it")
-------------------------------------------------------------------------------
* A unit whose population is 0, negative, null or -999 is *excluded*: it is not
  ranked, does not count in ``N``, and every output (EPL, F, SPL, RPL, F_THEME,
  F_TOTAL) is ``-999``.
* An input value that is null, NaN, infinite or ``-999`` is missing: the unit is left out
  of that variable's ranking (``N`` counts valid units only) and gets
  ``EPL_x = F_x = -999``.
* Theme sums with a missing variable (``missing_in_sums``):
  ``"skip"`` (default, the CDC rule) sums the variables that are present, so
  the theme is ranked on fewer terms; the sum is only missing when *every*
  variable of the theme is missing.  Beware: skipping a variable contributes
  nothing to the sum, so such a unit looks less vulnerable than it may be.
  ``"propagate"`` makes the theme sum missing as soon as one variable is
  missing, so the unit is not ranked on that theme (nor overall).
  ``SPL_THEMES`` follows the same policy over the theme sums.
* Flag totals always skip missing flags (CDC); a total is missing only when all
  of its flags are missing.
* ``sentinel`` (default ``-999``) is written in place of every missing output;
  pass ``sentinel=None`` to get nulls instead.
"""

from __future__ import annotations

import io
import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
import polars as pl

__all__ = [
    "ACS_SENTINELS",
    "MAX_INDEX_WEIGHT",
    "MISSING",
    "SENTINEL_COLUMN",
    "SVI_THEMES",
    "SVI_VARIABLES",
    "Direction",
    "IndexVariable",
    "MissingPolicy",
    "OutputNames",
    "SviFileError",
    "SviTheme",
    "compute_index",
    "compute_svi",
    "percentile_rank",
    "read_svi_csv",
    "svi_theme_spec",
]

Direction = Literal["higher_more_vulnerable", "lower_more_vulnerable"]
MissingPolicy = Literal["skip", "propagate"]

MISSING: Final = -999
"""CDC's "null / no data" code, in inputs and outputs."""

DECIMALS: Final = 4
MAX_INDEX_WEIGHT: Final = 1000.0
"""Weights are relative; bounding them keeps every theme sum an exact whole number."""
_SCALE: Final = 10**DECIMALS

# Census/ACS "jam values" that may stand in an estimate or MOE field.  -555555555
# (MOE of a controlled estimate: no sampling error) is the one the SVI county
# files contain; the others are listed so a tract file cannot slip one through.
ACS_SENTINELS: Final[tuple[float, ...]] = (
    -999.0,
    -222222222.0,
    -333333333.0,
    -555555555.0,
    -666666666.0,
    -888888888.0,
    -999999999.0,
)

SENTINEL_COLUMN: Final = "SVI_SENTINELS"
"""Column added by :func:`read_svi_csv`: the ``COLUMN=code`` sentinels it nulled."""


@dataclass(frozen=True, slots=True)
class SviTheme:
    key: str
    name: str
    variables: tuple[str, ...]


SVI_THEMES: Final[tuple[SviTheme, ...]] = (
    SviTheme(
        "THEME1",
        "Socioeconomic status",
        ("POV150", "UNEMP", "HBURD", "NOHSDP", "UNINSUR"),
    ),
    SviTheme(
        "THEME2",
        "Household characteristics",
        ("AGE65", "AGE17", "DISABL", "SNGPNT", "LIMENG"),
    ),
    SviTheme("THEME3", "Racial and ethnic minority status", ("MINRTY",)),
    SviTheme(
        "THEME4",
        "Housing type and transportation",
        ("MUNIT", "MOBILE", "CROWD", "NOVEH", "GROUPQ"),
    ),
)
"""The 4 themes and 16 variables of SVI 2020 and 2022, in CDC column order."""

SVI_VARIABLES: Final[tuple[str, ...]] = tuple(v for t in SVI_THEMES for v in t.variables)


@dataclass(frozen=True, slots=True)
class IndexVariable:
    """One ranked variable: input ``column``, ``output_name`` used in EPL_/F_ names."""

    column: str
    output_name: str
    direction: Direction = "higher_more_vulnerable"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if self.direction not in ("higher_more_vulnerable", "lower_more_vulnerable"):
            raise ValueError(f"{self.output_name}: unknown direction {self.direction!r}")
        if not (math.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"{self.output_name}: weight must be a positive number")
        if self.weight > MAX_INDEX_WEIGHT:
            raise ValueError(f"{self.output_name}: weight must be at most {MAX_INDEX_WEIGHT:g}")


@dataclass(frozen=True, slots=True)
class OutputNames:
    """Output column templates; ``{name}`` is a variable, ``{theme}`` a theme key."""

    percentile: str = "EPL_{name}"
    flag: str = "F_{name}"
    theme_sum: str = "SPL_{theme}"
    theme_percentile: str = "RPL_{theme}"
    theme_flags: str = "F_{theme}"
    overall_sum: str = "SPL_THEMES"
    overall_percentile: str = "RPL_THEMES"
    flag_total: str = "F_TOTAL"


def svi_theme_spec(prefix: str = "EP_") -> dict[str, list[IndexVariable]]:
    """The SVI themes as a ``compute_index`` spec reading ``{prefix}{variable}`` columns."""
    return {t.key: [IndexVariable(f"{prefix}{v}", v) for v in t.variables] for t in SVI_THEMES}


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
# the same block.  Units that are not ranked (excluded, missing) go to an extra "trash"
# universe, so no array is ever compacted or re-ordered, and every step writes into
# buffers allocated once per computation: at these sizes, fresh arrays cost more in page
# faults than the arithmetic itself.
#
# Counting ranks.  The SVI's inputs are percentages with one decimal, so their distinct
# values fit a few thousand integer buckets per universe: a rank is then a bincount, a
# running total and a table of each bucket's percentile (linear time) instead of a sort.
# Used only when every value is exactly k / 10**d for an integer k (so ties and order
# are those of the values) and the buckets are at most twice the rows.  Otherwise integer
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


# ---------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------


def _validate(
    frame: pl.DataFrame,
    themes: Mapping[str, Sequence[IndexVariable]],
    group_by: str | None,
    population: str | None,
    flag_threshold: float,
    missing_in_sums: str,
    keep: Sequence[str],
    names: OutputNames,
) -> list[str]:
    problems: list[str] = []
    if not themes:
        problems.append("no themes given")
    if missing_in_sums not in ("skip", "propagate"):
        problems.append(f"missing_in_sums must be 'skip' or 'propagate', not {missing_in_sums!r}")
    if not (0.0 < flag_threshold <= 1.0):
        problems.append(f"flag_threshold must be in (0, 1], not {flag_threshold}")
    columns = set(frame.columns)
    wanted = [v.column for vs in themes.values() for v in vs]
    wanted += [c for c in (group_by, population) if c is not None]
    wanted += list(keep)
    absent = sorted({c for c in wanted if c not in columns})
    if absent:
        problems.append("missing columns: " + ", ".join(absent))
    outputs: list[str] = []
    for key, variables in themes.items():
        if not variables:
            problems.append(f"theme {key!r} has no variables")
        for v in variables:
            outputs += [names.percentile.format(name=v.output_name)]
            outputs += [names.flag.format(name=v.output_name)]
        outputs += [
            names.theme_sum.format(theme=key),
            names.theme_percentile.format(theme=key),
            names.theme_flags.format(theme=key),
        ]
    outputs += [names.overall_sum, names.overall_percentile, names.flag_total]
    outputs += list(keep) + ([group_by] if group_by and group_by not in keep else [])
    dupes = sorted(name for name, n in Counter(outputs).items() if n > 1)
    if dupes:
        problems.append("duplicate output columns: " + ", ".join(dupes))
    return problems


def compute_index(
    frame: pl.DataFrame,
    *,
    themes: Mapping[str, Sequence[IndexVariable]],
    group_by: str | None = None,
    population: str | None = "E_TOTPOP",
    flag_threshold: float = 0.90,
    missing_in_sums: MissingPolicy = "skip",
    sentinel: float | None = MISSING,
    keep: Sequence[str] = (),
    names: OutputNames | None = None,
) -> pl.DataFrame:
    """Rank every variable, sum and rank themes, flag the top decile (SVI method).

    ``themes`` maps a theme key (``"THEME1"``) to its variables.  ``group_by`` ranks
    within groups (e.g. ``"ST"`` for state-level SVI) instead of nationally.
    ``population`` names the column whose zero/missing values exclude a unit
    (``None``: no exclusion).  Returns one row per input row, in input order: the
    ``keep`` columns, the group column, then the outputs (CDC column order).
    See the module docstring for missing values.
    """
    names = names or OutputNames()
    problems = _validate(
        frame, themes, group_by, population, flag_threshold, missing_in_sums, keep, names
    )
    if problems:
        raise ValueError("compute_index: " + "; ".join(problems))

    specs = [(t, v) for t, variables in enumerate(themes.values()) for v in variables]
    # theme t holds the contiguous variables bounds[t]:bounds[t + 1]
    bounds = [0, *itertools.accumulate(len(variables) for variables in themes.values())]
    themes_plus = len(themes) + 1  # the themes and the overall sum
    height, width = frame.height, len(specs)
    inputs = frame.select(
        pl.col(v.column).cast(pl.Float64).alias(f"v{i}") for i, (_, v) in enumerate(specs)
    )
    included = None
    if population is not None:
        people = frame.get_column(population).cast(pl.Float64).to_numpy()
        included = people > 0  # NaN and -999 populations are excluded too
    ranker = _Ranker(_Groups.of(frame, group_by), height)

    # whole ten-thousandths, 0 where missing, column-major (each column is contiguous):
    # EPL, then SPL and RPL of each theme and of all themes together
    units = np.empty((height, width + 2 * themes_plus), order="F")
    exists = np.empty(units.shape, dtype=bool, order="F")
    epl, spl, rpl = (units[:, :width], units[:, width:-themes_plus], units[:, -themes_plus:])
    epl_ok, spl_ok, rpl_ok = (
        exists[:, :width],
        exists[:, width:-themes_plus],
        exists[:, -themes_plus:],
    )
    for i, (_, variable) in enumerate(specs):
        values = inputs.to_series(i).to_numpy()  # no copy, unless it has nulls (NaN)
        valid = ranker.load(values, included)
        lower = variable.direction == "lower_more_vulnerable"
        ranker.rank(values, valid, epl[:, i], epl_ok[:, i], lower=lower)

    # "skip" sums what is present (missing EPLs are 0) and needs one term; "propagate" all
    present = np.all if missing_in_sums == "propagate" else np.any
    for t in range(len(themes)):
        members = slice(bounds[t], bounds[t + 1])
        weights = [v.weight for _, v in specs[members]]
        if all(w == 1.0 for w in weights):
            np.sum(epl[:, members], axis=1, out=spl[:, t])
        else:
            spl[:, t] = 0.0
            for column, weight in zip(range(bounds[t], bounds[t + 1]), weights, strict=True):
                spl[:, t] += epl[:, column] * weight  # left to right, like a sum
            np.rint(spl[:, t], out=spl[:, t])  # half to even
        present(epl_ok[:, members], axis=1, out=spl_ok[:, t])
        spl[:, t] *= spl_ok[:, t]
    np.sum(spl[:, :-1], axis=1, out=spl[:, -1])
    present(spl_ok[:, :-1], axis=1, out=spl_ok[:, -1])
    spl[:, -1] *= spl_ok[:, -1]
    for t in range(themes_plus):
        ranker.rank(spl[:, t], spl_ok[:, t], rpl[:, t], rpl_ok[:, t], integral=True)

    # flags: a variable's percentile at or above the threshold; counts skip missing flags
    # (the variables' flags, then each theme's count and the total)
    threshold_units = math.ceil(round(flag_threshold * _SCALE, 6))
    counts = np.empty((height, width + themes_plus), dtype=np.int32, order="F")
    counts_ok = np.empty((height, themes_plus), dtype=bool, order="F")
    flags = counts[:, :width]
    np.greater_equal(epl, threshold_units, out=flags, casting="unsafe")
    for t in range(len(themes)):
        members = slice(bounds[t], bounds[t + 1])
        np.sum(flags[:, members], axis=1, out=counts[:, width + t])
        np.any(epl_ok[:, members], axis=1, out=counts_ok[:, t])
    np.sum(counts[:, width:-1], axis=1, out=counts[:, -1])  # missing counts are 0
    np.any(counts_ok[:, :-1], axis=1, out=counts_ok[:, -1])

    # true division lands on the nearest double of the 4-decimal value, like "0.3621"
    units /= float(_SCALE)
    if sentinel is not None:
        missing = np.logical_not(exists, out=exists)  # "exists" is not needed any more
        np.copyto(units, float(sentinel), where=missing)
        np.copyto(flags, int(sentinel), where=missing[:, :width])
        np.copyto(counts[:, width:], int(sentinel), where=~counts_ok)

    def as_series(name: str, data: np.ndarray, ok: np.ndarray) -> pl.Series:
        series = pl.Series(name, data)  # a view: no copy
        return series if sentinel is not None else series.scatter(np.flatnonzero(~ok), None)

    # CDC order: each theme's EPL, SPL and RPL, the overall ones, then the flags
    outputs: list[pl.Series] = []
    flag_outputs: list[pl.Series] = []
    for t, key in enumerate(themes):
        for i in range(bounds[t], bounds[t + 1]):
            name = specs[i][1].output_name
            outputs.append(as_series(names.percentile.format(name=name), epl[:, i], epl_ok[:, i]))
            flag_outputs.append(as_series(names.flag.format(name=name), flags[:, i], epl_ok[:, i]))
        outputs.append(as_series(names.theme_sum.format(theme=key), spl[:, t], spl_ok[:, t]))
        outputs.append(as_series(names.theme_percentile.format(theme=key), rpl[:, t], rpl_ok[:, t]))
        flag_outputs.append(
            as_series(names.theme_flags.format(theme=key), counts[:, width + t], counts_ok[:, t])
        )
    outputs.append(as_series(names.overall_sum, spl[:, -1], spl_ok[:, -1]))
    outputs.append(as_series(names.overall_percentile, rpl[:, -1], rpl_ok[:, -1]))
    flag_outputs.append(as_series(names.flag_total, counts[:, -1], counts_ok[:, -1]))

    carried = [*keep, *([group_by] if group_by and group_by not in keep else [])]
    return pl.concat(
        [frame.select(carried), pl.DataFrame([*outputs, *flag_outputs])], how="horizontal"
    )


def compute_svi(
    frame: pl.DataFrame,
    *,
    group_by: str | None = None,
    keep: Sequence[str] | None = None,
    missing_in_sums: MissingPolicy = "skip",
    sentinel: float | None = MISSING,
) -> pl.DataFrame:
    """CDC SVI 2020/2022 from the 16 ``EP_*`` columns (national, or within ``group_by``).

    ``keep`` defaults to whichever of ``ST``, ``ST_ABBR``, ``STCNTY`` and ``FIPS``
    the frame has.
    """
    if keep is None:
        keep = [c for c in ("ST", "ST_ABBR", "STCNTY", "FIPS") if c in frame.columns]
    return compute_index(
        frame,
        themes=svi_theme_spec(),
        group_by=group_by,
        population="E_TOTPOP",
        missing_in_sums=missing_in_sums,
        sentinel=sentinel,
        keep=keep,
    )


# ---------------------------------------------------------------------------
# reading CDC files
# ---------------------------------------------------------------------------


class SviFileError(ValueError):
    """A CDC SVI CSV cannot be used; ``problems`` lists every reason found."""

    def __init__(self, path: str | Path, problems: Sequence[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{self.path}: {len(self.problems)} problem(s)\n{lines}")


ID_COLUMNS: Final = ("ST", "STCNTY", "FIPS")
REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    *ID_COLUMNS,
    "E_TOTPOP",
    *(f"EP_{v}" for v in SVI_VARIABLES),
)
_NUMERIC_PREFIXES: Final = ("E_", "M_", "EP_", "MP_", "EPL_", "SPL_", "RPL_", "F_")
_SENTINEL_PREFIXES: Final = ("E_", "M_", "EP_", "MP_")
_MAX_ROWS_LISTED: Final = 20


def _is_numeric_column(name: str) -> bool:
    return name == "AREA_SQMI" or name.startswith(_NUMERIC_PREFIXES)


def _rows(mask: pl.Series) -> list[int]:
    """1-based data row numbers where ``mask`` is true."""
    return list((mask.arg_true() + 1).to_list())


def _row_list(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_MAX_ROWS_LISTED])
    more = len(rows) - _MAX_ROWS_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def read_svi_csv(path: str | Path, *, sentinels_to_null: bool = True) -> pl.DataFrame:
    """Read a CDC/ATSDR SVI county or tract CSV (any release from 2020 on).

    * UTF-8 with or without BOM, LF or CRLF.
    * ``ST``, ``STCNTY`` and ``FIPS`` become zero-padded strings (2, 5, and 5 for
      counties / 11 for tracts; the 2022 files are not padded).
    * Numeric columns (``AREA_SQMI`` and every ``E_ M_ EP_ MP_ EPL_ SPL_ RPL_ F_``
      column) become Float64; other columns stay strings.
    * In estimate/MOE columns (``E_ M_ EP_ MP_``) the sentinels ``-999`` and the
      ACS codes (``-555555555``, ...) become null, and each row's
      ``SVI_SENTINELS`` list keeps ``"COLUMN=code"`` for what was nulled, so the
      raw file stays auditable.  Published results (EPL_, SPL_, RPL_, F_) keep
      CDC's ``-999``.  ``sentinels_to_null=False`` returns the raw values.

    Raises :class:`SviFileError` listing every problem: missing required columns,
    non-numeric values (with 1-based data row numbers; CSV line = row + 1), bad or
    duplicate FIPS codes.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SviFileError(path, [f"cannot read file: {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise SviFileError(path, [f"not UTF-8 text: {exc}"]) from exc
    if not text.strip():
        raise SviFileError(path, ["file is empty"])
    try:
        raw = pl.read_csv(io.StringIO(text), infer_schema=False, raise_if_empty=True)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise SviFileError(path, [f"not a readable CSV: {exc}"]) from exc

    problems: list[str] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        problems.append(f"missing required columns ({len(missing)}): " + ", ".join(missing))

    numeric = [c for c in raw.columns if _is_numeric_column(c)]
    text_cols = raw.select(
        pl.when(pl.col(c).str.strip_chars() == "")
        .then(None)
        .otherwise(pl.col(c).str.strip_chars())
        .alias(c)
        for c in raw.columns
    )
    parsed = text_cols.with_columns(pl.col(c).cast(pl.Float64, strict=False) for c in numeric)
    # "nan"/"inf" parse as floats but are not values a CDC file may hold
    bad = text_cols.select(
        (pl.col(c).is_not_null() & ~pl.col(c).cast(pl.Float64, strict=False).is_finite())
        .fill_null(True)
        .alias(c)
        for c in numeric
    )
    for c in numeric:
        rows = _rows(bad.get_column(c))
        if rows:
            problems.append(f"column {c}: non-numeric values in rows {_row_list(rows)}")

    fips_width = 5
    if "FIPS" in raw.columns:
        fips = parsed.get_column("FIPS")
        not_digits = (~fips.str.contains(r"^[0-9]+$")).fill_null(True)
        if not_digits.any():
            problems.append(
                f"column FIPS: empty or non-digit codes in rows {_row_list(_rows(not_digits))}"
            )
        if (fips.str.len_chars() > 5).any():
            fips_width = 11
        too_long = (fips.str.len_chars() > fips_width).fill_null(False)
        if too_long.any():
            problems.append(
                f"column FIPS: codes longer than {fips_width} digits in rows "
                + _row_list(_rows(too_long))
            )
        padded = fips.str.zfill(fips_width)
        dupes = padded.is_duplicated() & padded.is_not_null()
        if dupes.any():
            problems.append(f"column FIPS: duplicate codes in rows {_row_list(_rows(dupes))}")
    if problems:
        raise SviFileError(path, problems)

    frame = parsed.with_columns(
        pl.col("ST").str.zfill(2),
        pl.col("STCNTY").str.zfill(5),
        pl.col("FIPS").str.zfill(fips_width),
    )
    if not sentinels_to_null:
        return frame
    cleanable = [c for c in numeric if c.startswith(_SENTINEL_PREFIXES)]
    codes = list(ACS_SENTINELS)
    found = [
        pl.when(pl.col(c).is_in(codes))
        .then(pl.format("{}={}", pl.lit(c), pl.col(c).cast(pl.Int64)))
        .otherwise(None)
        for c in cleanable
    ]
    audit = (
        pl.concat_list(found).list.drop_nulls() if found else pl.lit([], dtype=pl.List(pl.String))
    )
    return frame.with_columns(audit.alias(SENTINEL_COLUMN)).with_columns(
        pl.when(pl.col(c).is_in(codes)).then(None).otherwise(pl.col(c)).alias(c) for c in cleanable
    )
