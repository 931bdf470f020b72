"""The long indicator CSV (fips, indicator, year, value[, moe]): parse, validate, write."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from upstream.community.imports.common import (
    LONG_COLUMNS,
    ImportResult,
    _add,
    _geography_set,
    _not_in_set,
    _number,
    _year,
    normalise_fips,
)
from upstream.community.models import GeographySet, IndicatorDefinition, Observation
from upstream.community.problems import CommunityDataError, Problem
from upstream.community.svi import (
    ACS_SENTINELS,
    REQUIRED_COLUMNS,
)
from upstream.core.problems import shown
from upstream.core.readers import read_text, table_limit
from upstream.core.validators import CONTROL_CHARACTERS


def header_problems(text: str, *, kind: str) -> list[Problem]:
    """What is wrong with the header line of an indicator CSV (``kind="indicators"``) or a CDC
    SVI CSV (``kind="svi"``): empty, unreadable, or missing required columns. The importers check
    the same again; this lets a page refuse a wrong file before it is queued."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first:
        return [Problem(gettext("the file is empty (no header line)"))]
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration) as exc:
        return [
            Problem(gettext("the header line cannot be read as CSV: %(error)s") % {"error": exc})
        ]
    if kind == "svi":
        names = [h.strip() for h in header]
        required: tuple[str, ...] = REQUIRED_COLUMNS
    else:
        names = [h.strip().lower() for h in header]
        required = LONG_COLUMNS
    missing = [c for c in required if c not in names]
    if not missing:
        return []
    found = ", ".join(names) or gettext("nothing")
    if len(found) > 80 or not found.isprintable():
        found = shown(found, 80)
    message = gettext("missing required columns: %(missing)s (found: %(found)s)")
    return [Problem(message % {"missing": ", ".join(missing), "found": found})]


# ---------------------------------------------------------------------------
# long CSV
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LongRow:
    row: int
    fips: str
    indicator: str
    year: int
    value: float
    moe: float | None


def parse_long_csv(text: str) -> tuple[list[LongRow], list[Problem]]:
    """Parse the long CSV; every malformed cell is a problem with its row number."""
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        return [], [
            Problem(gettext("the header line cannot be read as CSV: %(error)s") % {"error": exc})
        ]
    header = [(h or "").strip().lower() for h in fieldnames]
    missing = [c for c in LONG_COLUMNS if c not in header]
    if missing:
        found = ", ".join(header) or gettext("nothing")
        if len(found) > 80 or not found.isprintable():
            found = shown(found, 80)
        return [], [
            Problem(
                gettext("missing required columns: %(missing)s (found: %(found)s)")
                % {"missing": ", ".join(missing), "found": found}
            )
        ]
    reader.fieldnames = header
    rows: list[LongRow] = []
    number = 0
    records = iter(reader)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            # the csv module cannot go on after this (a cell over its size limit, say)
            _add(
                problems,
                Problem(
                    gettext("cannot be read as CSV: %(error)s; nothing after it was read")
                    % {"error": exc},
                    number + 1,
                ),
            )
            break
        number += 1
        cells = {k: (v or "").strip() for k, v in record.items() if isinstance(k, str)}
        if None in record:
            _add(problems, Problem(gettext("more cells than columns"), number))
        before = len(problems)
        for column, cell in cells.items():
            if CONTROL_CHARACTERS.search(cell):
                _add(
                    problems, Problem(gettext("a control character is not allowed"), number, column)
                )
        if len(problems) > before:
            continue
        fips = normalise_fips(cells.get("fips", ""))
        if fips is None:
            _add(
                problems,
                Problem(
                    gettext("malformed FIPS %(value)s (2, 5 or 11 digits)")
                    % {"value": shown(cells.get("fips", ""))},
                    number,
                    "fips",
                ),
            )
        indicator = cells.get("indicator", "")
        if not indicator:
            _add(problems, Problem(gettext("empty indicator"), number, "indicator"))
        year_text = cells.get("year", "")
        year = _year(year_text)
        if year is None or not 1900 <= year <= 2100:
            message = gettext("year %(value)s is not a year") % {"value": shown(year_text)}
            _add(problems, Problem(message, number, "year"))
        value = _number(cells.get("value", ""))
        if value is None:
            _add(
                problems,
                Problem(
                    gettext("value %(value)s is not a number")
                    % {"value": shown(cells.get("value", ""))},
                    number,
                    "value",
                ),
            )
        elif value in ACS_SENTINELS:
            _add(
                problems,
                Problem(
                    gettext("value %(value)s is a missing-value code: leave the row out")
                    % {"value": cells["value"]},
                    number,
                    "value",
                ),
            )
        moe_text = cells.get("moe", "")
        moe = _number(moe_text) if moe_text else None
        if moe_text and moe is None:
            _add(
                problems,
                Problem(
                    gettext("moe %(value)s is not a number") % {"value": shown(moe_text)},
                    number,
                    "moe",
                ),
            )
        if moe is not None and moe in ACS_SENTINELS:
            moe = None  # ACS "no sampling error" and similar codes
        if len(problems) == before and fips and year is not None and value is not None:
            rows.append(LongRow(number, fips, indicator, year, value, moe))
    return rows, problems


