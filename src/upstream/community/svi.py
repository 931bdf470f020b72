"""CDC/ATSDR Social Vulnerability Index (SVI) engine, vectorised with Polars.

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
  equal sums tie exactly when they are ranked; a weighted sum is rounded to the
  nearest ten-thousandth.  ``RPL_THEMEn`` is the percentile rank of
  ``SPL_THEMEn``; ``SPL_THEMES`` is the sum of the theme sums and ``RPL_THEMES``
  its percentile rank.
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


# Counting ranks.  The SVI's inputs are percentages with one decimal and its sums are
# integer ten-thousandths, so their distinct values fit a few thousand integer buckets:
# a rank is then a bincount and a running total (linear time) instead of a sort.  Used
# only when every value is exactly k / 10**d for an integer k (so ties and order are
# those of the values); anything else falls back to Polars' sorting rank.

_MAX_BUCKETS: Final = 20_000_000


def _bucket_keys(values: np.ndarray) -> np.ndarray | None:
    """Non-negative integer keys with exactly the order and ties of ``values``, or None."""
    low, high = float(values.min()), float(values.max())
    for decimals in range(5):
        scale = 10.0**decimals
        if (high - low) * scale > _MAX_BUCKETS:
            return None
        keys = np.rint(values * scale)
        if np.array_equal(keys / scale, values):
            keys -= keys.min()
            return keys.astype(np.int64)
    return None


def _group_codes(work: pl.DataFrame, group: str | None) -> np.ndarray | None:
    """Integer codes 0..G-1 of the group column (None: one national group)."""
    if group is None:
        return None
    codes = work.select(pl.col(group).rank("dense")).to_series()
    if codes.null_count():
        raise _NoFastPath
    result: np.ndarray = codes.to_numpy().astype(np.int64) - 1
    return result


class _NoFastPath(Exception):
    pass


def _counting_units(
    column: pl.Series, codes: np.ndarray | None, direction: Direction
) -> pl.Series | None:
    """``_percentile_units`` by counting, or None when the values do not fit buckets."""
    values = column.cast(pl.Float64).to_numpy()
    valid = ~np.isnan(values)
    units = np.zeros(len(values), dtype=np.int64)
    ok = np.zeros(len(values), dtype=bool)
    if valid.any():
        keys = _bucket_keys(values[valid])
        if keys is None:
            return None
        width = int(keys.max()) + 1
        groups = codes[valid] if codes is not None else np.zeros(len(keys), dtype=np.int64)
        n_groups = int(groups.max()) + 1
        if n_groups * width > min(_MAX_BUCKETS, max(4 * len(keys), 1 << 16)):
            return None  # sparse buckets: a sort is cheaper than scanning them
        slot = groups * width + keys
        counts = np.bincount(slot, minlength=n_groups * width)
        below = np.cumsum(counts) - counts  # units in earlier slots, all groups
        rank = below[slot] - below[groups * width] + 1  # ties share the lowest rank
        span = np.bincount(groups, minlength=n_groups)[groups] - 1
        scaled = ((rank - 1) * (2 * _SCALE) + span) // (2 * np.maximum(span, 1))
        if direction == "lower_more_vulnerable":
            scaled = _SCALE - scaled
        units[valid] = scaled
        ok[valid] = span > 0
    return pl.DataFrame({"u": units, "ok": ok}).select(
        pl.when(pl.col("ok")).then(pl.col("u")).otherwise(None)
    )["u"]


def _rank_stage(
    work: pl.DataFrame, jobs: Sequence[tuple[str, str, Direction]], group: str | None
) -> pl.DataFrame:
    """Add percentile units ``dst`` of each ``src`` column (counting where possible)."""
    try:
        codes = _group_codes(work, group)
    except _NoFastPath:
        codes, fast_ok = None, False
    else:
        fast_ok = True
    columns: list[pl.Series | pl.Expr] = []
    for src, dst, direction in jobs:
        fast = _counting_units(work[src], codes, direction) if fast_ok else None
        if fast is not None:
            columns.append(fast.alias(dst))
        else:
            expr = _percentile_units(pl.col(src), group_by=group, direction=direction)
            columns.append(expr.alias(dst))
    return work.with_columns(columns)


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


def _valid_value(column: str, included: pl.Expr) -> pl.Expr:
    value = pl.col(column).cast(pl.Float64)
    ok = included & value.is_finite() & (value != float(MISSING))
    return pl.when(ok).then(value).otherwise(None)


def _sum(exprs: Sequence[pl.Expr], policy: MissingPolicy) -> pl.Expr:
    if policy == "propagate":
        return pl.sum_horizontal(*exprs, ignore_nulls=False)
    present = pl.any_horizontal(*[e.is_not_null() for e in exprs])
    return pl.when(present).then(pl.sum_horizontal(*exprs)).otherwise(None)


def _count_flags(exprs: Sequence[pl.Expr]) -> pl.Expr:
    return _sum(exprs, "skip")


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

    if population is None:
        included = pl.lit(True)
    else:
        pop = pl.col(population).cast(pl.Float64)
        included = (pop > 0).fill_null(False)

    # Eager stages on internal column names: ``_G`` group, ``_R`` row order,
    # ``v{i}`` valid values, ``e{i}`` EPL, ``s{t}``/``r{t}`` theme SPL/RPL (integer
    # ten-thousandths), ``s_all``/``r_all`` overall.  Measured faster than one
    # lazy query (Polars 2, 2 CPUs) and than window functions over unsorted groups.
    specs = [(t, v) for t, variables in enumerate(themes.values()) for v in variables]
    group = "_G" if group_by else None
    work = frame.select(
        *([pl.col(group_by).alias("_G")] if group_by else []),
        *[_valid_value(v.column, included).alias(f"v{i}") for i, (_, v) in enumerate(specs)],
    )
    if group_by:
        # windows over contiguous groups are much cheaper; the order is restored below
        work = work.with_row_index("_R").sort("_G", maintain_order=True)
    carried_work = [c for c in ("_R", "_G") if c in work.columns]

    work = _rank_stage(
        work, [(f"v{i}", f"e{i}", v.direction) for i, (_, v) in enumerate(specs)], group
    ).select(*carried_work, *[f"e{i}" for i in range(len(specs))])
    theme_sums = []
    for t in range(len(themes)):
        weights = [(i, v.weight) for i, (ti, v) in enumerate(specs) if ti == t]
        if all(w == 1.0 for _, w in weights):
            theme_sum = _sum([pl.col(f"e{i}") for i, _ in weights], missing_in_sums)
        else:
            weighted = [pl.col(f"e{i}") * w for i, w in weights]
            theme_sum = _sum(weighted, missing_in_sums).round(0).cast(pl.Int64)
        theme_sums.append(theme_sum.alias(f"s{t}"))
    work = work.with_columns(*theme_sums)
    work = work.with_columns(
        _sum([pl.col(f"s{t}") for t in range(len(themes))], missing_in_sums).alias("s_all")
    )
    higher: Direction = "higher_more_vulnerable"
    work = _rank_stage(
        work,
        [*[(f"s{t}", f"r{t}", higher) for t in range(len(themes))], ("s_all", "r_all", higher)],
        group,
    )
    if group_by:
        work = work.sort("_R")

    def as_float(units: str) -> pl.Expr:
        value = _units_to_float(pl.col(units))
        return value if sentinel is None else value.fill_null(float(sentinel))

    def as_count(column: str) -> pl.Expr:
        count = pl.col(column).cast(pl.Int32)
        return count if sentinel is None else count.fill_null(int(sentinel))

    # flags as columns first: one cheap stage each instead of nested expressions
    threshold_units = math.ceil(round(flag_threshold * _SCALE, 6))
    members = [[i for i, (ti, _) in enumerate(specs) if ti == t] for t in range(len(themes))]
    work = work.with_columns(
        (pl.col(f"e{i}") >= threshold_units).cast(pl.Int32).alias(f"f{i}")
        for i in range(len(specs))
    )
    work = work.with_columns(
        _count_flags([pl.col(f"f{i}") for i in ids]).alias(f"c{t}") for t, ids in enumerate(members)
    )
    work = work.with_columns(
        _count_flags([pl.col(f"c{t}") for t in range(len(themes))]).alias("c_all")
    )

    outputs: list[pl.Expr] = []
    flag_outputs: list[pl.Expr] = []
    for t, key in enumerate(themes):
        for i in members[t]:
            name = specs[i][1].output_name
            outputs.append(as_float(f"e{i}").alias(names.percentile.format(name=name)))
            flag_outputs.append(as_count(f"f{i}").alias(names.flag.format(name=name)))
        outputs.append(as_float(f"s{t}").alias(names.theme_sum.format(theme=key)))
        outputs.append(as_float(f"r{t}").alias(names.theme_percentile.format(theme=key)))
        flag_outputs.append(as_count(f"c{t}").alias(names.theme_flags.format(theme=key)))
    outputs.append(as_float("s_all").alias(names.overall_sum))
    outputs.append(as_float("r_all").alias(names.overall_percentile))
    flag_outputs.append(as_count("c_all").alias(names.flag_total))

    carried = [*keep, *([group_by] if group_by and group_by not in keep else [])]
    return pl.concat(
        [frame.select(carried), work.select(*outputs, *flag_outputs)], how="horizontal"
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
