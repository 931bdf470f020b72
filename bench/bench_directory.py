"""Directory import: a generated HSDS 3.0 directory of services with their locations.

Figures:
- bulk: the importer end to end (parse the JSON, validate every service against the official
  schemas, flatten, check references, write every table with bulk inserts in one transaction),
  on ``BENCH_SERVICES`` services (100,000 by default; each with a location, its address, a
  phone and the link between them; one organization per 100 services): records/s and services/s;
- reimport: the same file again (every record unchanged, found by its content hash);
- naive reference, measured in the same run: the same flat records written one object at a time
  with the ORM (``update_or_create`` per record, parents looked up one query each), on the first
  ``BENCH_NAIVE`` services (2,000 by default) and scaled per service; the ratio is bulk
  services/s over naive services/s (target >= 20x, and >= 5,000 services/s on PostgreSQL).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from upstream.accounts.services import organization_create  # noqa: E402
from upstream.directory import services  # noqa: E402
from upstream.directory.hsds import TABLES  # noqa: E402

SERVICES = int(os.environ.get("BENCH_SERVICES", "100000"))
NAIVE = int(os.environ.get("BENCH_NAIVE", "2000"))


def generate(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        org = i // 100
        loc = f"loc-{i:07d}"
        out.append(
            {
                "id": f"svc-{i:07d}",
                "name": f"Service {i}",
                "status": "active",
                "description": "Shelter, counselling and legal help.",
                "minimum_age": 18,
                "organization": {
                    "id": f"org-{org:05d}",
                    "name": f"Organization {org}",
                    "description": "A provider.",
                },
                "service_at_locations": [
                    {
                        "id": f"sal-{i:07d}",
                        "location": {
                            "id": loc,
                            "location_type": "physical",
                            "name": f"Site {i}",
                            "organization_id": f"org-{org:05d}",
                            "latitude": 41.0 + i * 1e-6,
                            "longitude": -87.0 - i * 1e-6,
                            "addresses": [
                                {
                                    "id": f"adr-{i:07d}",
                                    "address_1": f"{i} Main Street",
                                    "city": "Springfield",
                                    "state_province": "IL",
                                    "postal_code": "62701",
                                    "country": "US",
                                    "address_type": "physical",
                                }
                            ],
                            "phones": [
                                {"id": f"ph-{i:07d}", "number": f"+1 217 555 {i % 10000:04d}"}
                            ],
                        },
                    }
                ],
            }
        )
    return out


def naive_import(owner: Any, batch: Any) -> None:
    """One object at a time: each record written with update_or_create, each parent looked
    up with its own query."""
    with transaction.atomic():
        for table, spec in TABLES.items():
            model = services.model_of(table)
            for record in batch.records.get(table, []):
                values: dict[str, Any] = {"data": record, "content_hash": ""}
                for name in spec.columns:
                    if name in record:
                        values[name] = record[name]
                for model_field, (hsds_field, target) in spec.refs.items():
                    if record.get(hsds_field):
                        values[model_field] = (
                            services.model_of(target)
                            .objects.filter(organization=owner, hsds_id=record[hsds_field])
                            .first()
                        )
                model.objects.update_or_create(
                    organization=owner, hsds_id=record["id"], defaults=values
                )


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    data = json.dumps(generate(SERVICES)).encode()
    owner = organization_create(actor=None, name="Bench", sectors=["housing"], state_fips="17")
    started = time.perf_counter()
    batch = services.batch_read(name="bench.json", data=data, format="hsds-json")
    read = time.perf_counter() - started
    result = services.directory_batch_write(owner=owner, batch=batch)
    bulk = time.perf_counter() - started
    records = result.total("added")
    print(
        f"bulk: {SERVICES:,} services, {records:,} records in {bulk:.1f} s "
        f"(read and validate {read:.1f} s): {SERVICES / bulk:,.0f} services/s, "
        f"{records / bulk:,.0f} records/s"
    )
    started = time.perf_counter()
    again = services.directory_batch_write(
        owner=owner, batch=services.batch_read(name="bench.json", data=data, format="hsds-json")
    )
    reimport = time.perf_counter() - started
    print(
        f"reimport: {again.total('unchanged'):,} unchanged in {reimport:.1f} s "
        f"({SERVICES / reimport:,.0f} services/s)"
    )

    sample = json.dumps(generate(NAIVE)).encode()
    other = organization_create(actor=None, name="Naive", sectors=["housing"], state_fips="17")
    started = time.perf_counter()
    naive_import(other, services.batch_read(name="naive.json", data=sample, format="hsds-json"))
    naive = time.perf_counter() - started
    naive_rate = NAIVE / naive
    print(
        f"naive reference: {NAIVE:,} services one object at a time in {naive:.1f} s: "
        f"{naive_rate:,.0f} services/s"
    )
    print(f"ratio bulk/naive: {SERVICES / bulk / naive_rate:.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
