"""Reads for community analytics: public reference data, so no user scoping yet."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

import polars as pl
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext, gettext_noop

from upstream.accounts.policy import check
from upstream.community.models import (
    Geography,
    GeographySet,
    IndexDefinition,
    IndexResult,
    IndicatorDefinition,
    Observation,
    Upload,
)

SORT_KEYS = ("name", "state", "value", "percentile", "state_percentile", "flags")


def geography_sets() -> QuerySet[GeographySet]:
    return GeographySet.objects.all()


def geography_set_get(key: str | None) -> GeographySet | None:
    if key:
        return GeographySet.objects.filter(key=key).first()
    return GeographySet.objects.first()


def indicators() -> QuerySet[IndicatorDefinition]:
    return IndicatorDefinition.objects.all()


def indicators_with_data() -> list[IndicatorDefinition]:
    return list(IndicatorDefinition.objects.filter(observations__isnull=False).distinct())


def indices() -> QuerySet[IndexDefinition]:
    return IndexDefinition.objects.select_related("geography_set", "organization")


def index_get(key: str) -> IndexDefinition:
    index = indices().filter(key=key).first()
    if index is None:
        raise Http404(gettext("No such index."))
    return index


def default_index() -> IndexDefinition | None:
    """The most recent computed county index (the map, county profiles and plans are by county;
    tract indices appear in their own index pages and exports)."""
    return (
        indices()
        .filter(computed_at__isnull=False, kind="county")
        .order_by("-year", "-computed_at")
        .first()
    )


def states(gs: GeographySet) -> list[Geography]:
    return list(gs.geographies.filter(kind="state").order_by("name"))


def area_geographies(gs: GeographySet, codes: list[str]) -> list[Geography]:
    """The states and counties of ``codes`` (2- or 5-digit FIPS) that the set holds, in order."""
    wanted = [c for c in dict.fromkeys(codes) if c.isascii() and c.isdigit() and len(c) in (2, 5)]
    found = {
        g.fips: g
        for g in gs.geographies.filter(fips__in=wanted, kind__in=["state", "county"])
        .select_related("parent")
        .order_by("fips")
    }
    return [found[c] for c in wanted if c in found]


def index_input_frame(index: IndexDefinition) -> pl.DataFrame:
    """One row per geography with observations: ``geography_id, FIPS, ST`` and one column per
    indicator (the index's variables and population), from the stored observations."""
    keys = list(dict.fromkeys([*index.indicator_keys, *filter(None, [index.population_indicator])]))
    rows = Observation.objects.filter(
        geography__geography_set=index.geography_set,
        geography__kind=index.kind,
        indicator__key__in=keys,
        year=index.year,
    ).values_list(
        "geography_id", "geography__fips", "geography__state_fips", "indicator__key", "value"
    )
    by_geo: dict[int, dict[str, Any]] = {}
    for geography_id, fips, state, key, value in rows:
        record = by_geo.get(geography_id)
        if record is None:
            record = by_geo[geography_id] = {
                "geography_id": geography_id,
                "FIPS": fips,
                "ST": state,
            }
        record[key] = value
    schema: dict[str, Any] = {"geography_id": pl.Int64, "FIPS": pl.String, "ST": pl.String}
    schema.update({k: pl.Float64 for k in keys})
    ordered = sorted(by_geo.values(), key=lambda r: r["FIPS"])
    return pl.DataFrame({name: [r.get(name) for r in ordered] for name in schema}, schema=schema)


# ---------------------------------------------------------------------------
# tables behind the map
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    """What the map shows: an index's overall percentile or an indicator's values."""

    kind: str  # "index" or "indicator"
    key: str
    label: str
    geography_set: GeographySet
    year: int
    unit: str
    synthetic: bool
    index: IndexDefinition | None = None
    indicator: IndicatorDefinition | None = None

    @property
    def param(self) -> str:
        return f"{self.kind}:{self.key}"


def measure_options() -> list[tuple[str, str]]:
    """(value, label) of every index and indicator that has something to show."""
    options = [
        (f"index:{i.key}", gettext("Index: %(name)s") % {"name": i.name})
        for i in indices().filter(computed_at__isnull=False, kind="county")
    ]
    options += [
        (
            f"indicator:{i.key}",
            (
                gettext("Indicator: %(name)s (synthetic)")
                if i.synthetic
                else gettext("Indicator: %(name)s")
            )
            % {"name": i.name},
        )
        for i in indicators_with_data()
    ]
    return options


def measure_get(param: str | None) -> Measure | None:
    kind, _, key = (param or "").partition(":")
    if kind == "indicator" and key:
        indicator = IndicatorDefinition.objects.filter(key=key).first()
        if indicator is None:
            return None
        latest = (
            Observation.objects.filter(indicator=indicator)
            .values_list("year", "geography__geography_set")
            .order_by("-year")
            .first()
        )
        if latest is None:
            return None
        gs = GeographySet.objects.get(pk=latest[1])
        return Measure(
            "indicator",
            key,
            indicator.name,
            gs,
            latest[0],
            indicator.unit,
            indicator.synthetic,
            indicator=indicator,
        )
    index = index_get(key) if kind == "index" and key else default_index()
    if index is None or index.computed_at is None:
        return None
    return Measure(
        "index",
        index.key,
        index.name,
        index.geography_set,
        index.year,
        "percentile",
        index.synthetic,
        index=index,
    )


def measure_table(
    measure: Measure, *, state: str | None = None, sort: str = "value", descending: bool = True
) -> list[dict[str, Any]]:
    """Rows of the map's table: every county (of one state, if given), sorted."""
    rows: list[dict[str, Any]] = []
    if measure.index is not None:
        results = IndexResult.objects.filter(index=measure.index, scope="national")
        in_state = IndexResult.objects.filter(index=measure.index, scope="state")
        if state:
            results = results.filter(geography__state_fips=state)
            in_state = in_state.filter(geography__state_fips=state)
        state_pct = dict(in_state.values_list("geography_id", "percentile"))
        by_state = measure.index.ranking == "state"  # the map shows the index's own ranking
        for r in results.select_related("geography__parent").only(
            "score",
            "percentile",
            "flag_total",
            "themes",
            "geography__fips",
            "geography__name",
            "geography__parent__name",
            "geography_id",
        ):
            rows.append(
                {
                    "fips": r.geography.fips,
                    "name": r.geography.name,
                    "state": r.geography.parent.name if r.geography.parent else "",
                    "value": state_pct.get(r.geography_id) if by_state else r.percentile,
                    "score": r.score,
                    "percentile": r.percentile,
                    "state_percentile": state_pct.get(r.geography_id),
                    "flags": r.flag_total,
                    "themes": r.themes,
                }
            )
    else:
        observations = Observation.objects.filter(
            indicator=measure.indicator,
            year=measure.year,
            geography__geography_set=measure.geography_set,
        )
        if state:
            observations = observations.filter(geography__state_fips=state)
        for o in observations.select_related("geography__parent"):
            rows.append(
                {
                    "fips": o.geography.fips,
                    "name": o.geography.name,
                    "state": o.geography.parent.name if o.geography.parent else "",
                    "value": o.value,
                    "moe": o.moe,
                    "score": None,
                    "percentile": None,
                    "state_percentile": None,
                    "flags": None,
                    "themes": {},
                }
            )
    if sort not in SORT_KEYS:
        sort = "value"

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        value = row[sort]
        # missing values last whichever way the table is sorted
        return (value is None, value if value is not None else 0, row["fips"])

    present = sorted((r for r in rows if r[sort] is not None), key=key, reverse=descending)
    absent = sorted((r for r in rows if r[sort] is None), key=lambda r: r["fips"])
    return present + absent


def table_csv(measure: Measure, rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if measure.index is not None:
        theme_keys = [t["key"] for t in measure.index.themes]
        writer.writerow(
            ["fips", "county", "state", "score", "percentile", "state_percentile", "flags"]
            + [f"{k}_percentile" for k in theme_keys]
        )
        for r in rows:
            writer.writerow(
                [
                    r["fips"],
                    r["name"],
                    r["state"],
                    _num(r["score"]),
                    _num(r["percentile"]),
                    _num(r["state_percentile"]),
                    "" if r["flags"] is None else r["flags"],
                ]
                + [_num(r["themes"].get(k, {}).get("percentile")) for k in theme_keys]
            )
    else:
        writer.writerow(["fips", "county", "state", "indicator", "year", "value", "moe"])
        for r in rows:
            writer.writerow(
                [
                    r["fips"],
                    r["name"],
                    r["state"],
                    measure.key,
                    measure.year,
                    _num(r["value"]),
                    _num(r.get("moe")),
                ]
            )
    return buffer.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else repr(float(value))


# ---------------------------------------------------------------------------
# county profile
# ---------------------------------------------------------------------------


@dataclass
class Rank:
    rank: int
    of: int


def _rank(results: QuerySet[IndexResult], percentile: float | None) -> Rank | None:
    if percentile is None:
        return None
    ranked = results.filter(percentile__isnull=False)
    higher = ranked.filter(percentile__gt=percentile).count()
    return Rank(higher + 1, ranked.count())


def county_profile(index: IndexDefinition, fips: str) -> dict[str, Any]:
    """An index's result for one geography: themes, variables, flags, national and state ranks."""
    geography = (
        Geography.objects.select_related("parent")
        .filter(geography_set=index.geography_set, fips=fips)
        .first()
    )
    if geography is None:
        raise Http404(gettext("No such geography in this index's geography set."))
    results = {r.scope: r for r in IndexResult.objects.filter(index=index, geography=geography)}
    national, in_state = results.get("national"), results.get("state")
    indicators = {
        i.key: i for i in IndicatorDefinition.objects.filter(key__in=index.indicator_keys)
    }
    moes = dict(
        Observation.objects.filter(
            geography=geography, year=index.year, indicator__key__in=index.indicator_keys
        ).values_list("indicator__key", "moe")
    )
    themes = []
    for theme in index.themes:
        variables = []
        for v in theme["variables"]:
            key = v["indicator"]
            nat = (national.variables if national else {}).get(key, {})
            st = (in_state.variables if in_state else {}).get(key, {})
            variables.append(
                {
                    "indicator": indicators.get(key),
                    "key": key,
                    "weight": v.get("weight", 1),
                    "direction": v.get("direction", "higher"),
                    "value": nat.get("value"),
                    "moe": moes.get(key),
                    "percentile": nat.get("percentile"),
                    "state_percentile": st.get("percentile"),
                    "flag": nat.get("flag"),
                }
            )
        nat_t = (national.themes if national else {}).get(theme["key"], {})
        st_t = (in_state.themes if in_state else {}).get(theme["key"], {})
        themes.append(
            {
                "key": theme["key"],
                "name": theme.get("name", theme["key"]),
                "score": nat_t.get("score"),
                "percentile": nat_t.get("percentile"),
                "state_percentile": st_t.get("percentile"),
                "flags": nat_t.get("flags"),
                "variables": variables,
            }
        )
    all_national = IndexResult.objects.filter(index=index, scope="national")
    all_state = IndexResult.objects.filter(
        index=index, scope="state", geography__state_fips=geography.state_fips
    )
    return {
        "geography": geography,
        "national": national,
        "in_state": in_state,
        "national_rank": _rank(all_national, national.percentile if national else None),
        "state_rank": _rank(all_state, in_state.percentile if in_state else None),
        "themes": themes,
    }


# ---------------------------------------------------------------------------
# an area's vulnerability, for planning
# ---------------------------------------------------------------------------

# Who each SVI variable points to, in the words a prevention plan uses (English, marked for
# translation: pages show them in the reader's language).
PRIORITY_POPULATIONS: dict[str, str] = {
    "svi-pov150": gettext_noop("people with low incomes"),
    "svi-unemp": gettext_noop("unemployed people"),
    "svi-hburd": gettext_noop("households at risk of housing instability (cost-burdened)"),
    "svi-nohsdp": gettext_noop("adults without a high school diploma"),
    "svi-uninsur": gettext_noop("people without health insurance"),
    "svi-age65": gettext_noop("older adults"),
    "svi-age17": gettext_noop("children and youth"),
    "svi-disabl": gettext_noop("people with disabilities"),
    "svi-sngpnt": gettext_noop("single-parent households"),
    "svi-limeng": gettext_noop("people with limited English proficiency"),
    "svi-minrty": gettext_noop("racial and ethnic minority communities"),
    "svi-munit": gettext_noop("residents of large multi-unit housing"),
    "svi-mobile": gettext_noop("residents of mobile homes"),
    "svi-crowd": gettext_noop("crowded households"),
    "svi-noveh": gettext_noop("households without a vehicle"),
    "svi-groupq": gettext_noop("people living in group quarters"),
}


@dataclass(frozen=True, slots=True)
class AreaTheme:
    key: str
    name: str
    mean_percentile: float | None
    high: list[str]  # FIPS codes of the area's geographies at or above the threshold


@dataclass(frozen=True, slots=True)
class AreaPopulation:
    indicator: str
    label: str
    flagged: list[str]  # FIPS codes where the variable is flagged (>= 0.90)


@dataclass(frozen=True, slots=True)
class AreaVulnerability:
    index: IndexDefinition
    fips: list[str]
    missing: list[str]
    themes: list[AreaTheme]
    priority_populations: list[AreaPopulation]
    area: str = ""  # the ``?area=`` of the map that outlines it: a state or its counties

    @property
    def high_themes(self) -> list[AreaTheme]:
        return [t for t in self.themes if t.high]

    @property
    def map_query(self) -> str:
        """The community map of this index with the area outlined (its state zoomed in)."""
        return "?" + urlencode({"show": f"index:{self.index.key}", "area": self.area})


def area_vulnerability(
    *, index: IndexDefinition, fips: list[str], threshold: float = 0.75
) -> AreaVulnerability:
    """Where a plan's area (a list of geographies) ranks high on an index, nationally.

    Themes list the geographies whose theme percentile is at least ``threshold``; priority
    populations are the variables flagged (90th percentile or more) in any of them, most
    often flagged first. This is what the planning gap analysis reads.
    """
    results = {
        r.geography.fips: r
        for r in IndexResult.objects.filter(
            index=index, scope="national", geography__fips__in=fips
        ).select_related("geography")
    }
    names = dict(
        IndicatorDefinition.objects.filter(key__in=index.indicator_keys).values_list("key", "name")
    )
    themes = []
    for theme in index.themes:
        key = theme["key"]
        values = {f: r.themes.get(key, {}).get("percentile") for f, r in sorted(results.items())}
        present = [v for v in values.values() if v is not None]
        themes.append(
            AreaTheme(
                key=key,
                name=theme.get("name", key),
                mean_percentile=round(sum(present) / len(present), 4) if present else None,
                high=[f for f, v in values.items() if v is not None and v >= threshold],
            )
        )
    populations = []
    for key in index.indicator_keys:
        flagged = [
            f for f, r in sorted(results.items()) if r.variables.get(key, {}).get("flag") == 1
        ]
        if flagged:
            label = PRIORITY_POPULATIONS.get(key, names.get(key, key))
            populations.append(AreaPopulation(key, label, flagged))
    populations.sort(key=lambda p: (-len(p.flagged), p.indicator))
    return AreaVulnerability(
        index=index,
        fips=sorted(results),
        missing=sorted(set(fips) - set(results)),
        themes=themes,
        priority_populations=populations,
    )


def area_for_geography(
    *, state_fips: str, county_fips: str = "", index: IndexDefinition | None = None
) -> AreaVulnerability | None:
    """The vulnerability profile of a state (all its counties) or one county, on ``index`` or the
    most recently computed index. None when no index covers the area. Used by planning."""
    index = index or default_index()
    if index is None:
        return None
    if county_fips:
        fips = [county_fips]
    else:
        fips = list(
            Geography.objects.filter(
                geography_set_id=index.geography_set_id, kind=index.kind, state_fips=state_fips
            ).values_list("fips", flat=True)
        )
    if not fips:
        return None
    area = replace(area_vulnerability(index=index, fips=fips), area=county_fips or state_fips)
    return area if area.fips else None


def uploads_for(*, membership: Any, limit: int = 20) -> list[Upload]:
    """The organization's recent uploads (without their bytes), for those who may upload."""
    check(membership, "indicator.import")
    return list(
        Upload.objects.filter(organization_id=membership.organization_id)
        .defer("data")
        .order_by("-created_at", "-id")[:limit]
    )
