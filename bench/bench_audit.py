"""Audit write throughput on PostgreSQL with two organizations writing at once.

Run from the repository root:  DATABASE_URL=postgres://... python bench/bench_audit.py
(or `BENCH=audit make bench`). Skipped, with a message, when DATABASE_URL is not PostgreSQL: on
SQLite every write transaction takes the database's one write lock, so there is nothing to compare.

1. Creates a throwaway PostgreSQL database (DATABASE_URL's name + "_bench_audit"), migrates it,
   and creates two organizations.
2. Two threads, one per organization, each commit EVENTS transactions that append one audit
   event and then keep the transaction open for HOLD ms, standing for the rest of a request that
   holds its transaction after the audit write (more queries, a render). HOLD 0 is the bare
   append.
3. The reference is the previous scheme, reproduced in the same run: every append first takes
   one instance-wide advisory lock held until commit (the old global chain's lock), so the two
   organizations queue behind each other. "After" is the per-organization lock alone.
   It prints events/s for both and the ratio after/before (at most 2 with two organizations),
   and checks every chain afterwards.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings")

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "100"))
HOLDS_MS = (0.0, 20.0)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
OLD_GLOBAL_LOCK_KEY = 0x55505354  # the key the single chain's lock used


def _postgresql() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def _writer(organization: Any, *, global_lock: bool, hold_s: float, start: Any) -> None:
    from django.db import connection, transaction

    from upstream.audit.services import audit_record

    try:
        start.wait()
        for n in range(EVENTS):
            with transaction.atomic():
                if global_lock:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OLD_GLOBAL_LOCK_KEY])
                audit_record(action="personal.viewed", organization=organization, details={"n": n})
                if hold_s:
                    time.sleep(hold_s)
    finally:
        connection.close()


def _run(organizations: list[Any], *, global_lock: bool, hold_ms: float) -> float:
    """Events per second with one writer thread per organization."""
    start = threading.Barrier(len(organizations) + 1)
    threads = [
        threading.Thread(
            target=_writer,
            args=(org,),
            kwargs={"global_lock": global_lock, "hold_s": hold_ms / 1000, "start": start},
        )
        for org in organizations
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return len(organizations) * EVENTS / (time.perf_counter() - began)


def main() -> int:
    if not _postgresql():
        print("skipped: the audit write benchmark needs DATABASE_URL naming a PostgreSQL database")
        return 0
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from upstream.accounts import services as account_services
    from upstream.audit.chain import verify_chain

    base = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"]["TEST"]["NAME"] = f"{base}_bench_audit"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        organizations = [
            account_services.organization_create(
                actor=None, name=f"Bench Org {i}", sectors=["housing"], state_fips="39"
            )
            for i in (1, 2)
        ]
        print(f"two organizations, one writer thread each, {EVENTS} events per thread per round")
        for hold_ms in HOLDS_MS:
            before, after = [], []
            for _ in range(ROUNDS):
                before.append(_run(organizations, global_lock=True, hold_ms=hold_ms))
                after.append(_run(organizations, global_lock=False, hold_ms=hold_ms))
            b, a = statistics.median(before), statistics.median(after)
            print(
                f"hold {hold_ms:>3.0f} ms after the audit write: "
                f"one global lock {b:7.1f} events/s, per-organization locks {a:7.1f} events/s, "
                f"ratio {a / b:.2f}x"
            )
        result = verify_chain()
        print(f"afterwards: {result.checked} events in {result.chains} chains, intact={result.ok}")
        return 0 if result.ok else 1
    finally:
        connection.close()
        connection.creation.destroy_test_db(base, verbosity=0)


if __name__ == "__main__":
    raise SystemExit(main())
