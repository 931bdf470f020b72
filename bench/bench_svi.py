"""Benchmark the SVI engine against a straightforward pandas reference.

Run from the repository root:  python bench/bench_svi.py

Cases: (a) all U.S. counties of SVI_2022_US_county.csv, ranked nationally;
(b) 85,000 synthetic tracts x 16 variables (seeded), ranked within 51 states,
and the same tracts ranked nationally.  Before timing, each case asserts that the
engine and the reference produce identical outputs.  Shared data comes from
$UPSTREAM_SHARED_DATA or <repo>/../shared/data.

Timings alternate engine and reference runs and report medians, so both see the
same load.  The engine is single-threaded NumPy; only reading its inputs and
building its output frame go through Polars.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from reference_svi_pandas import reference_svi  # noqa: E402
from upstream.community.svi import (  # noqa: E402
    SVI_THEMES,
    SVI_VARIABLES,
    compute_svi,
    read_svi_csv,
)

THEMES = {t.key: list(t.variables) for t in SVI_THEMES}
EP_COLUMNS = [f"EP_{v}" for v in SVI_VARIABLES]


def shared_data() -> Path:
    override = os.environ.get("UPSTREAM_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


def interleaved_medians(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Median wall time (ms) of each function, alternating runs so both see the same load."""
    first()
    second()  # warm-up
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for fn, times in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def synthetic_tracts(n: int = 85_000, states: int = 51, seed: int = 20240601) -> pl.DataFrame:
    """Seeded tracts: uneven state sizes, 0.7% zero population, 0.2% -999 values, ties."""
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.full(states, 2.0))
    st = rng.choice(states, size=n, p=sizes)
    pop = rng.integers(0, 9000, size=n).astype("float64")
    pop[rng.random(n) < 0.007] = 0.0
    columns: dict[str, object] = {
        "ST": [f"{s + 1:02d}" for s in st],
        "FIPS": [f"{s + 1:02d}{i:09d}" for i, s in enumerate(st)],
        "E_TOTPOP": pop,
    }
    for name in EP_COLUMNS:
        # one decimal, like CDC's EP_ values, so ties are frequent
        values = np.round(rng.gamma(2.0, 8.0, size=n), 1)
        values[rng.random(n) < 0.002] = -999.0
        columns[name] = values
    return pl.DataFrame(columns)


def engine_output(frame: pl.DataFrame, group_by: str | None) -> pl.DataFrame:
    out = compute_svi(frame, group_by=group_by, keep=[])
    return out.drop(group_by) if group_by else out


def check_agreement(engine: pl.DataFrame, reference: pd.DataFrame, label: str) -> None:
    assert list(reference.columns) == engine.columns, f"{label}: column sets differ"
    for column in engine.columns:
        ours = engine.get_column(column).cast(pl.Float64).to_numpy()
        theirs = reference[column].to_numpy(dtype="float64")
        assert not (np.isnan(ours).any() or np.isnan(theirs).any()), f"{label}: NaN"
        differ = int((ours != theirs).sum())
        assert differ == 0, f"{label}: {column} differs in {differ} rows"


def run_case(label: str, frame: pl.DataFrame, group_by: str | None, runs: int) -> None:
    # column by column: polars' to_pandas() would need pyarrow
    pandas_frame = pd.DataFrame({c: frame.get_column(c).to_numpy() for c in frame.columns})
    engine = engine_output(frame, group_by)
    reference = reference_svi(pandas_frame, THEMES, group_by=group_by)
    check_agreement(engine, reference, label)
    engine_ms, reference_ms = interleaved_medians(
        lambda: engine_output(frame, group_by),
        lambda: reference_svi(pandas_frame, THEMES, group_by=group_by),
        runs,
    )
    print(
        f"{label}: engine {engine_ms:.1f} ms, pandas reference {reference_ms:.1f} ms, "
        f"ratio {reference_ms / engine_ms:.1f}x",
        flush=True,
    )


def main() -> None:
    counties = read_svi_csv(shared_data() / "svi" / "SVI_2022_US_county.csv").select(
        "ST", "FIPS", "E_TOTPOP", *EP_COLUMNS
    )
    tracts = synthetic_tracts()
    states = tracts.get_column("ST").n_unique()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"numpy {np.__version__}, polars {pl.__version__}, pandas {pd.__version__}, "
        f"{os.cpu_count()} CPUs, load average {load}",
        flush=True,
    )
    run_case(f"svi counties({counties.height})", counties, None, runs=15)
    run_case(f"svi tracts({tracts.height}) by state({states})", tracts, "ST", runs=7)
    run_case(f"svi tracts({tracts.height}) national", tracts, None, runs=7)


if __name__ == "__main__":
    main()
