"""HSDS 3.0 JSON: a list of services or of organizations (or one of them, or a paginated
``{"contents": [...]}`` response), as in the official examples.

``parse`` reads the file (bounded, UTF-8, strict JSON); ``validate`` checks every item against
the official schema (``service.json`` or ``organization.json`` with the others they ``$ref``,
resolved through a local registry) and flattens it into tables, reporting every problem with its
record id and JSON path.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from upstream.core.problems import DataError, JsonPath, Problem, shown
from upstream.core.readers import decode_text, json_load, table_limit, within_limit
from upstream.directory.hsds import HSDS_VERSION, Flat, flatten, schema_problems
from upstream.directory.importers import Batch, dedupe, problem, refuse_if

SERVICE_KEYS = frozenset({"status", "service_at_locations", "organization", "program_id"})


def parse(data: bytes, *, name: str) -> Any:
    within_limit(data, limit=table_limit(), file=name)
    text = decode_text(data, file=name)
    if not text.strip():
        raise DataError([Problem(gettext("the file is empty"), file=name)], source=name)
    return json_load(text, file=name)


def _items(document: Any, name: str) -> tuple[list[Any], JsonPath]:
    if isinstance(document, dict):
        version = document.get("version")
        if version is not None and not str(version).startswith(HSDS_VERSION):
            message = gettext(
                "HSDS version %(version)s cannot be read: this importer reads HSDS %(supported)s"
            ) % {"version": shown(version), "supported": HSDS_VERSION}
            raise DataError([Problem(message, file=name, path=("version",))], source=name)
        if isinstance(document.get("contents"), list):
            return document["contents"], ("contents",)
        return [document], ()
    if isinstance(document, list):
        return document, ()
    message = gettext("expected a list of HSDS services or organizations (or one of them)")
    raise DataError([Problem(message, file=name, path=())], source=name)


def kind_of(item: Any) -> str:
    return "service" if isinstance(item, dict) and SERVICE_KEYS & set(item) else "organization"


def validate(document: Any, *, name: str) -> Batch:
    items, base = _items(document, name)
    if not items:
        raise DataError(
            [Problem(gettext("the list holds no record"), file=name, path=base)], source=name
        )
    kind = kind_of(next((i for i in items if isinstance(i, dict)), None))
    problems: list[Problem] = []
    flat: Flat = {}
    for index, item in enumerate(items):
        path: JsonPath = (
            (*base, index) if base or len(items) > 1 or isinstance(document, list) else ()
        )
        place = {"file": name, "path": path}
        if not isinstance(item, dict):
            problems.append(
                problem(
                    kind,
                    None,
                    gettext("expected an object, not %(type)s") % {"type": type(item).__name__},
                    place,
                )
            )
            continue
        for at, message in schema_problems(kind, item):
            problems.append(
                Problem(f"{kind} {shown(item.get('id'))}: {message}", file=name, path=(*path, *at))
            )
        flatten(kind, item, path, flat)
    batch = Batch(name=name)
    for table, rows in flat.items():
        for record, path in rows:
            batch.add(table, record, {"file": name, "path": path})
    # HSDS 3.1's capacities are not in the 3.0 schemas: check them against 3.1's.
    for table in ("service_capacity", "unit"):
        for record, place in zip(
            batch.records.get(table, []), batch.places.get(table, []), strict=True
        ):
            for at, message in schema_problems(table, record):
                problems.append(
                    problem(
                        table, record.get("id"), message, {**place, "path": (*place["path"], *at)}
                    )
                )
    problems.extend(dedupe(batch, nested=True))
    refuse_if(problems, source=name)
    return batch
