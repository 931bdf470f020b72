"""Exports of a directory as HSDS 3.0: JSON (a list of fully nested services, the shape of the
official ``service_full`` example) and the tabular data package (a zip of CSV files with the
official ``datapackage.json``). Both are built from :func:`directory_public_tables`, so neither
ever holds a withheld location's details."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from functools import cache
from typing import Any

from upstream.directory.hsds import SCHEMAS_3_1, TABLES, Nester, schema_dir
from upstream.directory.selectors import Tables


def as_json(tables: Tables) -> list[dict[str, Any]]:
    return Nester(tables).services()


@cache
def descriptor() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (schema_dir().parent / "datapackage.json").read_text(encoding="utf-8")
    )
    return loaded


def _fields(table: str) -> list[str]:
    for resource in descriptor()["resources"]:
        if resource["name"] == table:
            return [f["name"] for f in resource["schema"]["fields"]]
    properties = SCHEMAS_3_1[table]["properties"]
    return [name for name, spec in properties.items() if spec.get("type") != "object"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return str(value)


def as_datapackage(tables: Tables) -> bytes:
    """A zip: ``datapackage.json`` and one CSV per table that has records."""
    package = {k: v for k, v in descriptor().items() if k != "resources"}
    resources = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, spec in TABLES.items():
            records = tables.get(table) or {}
            if not records:
                continue
            fields = _fields(table)
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(fields)
            for record in records.values():
                writer.writerow([_cell(record.get(name)) for name in fields])
            archive.writestr(spec.file, text.getvalue())
            official = next((r for r in descriptor()["resources"] if r["name"] == table), None)
            resources.append(
                official or {"name": table, "path": spec.file, "profile": "tabular-data-resource"}
            )
        package["resources"] = resources
        archive.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
    return buffer.getvalue()
