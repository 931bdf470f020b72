"""Framework knowledge base API: frameworks, versions and every item, with filters and search.

The knowledge base is public information, so these routes need no credentials. ``latest`` can be
used as a version in every path.
"""

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from upstream.core.api import Pages
from upstream.core.vocabularies import Confidence, FactorKind, FrameworkStatus, Horizon
from upstream.framework import search as fw_search
from upstream.framework import selectors
from upstream.framework.diff import diff_documents
from upstream.framework.models import FrameworkVersion

router = Router(tags=["framework"])

ItemKind = Literal[
    "principle", "level", "tier", "strategy", "activity", "outcome", "factor", "definition"
]


class SourceOut(Schema):
    title: str
    url: str | None = None
    note: str | None = None


Translations = dict[str, dict[str, str | list[str]]]
"""An item's translated fields by language code: ``{"es": {"name": "...", ...}}``. Fields
missing from a language have no translation yet; show the English field instead."""

PackLanguage = Literal["en", "es"]


class TranslationSourceOut(Schema):
    by: str
    kind: Literal["official", "project", "community", "machine"]
    date: str | None = None
    url: str | None = None
    note: str | None = None


class ItemOut(Schema):
    key: str
    confidence: Confidence
    sources: list[SourceOut]
    translations: Translations = Field(
        default_factory=dict, description="Translated fields by language code."
    )


class VersionSummaryOut(Schema):
    version: str
    status: FrameworkStatus
    loaded_at: dt.datetime


class FrameworkOut(Schema):
    slug: str
    title: str
    versions: list[VersionSummaryOut]

    @staticmethod
    def resolve_versions(obj: Any) -> list[Any]:
        return list(obj.versions.all())


class AimOut(Schema):
    key: str
    name: str
    description: str
    tiers: list[str] = []
    translations: Translations = Field(default_factory=dict)


class VersionOut(Schema):
    framework: str = Field(..., alias="framework.slug")
    version: str
    title: str
    short_title: str
    subtitle: str
    publisher: str
    published_on: dt.date | None
    source_url: str
    status: FrameworkStatus
    confidence: Confidence
    summary: str
    notice: str
    aims: list[AimOut]
    translations: Translations = Field(
        default_factory=dict, description="Title, subtitle, summary and notice by language code."
    )
    translation_sources: dict[str, TranslationSourceOut] = Field(
        default_factory=dict, description="Who translated the version, by language code."
    )
    content_hash: str
    loaded_at: dt.datetime


class PracticeOut(Schema):
    key: str
    text: str
    confidence: Confidence | None = None
    translations: Translations = Field(default_factory=dict)


class PrincipleOut(ItemOut):
    name: str
    description: str
    practices: list[PracticeOut]


class LevelOut(ItemOut):
    name: str
    description: str


class TierOut(ItemOut):
    name: str
    description: str


class StrategyOut(ItemOut):
    number: int | None
    name: str
    aliases: list[str]
    description: str
    sectors: list[str]
    levels: list[str]
    tiers: list[str]

    @staticmethod
    def resolve_levels(obj: Any) -> list[str]:
        return [level.key for level in obj.levels.all()]

    @staticmethod
    def resolve_tiers(obj: Any) -> list[str]:
        return [tier.key for tier in obj.tiers.all()]


class ActivityOut(ItemOut):
    strategy: str = Field(..., alias="strategy.key")
    level: str = Field(..., alias="level.key")
    tier: str = Field(..., alias="tier.key")
    name: str
    description: str
    populations: list[str]
    evidence: str


class OutcomeOut(ItemOut):
    strategy: str = Field(..., alias="strategy.key")
    name: str
    description: str
    horizon: Horizon


class FactorOut(ItemOut):
    kind: FactorKind
    level: str = Field(..., alias="level.key")
    name: str
    description: str
    strategies: list[str]

    @staticmethod
    def resolve_strategies(obj: Any) -> list[str]:
        return [s.key for s in obj.strategies.all()]


