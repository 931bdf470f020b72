"""HSDS importers: one module per format, each ``parse → validate`` into a :class:`Batch` of flat
HSDS 3.0 records that :func:`upstream.directory.services.directory_batch_write` writes, all or
nothing. The checks every format shares (duplicate ids, broken references, unknown taxonomy
terms) are here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, ngettext

from upstream.core.problems import DataError, Problem, shown
from upstream.directory.hsds import TABLES, marker_ids

MAX_PROBLEMS = 1000


@dataclass
class Batch:
    """Flat HSDS 3.0 records by table, each with where it came from (a ``Problem``'s place)."""

    name: str
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    places: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # (table, field) links that may name a record outside the file (HSDS 1.1 extracts): an
    # unknown one is dropped with a note instead of refusing the file.
    optional_links: frozenset[tuple[str, str]] = frozenset()

    def add(self, table: str, record: dict[str, Any], place: dict[str, Any]) -> None:
        self.records.setdefault(table, []).append(record)
        self.places.setdefault(table, []).append(place)

    @property
    def size(self) -> int:
        return sum(len(rows) for rows in self.records.values())


def content_hash(record: Mapping[str, Any]) -> str:
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def problem(
    table: str, record_id: Any, message: str, place: dict[str, Any], at: str | None = None
) -> Problem:
    """A problem with a record, naming the record (table and id) and, if known, its field."""
    who = (
        f"{table} {shown(record_id)}"
        if record_id not in (None, "")
        else gettext("a %(table)s record") % {"table": table}
    )
    where = dict(place)
    if at is not None:
        if "path" in where:
            where["path"] = (*where["path"], at)
        else:
            where["column"] = at
    return Problem(f"{who}: {message}", **where)


def dedupe(batch: Batch, *, nested: bool) -> list[Problem]:
    """Merge the same record given twice with the same fields (nested JSON repeats an
    organization under each of its services); any other repeated id is a problem."""
    problems: list[Problem] = []
    for table in list(batch.records):
        seen: dict[str, int] = {}
        kept: list[dict[str, Any]] = []
        places: list[dict[str, Any]] = []
        for record, place in zip(batch.records[table], batch.places[table], strict=True):
            rid = record.get("id")
            if not isinstance(rid, str) or not rid:
                kept.append(record)
                places.append(place)
                continue
            if rid in seen:
                first_record = kept[seen[rid]]
                clash = [k for k in record if k in first_record and first_record[k] != record[k]]
                if nested and not clash:
                    # Nesting fills in different parent ids (organization_id, location_id…).
                    first_record.update(record)
                    continue
                first = Problem("", **places[seen[rid]]).location or gettext("earlier")
                problems.append(
                    problem(
                        table,
                        rid,
                        gettext("duplicate id (first at %(first)s)") % {"first": first},
                        place,
                        "id",
                    )
                )
                continue
            seen[rid] = len(kept)
            kept.append(record)
            places.append(place)
        batch.records[table] = kept
        batch.places[table] = places
    return problems


def reference_problems(batch: Batch, existing: Mapping[str, set[str]]) -> list[Problem]:
    """Every reference to a record that is neither in the file nor already in the directory."""
    ids = {
        table: {r["id"] for r in rows if isinstance(r.get("id"), str)}
        | set(existing.get(table, ()))
        for table, rows in batch.records.items()
    }
    markers = marker_ids()
    problems: list[Problem] = []
    dropped: dict[tuple[str, str], int] = {}
    for table, rows in batch.records.items():
        spec = TABLES[table]
        for record, place in zip(rows, batch.places[table], strict=True):
            for _model_field, (hsds_field, target) in spec.refs.items():
                value = record.get(hsds_field)
                if value in (None, ""):
                    continue
                if table == "attribute" and value in markers:
                    continue
                if target == table:
                    # A parent organization or broader term may be published elsewhere: kept
                    # in the record, linked when it is in the directory.
                    continue
                known = ids.get(target) or set(existing.get(target, ()))
                if value in known:
                    continue
                if (table, hsds_field) in batch.optional_links:
                    del record[hsds_field]
                    dropped[(table, hsds_field)] = dropped.get((table, hsds_field), 0) + 1
                    continue
                if target == "taxonomy_term":
                    message = gettext("unknown taxonomy term %(value)s") % {"value": shown(value)}
                elif target == "taxonomy":
                    message = gettext("unknown taxonomy %(value)s") % {"value": shown(value)}
                else:
                    message = gettext(
                        "%(field)s %(value)s names no %(target)s in the file or the directory"
                    ) % {"field": hsds_field, "value": shown(value), "target": target}
                problems.append(problem(table, record.get("id"), message, place, hsds_field))
            if table == "attribute":
                entity = record.get("link_entity")
                link = record.get("link_id")
                if (
                    entity in TABLES
                    and link
                    and link not in (ids.get(entity) or set(existing.get(entity, ())))
                ):
                    message = gettext(
                        "link_id %(value)s names no %(target)s in the file or the directory"
                    ) % {"value": shown(link), "target": entity}
                    problems.append(problem(table, record.get("id"), message, place, "link_id"))
    for (table, hsds_field), number in dropped.items():
        batch.notes.append(
            ngettext(
                "%(count)s %(table)s record names a %(field)s that is not in the file or the "
                "directory: the link was left out.",
                "%(count)s %(table)s records name a %(field)s that is not in the file or the "
                "directory: the link was left out.",
                number,
            )
            % {"count": f"{number:,}", "table": table, "field": hsds_field}
        )
    return problems


def refuse_if(problems: list[Problem], *, source: str) -> None:
    if problems:
        if len(problems) > MAX_PROBLEMS:
            extra = len(problems) - MAX_PROBLEMS
            problems = [
                *problems[:MAX_PROBLEMS],
                Problem(
                    ngettext(
                        "%(count)s more problem not listed",
                        "%(count)s more problems not listed",
                        extra,
                    )
                    % {"count": f"{extra:,}"}
                ),
            ]
        raise DataError(problems, source=source)
