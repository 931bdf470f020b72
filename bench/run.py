"""Run every benchmark in bench/ (files named bench_*.py), each in its own process.

Each benchmark prints its figures and its ratio to a reference measured in the same run. Set
BENCH=name to run one (e.g. BENCH=framework). Benchmarks use a throwaway var directory, so they
never touch the development database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    only = os.environ.get("BENCH")
    scripts = sorted(HERE.glob("bench_*.py"))
    if only:
        scripts = [s for s in scripts if s.stem == f"bench_{only}"]
    failed = 0
    for script in scripts:
        print(f"\n== {script.stem.removeprefix('bench_')} ==", flush=True)
        with tempfile.TemporaryDirectory(prefix="upstream-bench-") as var:
            Path(var, "staticfiles").mkdir()
            env = {
                **os.environ,
                "UPSTREAM_VAR_DIR": var,
                "UPSTREAM_INSECURE_HTTP": "1",
                "UPSTREAM_STATIC_MANIFEST": "0",
            }
            started = time.perf_counter()
            code = subprocess.call([sys.executable, str(script)], env=env, cwd=HERE.parent)
            print(f"({script.name} finished in {time.perf_counter() - started:.1f} s, exit {code})")
            failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
