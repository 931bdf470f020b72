"""Community analytics API: geographies, indicators, observations, indices and their results.

Public reference data for now, so these routes need no credentials (like the framework API).
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from upstream.community import selectors
from upstream.community.models import Geography, IndexResult, Observation
from upstream.core.api import Pages, Year
from upstream.core.validators import StateFips
from upstream.core.vocabularies import GeographyKind, IndicatorDirection, Ranking

router = Router(tags=["community"])

Kind = GeographyKind
Direction = IndicatorDirection
Scope = Ranking


class GeographySetOut(Schema):
    key: str
    name: str
    vintage: int
    source: str


class GeographyOut(Schema):
    fips: str
    name: str
    kind: Kind
    state_fips: str
    parent: str | None = Field(None, alias="parent.fips")


class CommunityIndicatorOut(Schema):
    key: str
    name: str
    unit: str
    direction: Direction
    theme: str
    source: str
    year: int | None
    description: str
    synthetic: bool


class ObservationOut(Schema):
    fips: str = Field(..., alias="geography.fips")
    indicator: str = Field(..., alias="indicator.key")
    year: int
    value: float
    moe: float | None


class VariableOut(Schema):
    indicator: str
    weight: float
    direction: Direction


class ThemeOut(Schema):
    key: str
    name: str
    variables: list[VariableOut]


class IndexOut(Schema):
    key: str
    name: str
    description: str
    geography_set: str = Field(..., alias="geography_set.key")
    kind: Kind
    year: int
    ranking: Scope
    population_indicator: str
    themes: list[ThemeOut]
    synthetic: bool
    created_at: dt.datetime
    computed_at: dt.datetime | None
    engine_version: str
    provenance: dict[str, Any]


class ThemeResultOut(Schema):
    score: float | None
    percentile: float | None
    flags: int | None


class VariableResultOut(Schema):
    value: float | None
    percentile: float | None
    flag: int | None


class IndexResultOut(Schema):
    fips: str = Field(..., alias="geography.fips")
    name: str = Field(..., alias="geography.name")
    state_fips: str = Field(..., alias="geography.state_fips")
    scope: Scope
    score: float | None
    percentile: float | None
    flag_total: int | None
    themes: dict[str, ThemeResultOut]
    variables: dict[str, VariableResultOut]


class RankOut(Schema):
    rank: int
    of: int


class ProfileVariableOut(Schema):
    indicator: str
    name: str
    value: float | None
    moe: float | None
    percentile: float | None
    state_percentile: float | None
    flag: int | None


class ProfileThemeOut(Schema):
    key: str
    name: str
    score: float | None
    percentile: float | None
    state_percentile: float | None
    flags: int | None
    variables: list[ProfileVariableOut]


class ProfileOut(Schema):
    index: str
    synthetic: bool
    geography: GeographyOut
    state: str
    percentile: float | None
    state_percentile: float | None
    flag_total: int | None
    national_rank: RankOut | None
    state_rank: RankOut | None
    themes: list[ProfileThemeOut]


class GeographyFilter(Schema):
    set: str | None = Field(None, description="Geography set key (default: the newest).")
    kind: Kind | None = None
    state: StateFips | None = Field(None, description="2-digit state FIPS.")


class ObservationFilter(Schema):
    indicator: str
    year: Year | None = None
    set: str | None = None
    state: StateFips | None = Field(None, description="2-digit state FIPS.")
    fips: str | None = None


class ResultFilter(Schema):
    scope: Scope = "national"
    state: StateFips | None = Field(None, description="2-digit state FIPS.")


@router.get("/geography-sets", response=list[GeographySetOut])
def list_geography_sets(request: HttpRequest) -> Any:
    return selectors.geography_sets()


@router.get("/geographies", response=list[GeographyOut])
@paginate(Pages)
def list_geographies(request: HttpRequest, filters: Query[GeographyFilter]) -> QuerySet[Geography]:
    gs = selectors.geography_set_get(filters.set)
    if gs is None:
        raise Http404
    qs = gs.geographies.select_related("parent").order_by("fips")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        qs = qs.filter(state_fips=filters.state)
    return qs


@router.get("/indicators", response=list[CommunityIndicatorOut])
def list_indicators(request: HttpRequest) -> Any:
    return selectors.indicators()


@router.get("/observations", response=list[ObservationOut])
@paginate(Pages)
def list_observations(
    request: HttpRequest, filters: Query[ObservationFilter]
) -> QuerySet[Observation]:
    qs = Observation.objects.select_related("geography", "indicator").filter(
        indicator__key=filters.indicator
    )
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.set:
        qs = qs.filter(geography__geography_set__key=filters.set)
    if filters.state:
        qs = qs.filter(geography__state_fips=filters.state)
    if filters.fips:
        qs = qs.filter(geography__fips=filters.fips)
    return qs.order_by("geography__fips", "year", "pk")


@router.get("/indices", response=list[IndexOut])
def list_indices(request: HttpRequest) -> Any:
    return selectors.indices()


@router.get("/indices/{key}", response=IndexOut)
def get_index(request: HttpRequest, key: str) -> Any:
    return selectors.index_get(key)


@router.get("/indices/{key}/results", response=list[IndexResultOut])
@paginate(Pages)
def list_index_results(
    request: HttpRequest, key: str, filters: Query[ResultFilter]
) -> QuerySet[IndexResult]:
    index = selectors.index_get(key)
    qs = IndexResult.objects.filter(index=index, scope=filters.scope).select_related("geography")
    if filters.state:
        qs = qs.filter(geography__state_fips=filters.state)
    return qs.order_by("geography__fips")


@router.get("/indices/{key}/counties/{fips}", response=ProfileOut)
def county_profile(request: HttpRequest, key: str, fips: str) -> Any:
    index = selectors.index_get(key)
    profile = selectors.county_profile(index, fips)
    national, in_state = profile["national"], profile["in_state"]
    geography = profile["geography"]
    return {
        "index": index.key,
        "synthetic": index.synthetic,
        "geography": geography,
        "state": geography.parent.name if geography.parent else "",
        "percentile": national.percentile if national else None,
        "state_percentile": in_state.percentile if in_state else None,
        "flag_total": national.flag_total if national else None,
        "national_rank": profile["national_rank"],
        "state_rank": profile["state_rank"],
        "themes": [
            {
                **{k: t[k] for k in ("key", "name", "score", "percentile", "state_percentile")},
                "flags": t["flags"],
                "variables": [
                    {
                        "indicator": v["key"],
                        "name": v["indicator"].name if v["indicator"] else v["key"],
                        **{
                            k: v[k]
                            for k in ("value", "moe", "percentile", "state_percentile", "flag")
                        },
                    }
                    for v in t["variables"]
                ],
            }
            for t in profile["themes"]
        ],
    }
