"""The index engine: rank every variable, sum and rank themes, flag the top decile. Pure: Polars
frames in and out, NumPy inside, no I/O."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from upstream.community.svi.method import (
    _SCALE,
    MISSING,
    IndexVariable,
    MissingPolicy,
    OutputNames,
    svi_theme_spec,
)
from upstream.community.svi.ranks import _Groups, _Ranker

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
    # column by column: a ``select`` would start Polars' query engine for a few casts
    inputs = [frame.get_column(v.column) for _, v in specs]
    inputs = [c if c.dtype == pl.Float64 else c.cast(pl.Float64) for c in inputs]
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
        values = inputs[i].to_numpy()  # no copy, unless it has nulls (NaN)
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
    return pl.DataFrame([*(frame.get_column(c) for c in carried), *outputs, *flag_outputs])


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