def validate_long_rows(
    rows: list[LongRow], gs: GeographySet, *, replace: bool
) -> tuple[list[Problem], dict[str, int], dict[str, int]]:
    """Check joins: geographies in the set, known indicators, no duplicates in file or database."""
    problems: list[Problem] = []
    geographies = dict(gs.geographies.values_list("fips", "id"))
    indicators = dict(
        IndicatorDefinition.objects.filter(key__in={r.indicator for r in rows}).values_list(
            "key", "id"
        )
    )
    seen: dict[tuple[str, str, int], int] = {}
    for r in rows:
        if r.fips not in geographies:
            _add(problems, Problem(_not_in_set(r.fips, gs), r.row, "fips"))
        if r.indicator not in indicators:
            _add(
                problems,
                Problem(
                    gettext(
                        "unknown indicator %(key)s (define it first with "
                        "`upstream community indicator add`)"
                    )
                    % {"key": shown(r.indicator)},
                    r.row,
                    "indicator",
                ),
            )
        key = (r.fips, r.indicator, r.year)
        if key in seen:
            _add(
                problems,
                Problem(
                    gettext(
                        "duplicate observation of %(key)s for %(fips)s in %(year)s "
                        "(first in row %(row)s)"
                    )
                    % {"key": r.indicator, "fips": r.fips, "year": r.year, "row": seen[key]},
                    r.row,
                ),
            )
        else:
            seen[key] = r.row
    if not replace and rows:
        stored = set(
            Observation.objects.filter(
                geography__geography_set=gs,
                indicator_id__in=indicators.values(),
                year__in={r.year for r in rows},
            ).values_list("geography__fips", "indicator__key", "year")
        )
        for r in rows:
            if (r.fips, r.indicator, r.year) in stored:
                _add(
                    problems,
                    Problem(
                        gettext(
                            "%(key)s for %(fips)s in %(year)s is already stored "
                            "(use --replace to overwrite)"
                        )
                        % {"key": r.indicator, "fips": r.fips, "year": r.year},
                        r.row,
                    ),
                )
    return problems, geographies, indicators


@transaction.atomic
def import_long_csv(
    *, text: str, geography_set: str | None = None, replace: bool = False, source: str = ""
) -> ImportResult:
    """Import ``fips,indicator,year,value[,moe]`` rows, all or nothing."""
    gs = _geography_set(geography_set)
    rows, problems = parse_long_csv(text)
    if not (len(problems) == 1 and problems[0].row is None):  # a header problem stops here
        more, geographies, indicators = validate_long_rows(rows, gs, replace=replace)
        problems = sorted(problems + more, key=lambda p: p.row or 0)
    if problems:
        raise CommunityDataError(problems, source=source)
    if not rows:
        raise CommunityDataError([Problem(gettext("no data rows"))], source=source)
    if replace:
        # one DELETE per indicator and year (in chunks), not one per row
        replaced: dict[tuple[int, int], list[int]] = {}
        for r in rows:
            key = (indicators[r.indicator], r.year)
            replaced.setdefault(key, []).append(geographies[r.fips])
        for (indicator_id, year), geography_ids in replaced.items():
            for start in range(0, len(geography_ids), 1000):
                Observation.objects.filter(
                    indicator_id=indicator_id,
                    year=year,
                    geography_id__in=geography_ids[start : start + 1000],
                ).delete()
    Observation.objects.bulk_create(
        [
            Observation(
                geography_id=geographies[r.fips],
                indicator_id=indicators[r.indicator],
                year=r.year,
                value=r.value,
                moe=r.moe,
            )
            for r in rows
        ],
        batch_size=2000,
    )
    return ImportResult(
        observations=len(rows),
        indicators=sorted({r.indicator for r in rows}),
        years=sorted({r.year for r in rows}),
        geography_set=gs,
    )


def import_long_csv_file(
    *, path: Path, geography_set: str | None = None, replace: bool = False
) -> ImportResult:
    """:func:`import_long_csv` of a file: at most ``MAX_TABLE_BYTES``, UTF-8 text."""
    text = read_text(path, limit=table_limit(), file=str(path))
    return import_long_csv(
        text=text, geography_set=geography_set, replace=replace, source=str(path)
    )


# ---------------------------------------------------------------------------
# CDC SVI CSV
# ---------------------------------------------------------------------------
