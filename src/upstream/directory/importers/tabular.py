"""Flat HSDS rows from CSV text: cells converted to the types of the official schema, then
checked against it. Shared by the 3.0 data package and the 1.1 importer."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext

from upstream.core.problems import Problem, shown
from upstream.directory.hsds import schema_of, schema_problems, schema_properties
from upstream.directory.importers import Batch, problem

# csv's own cell limit (131,072 characters) stays: it is process-wide, shared with every other
# importer, and a longer cell is a problem of its row (csv.Error below).

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def read_rows(text: str, *, file: str) -> tuple[list[str], list[dict[str, str]], list[Problem]]:
    """The header and rows of CSV text; rows with more cells than the header are problems."""
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        rows: list[dict[str, str]] = []
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                problems.append(
                    Problem(
                        gettext("%(cells)s cells for %(columns)s columns")
                        % {"cells": len(cells), "columns": len(header)},
                        file=file,
                        row=number,
                    )
                )
                continue
            row = {h: c for h, c in zip(header, cells, strict=False) if h}
            row["__row__"] = str(number)
            rows.append(row)
    except csv.Error as exc:
        problems.append(
            Problem(gettext("not readable as CSV: %(error)s") % {"error": exc}, file=file)
        )
        return [], [], problems
    return header, rows, problems


def required_text(table: str) -> frozenset[str]:
    """The required text fields of a table other than ``id``."""
    required = schema_of(table).get("required", [])
    properties = schema_properties(table)
    return frozenset(
        name
        for name in required
        if name != "id"
        and properties.get(name, {}).get("type") == "string"
        and "enum" not in properties.get(name, {})
    )


def typed(table: str, row: dict[str, str], *, file: str, problems: list[Problem]) -> dict[str, Any]:
    """A CSV row as an HSDS record: empty cells left out, numbers and booleans converted."""
    properties = schema_properties(table)
    required = required_text(table)
    number = int(row["__row__"])
    record: dict[str, Any] = {}
    for column, cell in row.items():
        if column == "__row__" or cell is None:
            continue
        value = cell.strip()
        if value == "":
            if column in required:
                # A CSV cannot tell empty text from none; the schema accepts empty text.
                record[column] = ""
            continue
        kind = properties.get(column, {}).get("type", "string")
        place = {"file": file, "row": number}
        try:
            if kind == "integer":
                record[column] = int(value)
            elif kind == "number":
                number_value = float(value)
                if number_value != number_value or number_value in (float("inf"), float("-inf")):
                    raise ValueError(value)
                record[column] = int(value) if value.lstrip("-").isdigit() else number_value
            elif kind == "boolean":
                lowered = value.lower()
                if lowered not in _TRUE | _FALSE:
                    raise ValueError(value)
                record[column] = lowered in _TRUE
            else:
                record[column] = cell
        except ValueError:
            problems.append(
                problem(
                    table,
                    row.get("id"),
                    gettext("%(value)s is not a valid %(type)s")
                    % {"value": shown(value), "type": kind},
                    place,
                    column,
                )
            )
    return record


def add_checked(
    batch: Batch,
    table: str,
    record: dict[str, Any],
    *,
    file: str,
    row: int,
    problems: list[Problem],
) -> None:
    """Check a flat record against the table's official schema and add it to the batch."""
    place = {"file": file, "row": row}
    for path, message in schema_problems(table, record):
        column = str(path[0]) if path else None
        problems.append(problem(table, record.get("id"), message, place, column))
    batch.add(table, record, place)
