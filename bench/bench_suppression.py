"""Small-cell suppression of a 50 × 20 table with margins (a county × age-group table, say).

Run from the repository root:  python bench/bench_suppression.py  (or `BENCH=suppression make
bench`). The table is drawn from a fixed seed (about one count in eight from 1 to 10, some
zeros), so every run protects the same table.

It prints, for ``protect()`` (primary, complementary and the audit rounds with their early exit):
the time, the audit rounds, the LPs solved and the cells suppressed. The reference, measured in
the same run, is the exact audit-only pass over the final pattern (two LPs per suppressed cell,
no early exit): the ratios say what the whole procedure costs against one plain audit. The exact
pass also checks the guarantee (every suppressed cell at least the threshold wide); a breach
exits with status 1.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from upstream.monitoring.suppression import Release, Rules, Table, attack, protect

ROWS, COLUMNS, SEED = 50, 20, 20261202


def table() -> Table:
    rnd = random.Random(SEED)
    counts = [
        [int(rnd.expovariate(1 / 80)) if rnd.random() > 0.05 else 0 for _ in range(COLUMNS)]
        for _ in range(ROWS)
    ]
    return Table.of(
        "county by age",
        rows=("county", [f"county-{i:02d}" for i in range(ROWS)]),
        columns=("age", [f"age-{j:02d}" for j in range(COLUMNS)]),
        counts=counts,
    )


def main() -> int:
    release = Release.of(table())
    rules = Rules()
    cells = (ROWS + 1) * (COLUMNS + 1)
    small = sum(1 for line in release.tables[0].values() for v in line if 0 < v < rules.threshold)

    began = time.perf_counter()
    protected = protect(release, rules)
    seconds = time.perf_counter() - began

    began = time.perf_counter()
    intervals, solves = attack(release, protected.suppressed)
    reference = time.perf_counter() - began
    narrowest = min(span.width for span in intervals.values())

    print(f"table: {ROWS} x {COLUMNS} with margins ({cells} cells, {small} from 1 to 10)")
    print(
        f"protect(): {seconds:.2f} s, {protected.rounds} extra audit round(s), "
        f"{protected.lp_solves} LPs, {len(protected.suppressed)} cells suppressed"
    )
    print(f"reference, exact audit-only pass: {reference:.2f} s, {solves} LPs")
    print(
        f"ratio protect / audit-only: time {seconds / reference:.2f}, "
        f"LPs {protected.lp_solves / solves:.2f}"
    )
    print(f"narrowest interval left to an attacker: {narrowest} (required {rules.width})")
    return 0 if narrowest >= rules.width else 1


if __name__ == "__main__":
    raise SystemExit(main())