class DefinitionOut(ItemOut):
    term: str
    definition: str
    see_also: list[str]


class StrategyDetailOut(StrategyOut):
    activities: list[ActivityOut]
    outcomes: list[OutcomeOut]
    factors: list[FactorOut]

    @staticmethod
    def resolve_activities(obj: Any) -> list[Any]:
        return list(obj.activities.all())

    @staticmethod
    def resolve_outcomes(obj: Any) -> list[Any]:
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_factors(obj: Any) -> list[Any]:
        return list(obj.factors.all())


class SearchHitOut(Schema):
    kind: str
    key: str
    title: str
    snippet: str


class FieldChangeOut(Schema):
    field: str
    old: Any
    new: Any


class FrameworkChangeOut(Schema):
    collection: str
    key: str
    change: Literal["added", "removed", "changed"]
    fields: list[FieldChangeOut]


class StrategyFilter(Schema):
    level: str | None = None
    tier: str | None = None


class ActivityFilter(Schema):
    strategy: str | None = None
    level: str | None = None
    tier: str | None = None


class OutcomeFilter(Schema):
    strategy: str | None = None
    horizon: Horizon | None = None


class FactorFilter(Schema):
    kind: FactorKind | None = None
    level: str | None = None
    strategy: str | None = None


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=200, description="Words to find.")
    kind: ItemKind | None = None
    limit: int = Field(20, ge=1, le=100)
    language: PackLanguage = Field(
        "en",
        description="The language of the text searched and returned; items without a "
        "translation are searched in English.",
    )


class DiffParams(Schema):
    old: str = Field(..., alias="from", description="The earlier version.")
    new: str = Field(..., alias="to", description="The later version.")


V = "/frameworks/{framework}/versions/{version}"


@router.get("/frameworks", response=list[FrameworkOut])
def list_frameworks(request: HttpRequest) -> Any:
    return list(selectors.frameworks())


@router.get("/frameworks/{framework}", response=FrameworkOut)
def get_framework(request: HttpRequest, framework: str) -> Any:
    found = selectors.frameworks().filter(slug=framework).first()
    if found is None:
        raise Http404
    return found


@router.get("/frameworks/{framework}/diff", response=list[FrameworkChangeOut])
def diff_versions(request: HttpRequest, framework: str, params: Query[DiffParams]) -> Any:
    """What changed from one loaded version (``from``) to another (``to``)."""
    before = selectors.version_get(framework=framework, version=params.old)
    after = selectors.version_get(framework=framework, version=params.new)
    return diff_documents(before.document, after.document)


@router.get(V, response=VersionOut)
def get_version(request: HttpRequest, framework: str, version: str) -> Any:
    return selectors.version_get(framework=framework, version=version)


@router.get(V + "/pack", response=dict[str, Any])
def get_pack(request: HttpRequest, framework: str, version: str) -> Any:
    """The version as a pack document (the same shape `upstream framework load` accepts)."""
    fv = selectors.version_get(framework=framework, version=version)
    return FrameworkVersion.objects.values_list("document", flat=True).get(pk=fv.pk)


@router.get(V + "/principles", response=list[PrincipleOut])
def list_principles(request: HttpRequest, framework: str, version: str) -> Any:
    return selectors.principles(selectors.version_get(framework=framework, version=version))


@router.get(V + "/principles/{key}", response=PrincipleOut)
def get_principle(request: HttpRequest, framework: str, version: str, key: str) -> Any:
    fv = selectors.version_get(framework=framework, version=version)
    return selectors.principle_get(fv, key)


@router.get(V + "/levels", response=list[LevelOut])
def list_levels(request: HttpRequest, framework: str, version: str) -> Any:
    return selectors.levels(selectors.version_get(framework=framework, version=version))


@router.get(V + "/levels/{key}", response=LevelOut)
def get_level(request: HttpRequest, framework: str, version: str, key: str) -> Any:
    return selectors.level_get(selectors.version_get(framework=framework, version=version), key)


