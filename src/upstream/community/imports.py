"""Importers of indicator observations, each ``parse → validate → write``, all or nothing.

* :func:`import_long_csv`: ``fips,indicator,year,value[,moe]``.
* :func:`import_svi_csv`: a CDC/ATSDR SVI county or tract CSV (read by ``svi.read_svi_csv``).

Every problem is collected with its 1-based data row number (the CSV line is row + 1), and on any
problem nothing is written: the caller gets a :class:`~upstream.core.problems.DataError` listing
them all. Files are read through :mod:`upstream.core.readers` (bounded in size, UTF-8 only, no
control characters); numbers, years and codes must be written in ASCII digits.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext, ngettext

from upstream.community.geo import fitting_set_problem, svi_geography_set
from upstream.community.models import Geography, GeographySet, IndicatorDefinition, Observation
from upstream.community.problems import CommunityDataError, Problem
from upstream.community.svi import (
    ACS_SENTINELS,
    REQUIRED_COLUMNS,
    SVI_THEMES,
    SviFileError,
    read_svi_text,
)
from upstream.core.problems import shown
from upstream.core.readers import read_text, table_limit
from upstream.core.validators import CONTROL_CHARACTERS, is_ascii_digits

LONG_COLUMNS = ("fips", "indicator", "year", "value")
FIPS_LENGTHS = {2: 2, 4: 5, 5: 5, 10: 11, 11: 11}  # unpadded 4/10 digits are CDC's habit
MAX_PROBLEMS = 1000

SVI_POPULATION = "svi-totpop"

SVI_LABELS = {
    "POV150": ("Persons below 150% of the poverty level", "THEME1"),
    "UNEMP": ("Civilian population (16+) unemployed", "THEME1"),
    "HBURD": ("Housing cost-burdened occupied housing units", "THEME1"),
    "NOHSDP": ("Persons (25+) with no high school diploma", "THEME1"),
    "UNINSUR": ("Persons without health insurance", "THEME1"),
    "AGE65": ("Persons aged 65 and older", "THEME2"),
    "AGE17": ("Persons aged 17 and younger", "THEME2"),
    "DISABL": ("Civilian non-institutionalized population with a disability", "THEME2"),
    "SNGPNT": ("Single-parent households with children under 18", "THEME2"),
    "LIMENG": ("Persons (5+) who speak English 'less than well'", "THEME2"),
    "MINRTY": ("Racial and ethnic minority persons", "THEME3"),
    "MUNIT": ("Housing in structures with 10 or more units", "THEME4"),
    "MOBILE": ("Mobile homes", "THEME4"),
    "CROWD": ("Households with more people than rooms", "THEME4"),
    "NOVEH": ("Households with no vehicle available", "THEME4"),
    "GROUPQ": ("Persons in group quarters", "THEME4"),
}
THEME_NAMES = {t.key: t.name for t in SVI_THEMES}


def svi_indicator_key(variable: str) -> str:
    return f"svi-{variable.lower()}"


@dataclass
class ImportResult:
    observations: int
    indicators: list[str]
    years: list[int]
    geography_set: GeographySet
    skipped_missing: int = 0
    tracts_added: int = 0
    kind: str = "county"
    notes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = [
            gettext(
                "Imported %(observations)d observations of %(indicators)d indicators "
                "(%(years)s) into %(set)s."
            )
            % {
                "observations": self.observations,
                "indicators": len(self.indicators),
                "years": ", ".join(str(y) for y in self.years),
                "set": self.geography_set.key,
            }
        ]
        if self.tracts_added:
            parts.append(
                ngettext(
                    "Added %(count)d census tract.",
                    "Added %(count)d census tracts.",
                    self.tracts_added,
                )
                % {"count": self.tracts_added}
            )
        if self.skipped_missing:
            parts.append(
                gettext("Left out %(count)d missing values (-999 and ACS codes).")
                % {"count": self.skipped_missing}
            )
        return " ".join(parts + self.notes)


def _add(problems: list[Problem], problem: Problem) -> None:
    if len(problems) < MAX_PROBLEMS:
        problems.append(problem)


def _geography_set(key: str | None) -> GeographySet:
    key = key or settings.COMMUNITY_DEFAULT_SET
    gs = GeographySet.objects.filter(key=key).first()
    if gs is None:
        raise CommunityDataError(
            [
                Problem(
                    gettext(
                        "geography set %(key)s is not loaded "
                        "(run `upstream community load-geographies`)"
                    )
                    % {"key": repr(key)}
                )
            ]
        )
    return gs


def normalise_fips(raw: str) -> str | None:
    """A 2-, 5- or 11-digit FIPS code (unpadded 4- and 10-digit codes are padded), or None."""
    code = raw.strip()
    if not is_ascii_digits(code) or len(code) not in FIPS_LENGTHS:
        return None
    return code.zfill(FIPS_LENGTHS[len(code)])


def _not_in_set(fips: str, gs: GeographySet, extra: str = "") -> str:
    return gettext(
        "FIPS %(fips)s%(extra)s is not in geography set %(set)s (%(vintage)s boundaries); "
        "the data and the boundaries are of different vintages, or the code is wrong"
    ) % {"fips": fips, "extra": extra, "set": gs.key, "vintage": gs.vintage}


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _number(raw: str) -> float | None:
    """A finite number written in ASCII (``float`` alone would take "٣" and "1_000")."""
    if not _NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def _year(raw: str) -> int | None:
    return int(raw) if is_ascii_digits(raw) and len(raw) == 4 else None


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


def _svi_indicators(year: int, source: str) -> dict[str, IndicatorDefinition]:
    specs = [
        (
            SVI_POPULATION,
            "Total population (SVI E_TOTPOP)",
            "persons",
            "",
            "Population estimate; a zero leaves a geography out of SVI rankings.",
        )
    ]
    for variable, (label, theme) in SVI_LABELS.items():
        specs.append(
            (
                svi_indicator_key(variable),
                f"{label} (SVI EP_{variable})",
                "percent",
                THEME_NAMES[theme],
                f"CDC/ATSDR SVI estimate EP_{variable}; margin of error MP_{variable}.",
            )
        )
    out: dict[str, IndicatorDefinition] = {}
    for key, name, unit, theme, description in specs:
        indicator, _ = IndicatorDefinition.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "unit": unit,
                "direction": "higher",
                "theme": theme,
                "source": source,
                "year": year,
                "description": description,
                "synthetic": False,
            },
        )
        out[key] = indicator
    return out


def _svi_columns() -> list[tuple[str, str, str | None]]:
    """(indicator key, value column, moe column) of every imported SVI variable."""
    columns: list[tuple[str, str, str | None]] = [(SVI_POPULATION, "E_TOTPOP", "M_TOTPOP")]
    columns += [(svi_indicator_key(v), f"EP_{v}", f"MP_{v}") for v in SVI_LABELS]
    return columns


def svi_year_from(name: str) -> int | None:
    match = re.search(r"(?:SVI[_ -]?)?((?:19|20)[0-9]{2})", name, re.IGNORECASE)
    return int(match.group(1)) if match else None


def _svi_problem(text: str) -> Problem:
    """A problem of the SVI reader, with its column when it names one ("column X: ...")."""
    match = re.fullmatch(r"column ([A-Za-z0-9_]+): (.+)", text, re.DOTALL)
    return Problem(match.group(2), column=match.group(1)) if match else Problem(text)


def import_svi_csv(
    *,
    path: Path,
    year: int | None = None,
    geography_set: str | None = None,
) -> ImportResult:
    """:func:`import_svi_text` of a file: at most ``MAX_TABLE_BYTES``, UTF-8 text."""
    text = read_text(path, limit=table_limit(), file=str(path))
    return import_svi_text(
        text=text, name=path.name, year=year, geography_set=geography_set, source=str(path)
    )


@transaction.atomic
def import_svi_text(
    *,
    text: str,
    name: str,
    year: int | None = None,
    geography_set: str | None = None,
    source: str = "",
) -> ImportResult:
    """Import a CDC SVI county or tract CSV as observations of the ``svi-*`` indicators.

    ``name`` is the file's name (the release year is read from it unless ``year`` is given).
    Tracts are added under their county. Observations of the same indicators, year and set are
    replaced. Missing values (-999, ACS codes) are left out, as the SVI method requires.
    """
    source = source or name
    problems: list[Problem] = []
    year = year or svi_year_from(name)
    gs = svi_geography_set(key=geography_set, year=year)
    if year is None:
        problems.append(
            Problem(gettext("cannot tell the SVI release year from the file name; give --year"))
        )
    try:
        frame = read_svi_text(text, source=source)
    except SviFileError as exc:
        raise CommunityDataError(
            problems + [_svi_problem(p) for p in exc.problems], source=source
        ) from exc
    if problems:
        raise CommunityDataError(problems, source=source)
    if year is None:  # pragma: no cover - reported above
        raise CommunityDataError([Problem(gettext("no year"))], source=source)

    fips_list = frame.get_column("FIPS").to_list()
    tract_file = bool(fips_list) and len(fips_list[0]) == 11
    geographies = dict(gs.geographies.values_list("fips", "id"))
    names = (
        frame.get_column("COUNTY").to_list() if "COUNTY" in frame.columns else [""] * len(fips_list)
    )
    states = (
        frame.get_column("STATE").to_list() if "STATE" in frame.columns else [""] * len(fips_list)
    )
    new_tracts: list[Geography] = []
    for number, fips in enumerate(fips_list, start=1):
        if tract_file:
            if fips in geographies:
                continue
            county = fips[:5]
            if county not in geographies:
                _add(
                    problems,
                    Problem(
                        _not_in_set(
                            county, gs, gettext(" (county of tract %(fips)s)") % {"fips": fips}
                        ),
                        number,
                        "FIPS",
                    ),
                )
                continue
            label = frame.get_column("LOCATION")[number - 1] if "LOCATION" in frame.columns else ""
            new_tracts.append(
                Geography(
                    geography_set=gs,
                    fips=fips,
                    name=str(label or f"Census tract {fips[5:]}"),
                    kind="tract",
                    parent_id=geographies[county],
                    state_fips=fips[:2],
                )
            )
        elif fips not in geographies:
            extra = f" ({names[number - 1]}, {states[number - 1]})" if names[number - 1] else ""
            _add(problems, Problem(_not_in_set(fips, gs, extra), number, "FIPS"))
    if problems:
        hint = fitting_set_problem({f[:5] for f in fips_list}, gs)
        raise CommunityDataError(problems + ([hint] if hint else []), source=source)

    Geography.objects.bulk_create(new_tracts, batch_size=2000)
    if new_tracts:
        geographies = dict(gs.geographies.values_list("fips", "id"))
    indicators = _svi_indicators(year, f"CDC/ATSDR Social Vulnerability Index {year} ({name})")
    Observation.objects.filter(
        geography__geography_set=gs,
        geography__kind="tract" if tract_file else "county",
        indicator__in=indicators.values(),
        year=year,
    ).delete()

    observations: list[Observation] = []
    skipped = 0
    for key, value_column, moe_column in _svi_columns():
        values = frame.get_column(value_column).to_list()
        moes: Iterable[float | None] = (
            frame.get_column(moe_column).to_list()
            if moe_column and moe_column in frame.columns
            else [None] * len(values)
        )
        indicator_id = indicators[key].pk
        for fips, value, moe in zip(fips_list, values, moes, strict=True):
            if value is None:
                skipped += 1
                continue
            observations.append(
                Observation(
                    geography_id=geographies[fips],
                    indicator_id=indicator_id,
                    year=year,
                    value=float(value),
                    moe=None if moe is None else float(moe),
                )
            )
    Observation.objects.bulk_create(observations, batch_size=2000)
    return ImportResult(
        observations=len(observations),
        indicators=sorted(indicators),
        years=[year],
        geography_set=gs,
        skipped_missing=skipped,
        tracts_added=len(new_tracts),
        kind="tract" if tract_file else "county",
    )
