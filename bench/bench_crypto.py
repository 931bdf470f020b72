"""The cost of encrypting personal data: storing (and reading back) N person rows with three
encrypted fields, against plain inserts of the same values in the same run.

Run from the repository root:  python bench/bench_crypto.py  (or `BENCH=crypto make bench`).

1. Measured: ``Person.objects.bulk_create`` of N people with a name, a contact and a preferred
   language, each sealed with AES-256-GCM (``upstream.core.crypto``), in one transaction; then
   reading all of them back and decrypting the three fields.
2. Reference: the same values inserted as plain text into a table of the same shape with one
   ``executemany``, and read back with one SELECT, in the same database and run.
A third figure, the same ORM bulk_create with the fields left empty, separates the ORM's own
cost from the encryption's. It prints rows/s and the ratios (times slower).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings")

from upstream.core.keyring import generate_entry

os.environ.setdefault("UPSTREAM_DATA_KEY", generate_entry("bench"))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from upstream.accounts import services as account_services  # noqa: E402
from upstream.people.models import Person  # noqa: E402

N = int(os.environ.get("BENCH_CRYPTO_ROWS", "5000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def _values(i: int) -> tuple[str, str, str]:
    return (f"Person number {i} Lastname", f"+1 555 01{i % 100:02d} {i:05d}", "es")


def encrypted_round(organization_id: int) -> tuple[float, float]:
    Person.objects.all().delete()
    started = time.perf_counter()
    with transaction.atomic():
        people = []
        for i in range(N):
            name, contact, language = _values(i)
            people.append(
                Person(
                    organization_id=organization_id,
                    display_name=name,
                    contact=contact,
                    preferred_language=language,
                )
            )
        Person.objects.bulk_create(people, batch_size=500)
    stored = time.perf_counter() - started
    started = time.perf_counter()
    total = 0
    for person in Person.objects.all():
        total += len(person.display_name) + len(person.contact) + len(person.preferred_language)
    read = time.perf_counter() - started
    assert total > 0
    return stored, read


def orm_empty_round(organization_id: int) -> float:
    """The ORM's own cost: the same bulk_create with the encrypted fields left empty."""
    Person.objects.all().delete()
    started = time.perf_counter()
    with transaction.atomic():
        Person.objects.bulk_create(
            [Person(organization_id=organization_id) for _ in range(N)], batch_size=500
        )
    return time.perf_counter() - started


def plain_round() -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_plain_person")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_plain_person (uuid, organization_id, display_name, contact, "
            "preferred_language) VALUES (%s, %s, %s, %s, %s)",
            [(uuid.uuid4().hex, 1, *_values(i)) for i in range(N)],
        )
    stored = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT display_name, contact, preferred_language FROM bench_plain_person")
        total = sum(len(a) + len(b) + len(c) for a, b, c in cursor.fetchall())
    read = time.perf_counter() - started
    assert total > 0
    return stored, read


def main() -> None:
    call_command("migrate", verbosity=0)
    org = account_services.organization_create(
        actor=None, name="Bench Org", sectors=["housing"], state_fips="39"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_plain_person (id INTEGER PRIMARY KEY, "
            "uuid TEXT, organization_id INTEGER, display_name TEXT, contact TEXT, "
            "preferred_language TEXT)"
        )
    enc = [encrypted_round(org.pk) for _ in range(ROUNDS)]
    plain = [plain_round() for _ in range(ROUNDS)]
    orm_store = statistics.median(orm_empty_round(org.pk) for _ in range(ROUNDS))
    enc_store = statistics.median(s for s, _ in enc)
    enc_read = statistics.median(r for _, r in enc)
    plain_store = statistics.median(s for s, _ in plain)
    plain_read = statistics.median(r for _, r in plain)
    print(f"rows: {N} (3 encrypted fields each), median of {ROUNDS} rounds, {connection.vendor}")
    print(f"store encrypted (ORM bulk_create): {N / enc_store:10.0f} rows/s")
    print(f"store plain (reference executemany): {N / plain_store:8.0f} rows/s")
    print(f"store ORM, fields empty: {N / orm_store:20.0f} rows/s")
    print(f"read + decrypt (ORM): {N / enc_read:23.0f} rows/s")
    print(f"read plain (reference SELECT): {N / plain_read:14.0f} rows/s")
    print(f"ratio store encrypted/plain time: {enc_store / plain_store:.2f}x")
    print(f"ratio store encrypted/ORM-empty time: {enc_store / orm_store:.2f}x")
    print(f"ratio read encrypted/plain time: {enc_read / plain_read:.2f}x")


if __name__ == "__main__":
    main()
