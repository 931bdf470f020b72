"""Straightforward pandas reference of the CDC SVI method (for benchmarking only).

One column at a time: ``Series.rank(method="min")`` (per group with ``groupby``),
row-wise sums with ``DataFrame.sum(axis=1)``.  Same rules as
``upstream.community.svi``: zero-population units and -999/null values are not
ranked, missing variables are skipped in theme sums and flag totals, percentiles
are rounded half away from zero on the exact fraction, missing outputs are -999.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

MISSING = -999


def percentile(values: pd.Series, groups: pd.Series | None) -> pd.Series:
    """round((rank - 1) / (N - 1), 4), ties take the lowest rank; NaN is not ranked."""
    if groups is None:
        rank = values.rank(method="min")
        n = pd.Series(values.count(), index=values.index, dtype="float64")
    else:
        grouped = values.groupby(groups)
        rank = grouped.rank(method="min")
        n = grouped.transform("count").astype("float64")
    span = n - 1
    # exact half-away-from-zero rounding of 10000 * (rank - 1) / span, in integers
    units = np.floor(((rank - 1) * 20000 + span) / (2 * span))
    units = units.where(span > 0)
    return (units / 10000).round(4)


def row_sum(frame: pd.DataFrame) -> pd.Series:
    """Sum of the values present; NaN when all are missing."""
    return frame.sum(axis=1, min_count=1)


def reference_svi(
    df: pd.DataFrame,
    themes: Mapping[str, Sequence[str]],
    *,
    group_by: str | None = None,
    population: str = "E_TOTPOP",
    threshold: float = 0.90,
) -> pd.DataFrame:
    """SVI outputs for ``themes`` (theme key -> variable names read from ``EP_<name>``)."""
    included = df[population] > 0
    groups = df[group_by] if group_by else None
    out = pd.DataFrame(index=df.index)
    flags = pd.DataFrame(index=df.index)
    epl_all: dict[str, pd.Series] = {}
    for key, names in themes.items():
        for name in names:
            raw = df[f"EP_{name}"]
            value = raw.where(included & raw.notna() & (raw != MISSING))
            epl_all[name] = percentile(value, groups)
            out[f"EPL_{name}"] = epl_all[name]
        spl = row_sum(pd.DataFrame({n: epl_all[n] for n in names})).round(4)
        out[f"SPL_{key}"] = spl
        out[f"RPL_{key}"] = percentile(spl, groups)
        for name in names:
            flags[f"F_{name}"] = (
                (epl_all[name] >= threshold).astype("float64").where(epl_all[name].notna())
            )
        flags[f"F_{key}"] = row_sum(flags[[f"F_{n}" for n in names]])
    spl_all = row_sum(out[[f"SPL_{k}" for k in themes]]).round(4)
    out["SPL_THEMES"] = spl_all
    out["RPL_THEMES"] = percentile(spl_all, groups)
    flags["F_TOTAL"] = row_sum(flags[[f"F_{k}" for k in themes]])
    return pd.concat([out.fillna(MISSING), flags.fillna(MISSING).astype("int32")], axis=1)