@router.get(V + "/tiers", response=list[TierOut])
def list_tiers(request: HttpRequest, framework: str, version: str) -> Any:
    return selectors.tiers(selectors.version_get(framework=framework, version=version))


@router.get(V + "/tiers/{key}", response=TierOut)
def get_tier(request: HttpRequest, framework: str, version: str, key: str) -> Any:
    return selectors.tier_get(selectors.version_get(framework=framework, version=version), key)


@router.get(V + "/strategies", response=list[StrategyOut])
def list_strategies(
    request: HttpRequest, framework: str, version: str, filters: Query[StrategyFilter]
) -> Any:
    fv = selectors.version_get(framework=framework, version=version)
    return selectors.strategies(fv, level=filters.level, tier=filters.tier)


@router.get(V + "/strategies/{key}", response=StrategyDetailOut)
def get_strategy(request: HttpRequest, framework: str, version: str, key: str) -> Any:
    fv = selectors.version_get(framework=framework, version=version)
    return selectors.strategy_get(fv, key)


@router.get(V + "/activities", response=list[ActivityOut])
@paginate(Pages)
def list_activities(
    request: HttpRequest, framework: str, version: str, filters: Query[ActivityFilter]
) -> Any:
    fv = selectors.version_get(framework=framework, version=version)
    return selectors.activities(
        fv, strategy=filters.strategy, level=filters.level, tier=filters.tier
    )


@router.get(V + "/activities/{key}", response=ActivityOut)
def get_activity(request: HttpRequest, framework: str, version: str, key: str) -> Any:
    return selectors.activity_get(selectors.version_get(framework=framework, version=version), key)


@router.get(V + "/outcomes", response=list[OutcomeOut])
@paginate(Pages)
def list_outcomes(
    request: HttpRequest, framework: str, version: str, filters: Query[OutcomeFilter]
) -> Any:
    fv = selectors.version_get(framework=framework, version=version)
    return selectors.outcomes(fv, strategy=filters.strategy, horizon=filters.horizon)


@router.get(V + "/outcomes/{key}", response=OutcomeOut)
def get_outcome(request: HttpRequest, framework: str, version: str, key: str) -> Any:
    return selectors.outcome_get(selectors.version_get(framework=framework, version=version), key)


@router.get(V + "/factors", response=list[FactorOut])
@paginate(Pages)
def list_factors(
    request: HttpRequest, framework: str, version: str, filters: Query[FactorFilter]
) -> Any:
    fv = selectors.version_get(framework=framework, version=version)
    return selectors.factors(fv, kind=filters.kind, level=filters.level, strategy=filters.strategy)


@router.get(V + "/factors/{key}", response=FactorOut)
def get_factor(request: HttpRequest, framework: str, version: str, key: str) -> Any:
    return selectors.factor_get(selectors.version_get(framework=framework, version=version), key)


@router.get(V + "/definitions", response=list[DefinitionOut])
def list_definitions(request: HttpRequest, framework: str, version: str) -> Any:
    return selectors.definitions(selectors.version_get(framework=framework, version=version))


@router.get(V + "/definitions/{key}", response=DefinitionOut)
def get_definition(request: HttpRequest, framework: str, version: str, key: str) -> Any:
    fv = selectors.version_get(framework=framework, version=version)
    return selectors.definition_get(fv, key)


@router.get(V + "/search", response=list[SearchHitOut])
def search_items(
    request: HttpRequest, framework: str, version: str, params: Query[SearchParams]
) -> Any:
    """Full-text search across every item of a version; every word must match (prefixes count)."""
    fv = selectors.version_get(framework=framework, version=version)
    kinds: list[str] | None = [params.kind] if params.kind else None
    hits = fw_search.search(fv, params.q, kinds=kinds, limit=params.limit, language=params.language)
    return [
        {"kind": h.kind, "key": h.key, "title": h.title, "snippet": h.snippet_text} for h in hits
    ]
