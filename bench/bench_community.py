"""Community analytics end to end: SVI import into the database, then the index from it.

Figures, all on the real SVI 2022 county file (3,144 counties x 17 indicators):
- import: ``import_svi_csv`` (read, check every FIPS against the geography set, write 53,448
  observations in one transaction);
- compute: ``index_compute`` (read the observations back, rank nationally and within states,
  write 6,288 result rows).
Reference measured in the same run: the engine alone on the same file in memory
(``read_svi_csv`` + ``compute_svi`` twice, national and by state), i.e. the work without the
database. The ratio is the price of storing inputs and results so they are reproducible.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from upstream.community.geo import geography_set_load  # noqa: E402
from upstream.community.imports import import_svi_csv  # noqa: E402
from upstream.community.services import index_compute, svi_index_ensure  # noqa: E402
from upstream.community.svi import compute_svi, read_svi_csv  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def shared_data() -> Path:
    override = os.environ.get("UPSTREAM_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


def median_ms(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    path = shared_data() / "svi" / "SVI_2022_US_county.csv"
    gs = geography_set_load(key="us-2023").geography_set
    import_svi_csv(path=path)
    index = svi_index_ensure(year=2022, geography_set=gs)

    def engine_only() -> None:
        frame = read_svi_csv(path)
        compute_svi(frame)
        compute_svi(frame, group_by="ST")

    reference = median_ms(engine_only)
    imported = median_ms(lambda: import_svi_csv(path=path))
    computed = median_ms(lambda: index_compute(index=index))
    print(f"engine alone (read + national + by state): {reference:.0f} ms", flush=True)
    print(
        f"import SVI 2022 into the database: {imported:.0f} ms, ratio {imported / reference:.1f}x",
        flush=True,
    )
    print(
        f"compute svi-2022 from stored observations: {computed:.0f} ms, "
        f"ratio {computed / reference:.1f}x",
        flush=True,
    )


if __name__ == "__main__":
    main()
