"""HSDS 3.0 tabular data package: a zip of the CSV tables (``datapackage.json`` optional).

``parse`` reads the zip, ``validate`` converts each row to the official schema's types and checks
it (with duplicate ids and references), returning a :class:`~upstream.directory.importers.Batch`
that the directory's services write all or nothing. Tables outside the directory's core
(funding, cost options…) are reported as not stored.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext

from upstream.core.problems import DataError, Problem, shown
from upstream.core.readers import json_load
from upstream.directory.hsds import HSDS_VERSION, TABLES, schema_properties
from upstream.directory.importers import Batch, dedupe, refuse_if
from upstream.directory.importers.files import zip_texts
from upstream.directory.importers.tabular import add_checked, read_rows, typed

FILES = {spec.file: table for table, spec in TABLES.items()}
NOT_STORED = (
    "accessibility.csv",
    "cost_options.csv",
    "funding.csv",
    "metadata.csv",
    "meta_table_descriptions.csv",
    "organization_identifiers.csv",
    "required_documents.csv",
)
HSDS_1_1_FILES = ("regular_schedules.csv", "postal_addresses.csv", "physical_addresses.csv")


def looks_like_1_1(texts: dict[str, str]) -> bool:
    return any(name in texts for name in HSDS_1_1_FILES)


def parse(data: bytes, *, name: str) -> dict[str, str]:
    return zip_texts(data, name=name)


def _version_problems(texts: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    if looks_like_1_1(texts):
        problems.append(
            Problem(
                gettext(
                    "these are HSDS 1.1 tables (regular_schedules, postal_addresses…); import "
                    "them as HSDS 1.1"
                ),
                file="(zip)",
            )
        )
    descriptor = texts.get("datapackage.json")
    if descriptor is not None:
        try:
            package = json_load(descriptor, file="datapackage.json")
        except DataError as exc:
            return [*problems, *exc.problems]
        version = str(package.get("version", "")) if isinstance(package, dict) else ""
        if version and not version.startswith(HSDS_VERSION):
            problems.append(
                Problem(
                    gettext(
                        "HSDS version %(version)s cannot be read: this importer reads HSDS "
                        "%(supported)s"
                    )
                    % {"version": shown(version), "supported": HSDS_VERSION},
                    file="datapackage.json",
                    path=("version",),
                )
            )
    return problems


def validate(texts: dict[str, str], *, name: str) -> Batch:
    problems = _version_problems(texts)
    refuse_if(problems, source=name)
    batch = Batch(name=name)
    found = [f for f in texts if f in FILES]
    if not found:
        expected = ", ".join(sorted(FILES))
        refuse_if(
            [
                Problem(
                    gettext("no HSDS table in the zip (expected some of %(expected)s)")
                    % {"expected": expected},
                    file=name,
                )
            ],
            source=name,
        )
    for file in NOT_STORED:
        if file in texts:
            batch.notes.append(
                gettext("%(file)s not stored: the directory keeps the HSDS core tables.")
                % {"file": file}
            )
    for file in sorted(found, key=lambda f: list(TABLES).index(FILES[f])):
        table = FILES[file]
        header, rows, read_problems = read_rows(texts[file], file=file)
        problems.extend(read_problems)
        known = set(schema_properties(table))
        unknown = [h for h in header if h and h not in known]
        if unknown:
            listed = ", ".join(shown(h) for h in unknown)
            problems.append(
                Problem(
                    ngettext(
                        "unknown column for HSDS %(version)s %(table)s: %(columns)s",
                        "unknown columns for HSDS %(version)s %(table)s: %(columns)s",
                        len(unknown),
                    )
                    % {"version": HSDS_VERSION, "table": table, "columns": listed},
                    file=file,
                    row=None,
                )
            )
            continue
        for row in rows:
            record: dict[str, Any] = typed(table, row, file=file, problems=problems)
            add_checked(batch, table, record, file=file, row=int(row["__row__"]), problems=problems)
    problems.extend(dedupe(batch, nested=False))
    refuse_if(problems, source=name)
    return batch
