"""The CDC/ATSDR SVI CSV (county or tract): read, check every FIPS, write its indicators."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from upstream.community.geo import fitting_set_problem, svi_geography_set
from upstream.community.imports.common import (
    SVI_LABELS,
    SVI_POPULATION,
    THEME_NAMES,
    ImportResult,
    _add,
    _not_in_set,
    svi_indicator_key,
)
from upstream.community.models import Geography, IndicatorDefinition, Observation
from upstream.community.problems import CommunityDataError, Problem
from upstream.community.svi import (
    SviFileError,
    read_svi_text,
)
from upstream.core.readers import read_text, table_limit


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
