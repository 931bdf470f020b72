"""Writes for community analytics: indicator definitions, index definitions and results.

Every function is keyword-only and takes ``actor`` (a user, or None from the command line).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from upstream.audit.services import audit_record
from upstream.community.imports import SVI_POPULATION, THEME_NAMES, svi_indicator_key
from upstream.community.models import (
    DIRECTION_CHOICES,
    RANKING_CHOICES,
    GeographySet,
    IndexDefinition,
    IndexResult,
    IndicatorDefinition,
)
from upstream.community.problems import CommunityDataError, Problem
from upstream.community.selectors import index_input_frame
from upstream.community.svi import (
    MAX_INDEX_WEIGHT,
    SVI_THEMES,
    IndexVariable,
    OutputNames,
    compute_index,
)
from upstream.core.problems import shown
from upstream.core.validators import text_problem

ENGINE = "upstream.community.svi (CDC/ATSDR SVI method, Polars)"
DIRECTIONS = {key for key, _ in DIRECTION_CHOICES}
# Keys appear in URLs (slug converters are ASCII-only) and in SlugField(max_length=80) columns.
_KEY = re.compile(r"[-A-Za-z0-9_]{1,80}")
RANKINGS = {key for key, _ in RANKING_CHOICES}
NAMES = OutputNames()


def engine_version() -> str:
    try:
        ours = version("upstream")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        ours = "source"
    return f"upstream {ours}; numpy {np.__version__}; polars {pl.__version__}"


def _definer_label(organization: Any) -> str:
    """Who defined an index, as the public sees it: the organization, never a person."""
    return str(organization.name) if organization is not None else "command line"


# ---------------------------------------------------------------------------
# indicators
# ---------------------------------------------------------------------------


@transaction.atomic
def indicator_define(
    *,
    key: str,
    name: str,
    unit: str = "",
    direction: str = "higher",
    theme: str = "",
    source: str = "",
    year: int | None = None,
    description: str = "",
    synthetic: bool = False,
    actor: Any = None,
) -> IndicatorDefinition:
    """Create or update an indicator definition."""
    problems = []
    if direction not in DIRECTIONS:
        problems.append(
            Problem(
                gettext("direction must be 'higher' or 'lower', not %(value)s")
                % {"value": repr(direction)}
            )
        )
    if not _KEY.fullmatch(key or ""):
        problems.append(
            Problem(gettext("key %(key)s must be letters, digits, '-' or '_'") % {"key": repr(key)})
        )
    if not name or len(name) > 200:
        problems.append(Problem(gettext("name is required, at most 200 characters")))
    elif wrong := text_problem(name, name=True):
        problems.append(Problem(gettext("name: %(problem)s") % {"problem": wrong}))
    for label, text in (("unit", unit), ("theme", theme), ("source", source)):
        if wrong := text_problem(text):
            problems.append(
                Problem(gettext("%(field)s: %(problem)s") % {"field": label, "problem": wrong})
            )
    if wrong := text_problem(description, multiline=True):
        problems.append(Problem(gettext("description: %(problem)s") % {"problem": wrong}))
    if problems:
        raise CommunityDataError(problems)
    indicator, _ = IndicatorDefinition.objects.update_or_create(
        key=key,
        defaults={
            "name": name,
            "unit": unit,
            "direction": direction,
            "theme": theme,
            "source": source,
            "year": year,
            "description": description,
            "synthetic": synthetic,
        },
    )
    return indicator


# ---------------------------------------------------------------------------
# index definitions
# ---------------------------------------------------------------------------


def svi_spec(*, year: int, geography_set: str, key: str | None = None) -> dict[str, Any]:
    """The standard CDC/ATSDR SVI as an index specification over the ``svi-*`` indicators."""
    return {
        "key": key or f"svi-{year}",
        "name": f"Social Vulnerability Index {year} (CDC/ATSDR method)",
        "description": (
            "The CDC/ATSDR Social Vulnerability Index computed from the stored SVI estimates: "
            "16 census variables in 4 themes, each ranked as a percentile, themes summed and "
            "ranked, flags at the 90th percentile."
        ),
        "geography_set": geography_set,
        "year": year,
        "kind": "county",
        "ranking": "national",
        "population": SVI_POPULATION,
        "themes": [
            {
                "key": t.key,
                "name": THEME_NAMES[t.key],
                "variables": [{"indicator": svi_indicator_key(v)} for v in t.variables],
            }
            for t in SVI_THEMES
        ],
    }


def _one_of(value: Any, choices: set[str]) -> bool:
    return isinstance(value, str) and value in choices


def _validate_spec(spec: Any) -> tuple[list[Problem], dict[str, IndicatorDefinition]]:
    problems: list[Problem] = []
    if not isinstance(spec, dict):
        return [Problem(gettext("the specification must be a mapping"))], {}
    for field in ("key", "name", "geography_set", "year", "themes"):
        if field not in spec:
            problems.append(Problem(gettext("missing field %(field)s") % {"field": repr(field)}))
    key = str(spec.get("key", ""))
    if "key" in spec and not _KEY.fullmatch(key):
        problems.append(
            Problem(gettext("key %(key)s must be letters, digits, '-' or '_'") % {"key": repr(key)})
        )
    if "name" in spec and not (isinstance(spec["name"], str) and 0 < len(spec["name"]) <= 200):
        problems.append(Problem(gettext("name must be text of 1 to 200 characters")))
    elif "name" in spec and (wrong := text_problem(spec["name"], name=True)):
        problems.append(Problem(gettext("name: %(problem)s") % {"problem": wrong}))
    description = spec.get("description", "")
    if not isinstance(description, str):
        problems.append(Problem(gettext("description must be text")))
    elif wrong := text_problem(description, multiline=True):
        problems.append(Problem(gettext("description: %(problem)s") % {"problem": wrong}))
    if "year" in spec and not isinstance(spec["year"], int):
        problems.append(
            Problem(gettext("year %(year)s must be a whole number") % {"year": repr(spec["year"])})
        )
    if not _one_of(spec.get("ranking", "national"), RANKINGS):
        problems.append(Problem(gettext("ranking must be 'national' or 'state'")))
    if not _one_of(spec.get("kind", "county"), {"county", "tract"}):
        problems.append(Problem(gettext("kind must be 'county' or 'tract'")))
    if "geography_set" in spec and not (
        isinstance(spec["geography_set"], str)
        and GeographySet.objects.filter(key=spec["geography_set"]).exists()
    ):
        problems.append(
            Problem(
                gettext("geography set %(key)s is not loaded")
                % {"key": shown(spec["geography_set"])}
            )
        )
    themes = spec.get("themes")
    wanted: list[str] = []
    if "themes" in spec and (not isinstance(themes, list) or not themes):
        problems.append(Problem(gettext("themes must be a non-empty list")))
        themes = []
    theme_keys: list[str] = []
    for t_index, theme in enumerate(themes or [], start=1):
        where = gettext("theme %(number)d") % {"number": t_index}
        if (
            not isinstance(theme, dict)
            or not isinstance(theme.get("key"), str)
            or not theme["key"]
            or not isinstance(theme.get("variables"), list)
            or not theme["variables"]
        ):
            problems.append(
                Problem(
                    gettext("%(where)s: needs a key and a list of variables") % {"where": where}
                )
            )
            continue
        theme_name = theme.get("name", "")
        if not isinstance(theme_name, str) or (wrong := text_problem(theme_name, name=True)):
            problems.append(
                Problem(
                    gettext("%(where)s: name: %(problem)s")
                    % {"where": where, "problem": wrong or gettext("must be text")}
                )
            )
        if theme["key"] in theme_keys:
            problems.append(
                Problem(
                    gettext("%(where)s: theme key %(key)s is used twice")
                    % {"where": where, "key": repr(theme["key"])}
                )
            )
        theme_keys.append(theme["key"])
        for v_index, variable in enumerate(theme["variables"], start=1):
            vwhere = gettext("%(where)s (%(key)s), variable %(number)d") % {
                "where": where,
                "key": theme["key"],
                "number": v_index,
            }
            if not isinstance(variable, dict) or not isinstance(variable.get("indicator"), str):
                problems.append(
                    Problem(gettext("%(where)s: needs an indicator") % {"where": vwhere})
                )
                continue
            weight = variable.get("weight", 1)
            if (
                isinstance(weight, bool)
                or not isinstance(weight, int | float)
                or not math.isfinite(weight)
                or weight <= 0
            ):
                problems.append(
                    Problem(
                        gettext("%(where)s: weight must be a positive number") % {"where": vwhere}
                    )
                )
            elif weight > MAX_INDEX_WEIGHT:
                problems.append(
                    Problem(
                        gettext("%(where)s: weight must be at most %(max)s")
                        % {"where": vwhere, "max": f"{MAX_INDEX_WEIGHT:g}"}
                    )
                )
            if not _one_of(variable.get("direction", "higher"), DIRECTIONS):
                problems.append(
                    Problem(
                        gettext("%(where)s: direction must be 'higher' or 'lower'")
                        % {"where": vwhere}
                    )
                )
            wanted.append(str(variable["indicator"]))
    if spec.get("population") and not isinstance(spec["population"], str):
        problems.append(Problem(gettext("population must be the key of an indicator")))
    elif spec.get("population"):
        wanted.append(spec["population"])
    dupes = sorted({k for k in wanted if wanted.count(k) > 1} - {str(spec.get("population"))})
    if dupes:
        problems.append(
            Problem(
                gettext("indicators used more than once: %(keys)s") % {"keys": ", ".join(dupes)}
            )
        )
    indicators = {i.key: i for i in IndicatorDefinition.objects.filter(key__in=wanted)}
    unknown = sorted(set(wanted) - set(indicators))
    if unknown:
        problems.append(
            Problem(gettext("unknown indicators: %(keys)s") % {"keys": ", ".join(unknown)})
        )
    return problems, indicators


@transaction.atomic
def index_define(
    *, spec: dict[str, Any], actor: Any = None, organization: Any = None, replace: bool = False
) -> IndexDefinition:
    """Save an index definition with its provenance; ``replace`` redefines an existing key.

    The provenance names ``organization`` (the defining member's), never ``actor``: indices are
    public, and the person is in the organization's audit log."""
    problems, indicators = _validate_spec(spec)
    existing = IndexDefinition.objects.filter(key=spec.get("key")).first() if not problems else None
    if existing is not None and not replace:
        problems.append(
            Problem(gettext("index %(key)s already exists") % {"key": repr(spec["key"])})
        )
    if problems:
        raise CommunityDataError(problems, source="index definition")
    gs = GeographySet.objects.get(key=spec["geography_set"])
    themes = []
    for theme in spec["themes"]:
        variables = []
        for variable in theme["variables"]:
            indicator = indicators[variable["indicator"]]
            variables.append(
                {
                    "indicator": indicator.key,
                    "weight": float(variable.get("weight", 1)),
                    "direction": variable.get("direction", indicator.direction),
                }
            )
        themes.append(
            {"key": theme["key"], "name": theme.get("name", theme["key"]), "variables": variables}
        )
    inputs = [
        {
            "indicator": i.key,
            "name": i.name,
            "unit": i.unit,
            "source": i.source,
            "year": i.year,
            "synthetic": i.synthetic,
        }
        for i in sorted(indicators.values(), key=lambda i: i.key)
    ]
    provenance = {
        "defined_by": _definer_label(organization),
        "defined_at": timezone.now().isoformat(),
        "specification": spec,
        "inputs": inputs,
        "geography_set": {"key": gs.key, "vintage": gs.vintage, "source": gs.source},
        "synthetic": any(i.synthetic for i in indicators.values()),
        "method": ENGINE,
    }
    fields = {
        "name": spec["name"],
        "description": spec.get("description", ""),
        "geography_set": gs,
        "kind": spec.get("kind", "county"),
        "year": spec["year"],
        "themes": themes,
        "population_indicator": spec.get("population") or "",
        "ranking": spec.get("ranking", "national"),
        "provenance": provenance,
        "engine_version": engine_version(),
        "computed_at": None,
    }
    if existing is not None:
        existing.results.all().delete()
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.created_by = actor
        existing.organization = organization
        existing.save()
        return existing
    return IndexDefinition.objects.create(
        key=spec["key"], created_by=actor, organization=organization, **fields
    )


# ---------------------------------------------------------------------------
# computing
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComputeResult:
    index: IndexDefinition
    units: int
    ranked: int

    @property
    def message(self) -> str:
        return gettext(
            "Computed %(key)s for %(units)d geographies "
            "(%(ranked)d ranked; national and within-state rankings)."
        ) % {"key": self.index.key, "units": self.units, "ranked": self.ranked}


def _digest(frame: pl.DataFrame) -> str:
    payload = frame.sort("FIPS").write_csv().encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def _theme_spec(index: IndexDefinition) -> dict[str, list[IndexVariable]]:
    spec: dict[str, list[IndexVariable]] = {}
    for theme in index.themes:
        spec[theme["key"]] = [
            IndexVariable(
                column=v["indicator"],
                output_name=v["indicator"],
                direction="lower_more_vulnerable"
                if v.get("direction") == "lower"
                else "higher_more_vulnerable",
                weight=float(v.get("weight", 1.0)),
            )
            for v in theme["variables"]
        ]
    return spec


def _value(row: dict[str, Any], column: str) -> float | None:
    value = row.get(column)
    return None if value is None else float(value)


def _count(row: dict[str, Any], column: str) -> int | None:
    value = row.get(column)
    return None if value is None else int(value)


def compute_frame(index: IndexDefinition, frame: pl.DataFrame, scope: str) -> pl.DataFrame:
    """Run the engine on the pivoted input frame for one ranking scope (nulls for missing)."""
    return compute_index(
        frame,
        themes=_theme_spec(index),
        group_by="ST" if scope == "state" else None,
        population=index.population_indicator or None,
        sentinel=None,
        keep=["geography_id", "FIPS"],
    )


@transaction.atomic
def index_compute(*, index: IndexDefinition, actor: Any = None) -> ComputeResult:
    """Compute the index from stored observations, national and within each state; store it.

    The inputs are read afresh from the observations named by the definition, so computing
    again gives the same results as long as the observations are the same (``inputs_digest``).
    """
    frame = index_input_frame(index)
    if frame.height == 0:
        raise CommunityDataError(
            [
                Problem(
                    gettext(
                        "no observations for the indicators of %(key)s in %(year)s in geography "
                        "set %(set)s"
                    )
                    % {"key": index.key, "year": index.year, "set": index.geography_set.key}
                )
            ]
        )
    themes = index.themes
    rows: list[IndexResult] = []
    ranked = 0
    values = frame.to_dicts()
    for scope in ("national", "state"):
        out = compute_frame(index, frame, scope)
        for inputs, row in zip(values, out.to_dicts(), strict=True):
            percentile = _value(row, NAMES.overall_percentile)
            if scope == "national" and percentile is not None:
                ranked += 1
            rows.append(
                IndexResult(
                    index=index,
                    geography_id=row["geography_id"],
                    scope=scope,
                    score=_value(row, NAMES.overall_sum),
                    percentile=percentile,
                    flag_total=_count(row, NAMES.flag_total),
                    themes={
                        t["key"]: {
                            "score": _value(row, NAMES.theme_sum.format(theme=t["key"])),
                            "percentile": _value(
                                row, NAMES.theme_percentile.format(theme=t["key"])
                            ),
                            "flags": _count(row, NAMES.theme_flags.format(theme=t["key"])),
                        }
                        for t in themes
                    },
                    variables={
                        v["indicator"]: {
                            "value": _value(inputs, v["indicator"]),
                            "percentile": _value(row, NAMES.percentile.format(name=v["indicator"])),
                            "flag": _count(row, NAMES.flag.format(name=v["indicator"])),
                        }
                        for t in themes
                        for v in t["variables"]
                    },
                )
            )
    index.results.all().delete()
    IndexResult.objects.bulk_create(rows, batch_size=1000)
    now = timezone.now()
    index.computed_at = now
    index.engine_version = engine_version()
    index.provenance = {
        **index.provenance,
        "computed": {
            "at": now.isoformat(),
            "by": _definer_label(index.organization if actor is not None else None),
            "units": frame.height,
            "ranked_nationally": ranked,
            "inputs_digest": _digest(frame.drop("geography_id")),
            "engine": engine_version(),
        },
    }
    index.save(update_fields=["computed_at", "engine_version", "provenance"])
    return ComputeResult(index, frame.height, ranked)


def svi_index_ensure(
    *, year: int, geography_set: GeographySet, actor: Any = None, compute: bool = True
) -> IndexDefinition:
    """Define (or redefine) the standard SVI index for ``year`` and compute it."""
    spec = svi_spec(year=year, geography_set=geography_set.key)
    existing = IndexDefinition.objects.filter(key=spec["key"]).first()
    if existing is not None and existing.geography_set_id != geography_set.pk:
        spec = svi_spec(
            year=year, geography_set=geography_set.key, key=f"svi-{year}-{geography_set.key}"
        )
    index = index_define(spec=spec, actor=actor, replace=True)
    if compute:
        index_compute(index=index, actor=actor)
    return index


@transaction.atomic
def index_define_and_compute(
    *, actor: Any, spec: dict[str, Any], request: Any = None
) -> IndexDefinition:
    """Define a custom index for a member of an organization, compute it, and audit both, all or
    nothing. ``actor`` is the member's ``Membership``."""
    index = index_define(spec=spec, actor=actor.user, organization=actor.organization)
    result = index_compute(index=index, actor=actor.user)
    audit_record(
        action="index.defined",
        actor=actor.user,
        organization=actor.organization,
        target_type="index",
        target_label=index.key,
        request=request,
        details={"key": index.key, "ranked": result.ranked},
    )
    index.refresh_from_db()
    return index
