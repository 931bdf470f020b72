"""Reads from the framework knowledge base. The framework is public information: no user needed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from upstream.framework.models import (
    Activity,
    Definition,
    Factor,
    Framework,
    FrameworkVersion,
    Level,
    Outcome,
    Principle,
    Strategy,
    Tier,
)

LATEST = "latest"


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.prefetch_related(
        Prefetch("versions", queryset=FrameworkVersion.objects.order_by("-loaded_at", "-id"))
    )


def version_get(*, framework: str, version: str = LATEST) -> FrameworkVersion:
    """One version of a framework; ``latest`` is the most recently loaded. 404 if unknown."""
    # The stored pack document is large and only needed by diff and export: load it lazily.
    qs = (
        FrameworkVersion.objects.select_related("framework")
        .defer("document")
        .filter(framework__slug=framework)
    )
    found = (
        qs.order_by("-loaded_at", "-id").first()
        if version == LATEST
        else qs.filter(version=version).first()
    )
    if found is None:
        raise Http404("No such framework version.")
    return found


def version_state(version: FrameworkVersion, *parts: Any) -> tuple[Any, ...]:
    """What a page of ``version`` shows depends on, as the key of its cached fragment: the
    version and its content (a version's rows change only when its pack is loaded again)."""
    return (version.pk, version.content_hash, version.loaded_at.isoformat(), *parts)


def default_version(slug: str) -> FrameworkVersion | None:
    """The latest version of ``slug``, else of any framework, else None."""
    found = (
        FrameworkVersion.objects.select_related("framework")
        .defer("document")
        .filter(framework__slug=slug)
        .order_by("-loaded_at", "-id")
        .first()
    )
    if found is None:
        found = (
            FrameworkVersion.objects.select_related("framework")
            .order_by("-loaded_at", "-id")
            .first()
        )
    return found


def principles(version: FrameworkVersion) -> QuerySet[Principle]:
    return Principle.objects.filter(version=version)


def levels(version: FrameworkVersion) -> QuerySet[Level]:
    return Level.objects.filter(version=version)


def tiers(version: FrameworkVersion) -> QuerySet[Tier]:
    return Tier.objects.filter(version=version)


def strategies(
    version: FrameworkVersion, *, level: str | None = None, tier: str | None = None
) -> QuerySet[Strategy]:
    qs = (
        Strategy.objects.filter(version=version)
        .prefetch_related("levels", "tiers")
        .annotate(activity_count=Count("activities", distinct=True))
    )
    if level:
        qs = qs.filter(levels__key=level)
    if tier:
        qs = qs.filter(tiers__key=tier)
    return qs.distinct().order_by("position")


def activities(
    version: FrameworkVersion,
    *,
    strategy: str | None = None,
    level: str | None = None,
    tier: str | None = None,
) -> QuerySet[Activity]:
    qs = Activity.objects.filter(version=version).select_related("strategy", "level", "tier")
    if strategy:
        qs = qs.filter(strategy__key=strategy)
    if level:
        qs = qs.filter(level__key=level)
    if tier:
        qs = qs.filter(tier__key=tier)
    return qs.order_by("strategy__position", "position")


def outcomes(
    version: FrameworkVersion, *, strategy: str | None = None, horizon: str | None = None
) -> QuerySet[Outcome]:
    qs = Outcome.objects.filter(version=version).select_related("strategy")
    if strategy:
        qs = qs.filter(strategy__key=strategy)
    if horizon:
        qs = qs.filter(horizon=horizon)
    return qs.order_by("strategy__position", "position")


def factors(
    version: FrameworkVersion,
    *,
    kind: str | None = None,
    level: str | None = None,
    strategy: str | None = None,
) -> QuerySet[Factor]:
    qs = (
        Factor.objects.filter(version=version)
        .select_related("level")
        .prefetch_related(Prefetch("strategies", queryset=Strategy.objects.order_by("position")))
    )
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level__key=level)
    if strategy:
        qs = qs.filter(strategies__key=strategy)
    return qs.distinct().order_by("level__position", "kind", "position")


def definitions(version: FrameworkVersion) -> QuerySet[Definition]:
    return Definition.objects.filter(version=version).order_by("term")


def _get(qs: QuerySet[Any], key: str) -> Any:
    found = qs.filter(key=key).first()
    if found is None:
        raise Http404("Not found.")
    return found


def principle_get(version: FrameworkVersion, key: str) -> Principle:
    result: Principle = _get(principles(version), key)
    return result


def level_get(version: FrameworkVersion, key: str) -> Level:
    result: Level = _get(levels(version), key)
    return result


def tier_get(version: FrameworkVersion, key: str) -> Tier:
    result: Tier = _get(tiers(version), key)
    return result


def strategy_get(version: FrameworkVersion, key: str) -> Strategy:
    qs = Strategy.objects.filter(version=version).prefetch_related(
        "levels",
        "tiers",
        Prefetch(
            "activities",
            queryset=Activity.objects.select_related("level", "tier").order_by("position"),
        ),
        Prefetch("outcomes", queryset=Outcome.objects.order_by("position")),
        Prefetch("factors", queryset=Factor.objects.select_related("level").order_by("position")),
    )
    result: Strategy = _get(qs, key)
    return result


def activity_get(version: FrameworkVersion, key: str) -> Activity:
    result: Activity = _get(activities(version), key)
    return result


def outcome_get(version: FrameworkVersion, key: str) -> Outcome:
    result: Outcome = _get(outcomes(version), key)
    return result


def factor_get(version: FrameworkVersion, key: str) -> Factor:
    result: Factor = _get(factors(version), key)
    return result


def definition_get(version: FrameworkVersion, key: str) -> Definition:
    result: Definition = _get(definitions(version), key)
    return result


@dataclass(frozen=True)
class MatrixCell:
    strategy: Strategy
    level: Level
    targeted: bool
    activities: list[Activity]


@dataclass(frozen=True)
class MatrixRow:
    strategy: Strategy
    cells: list[MatrixCell]


def strategy_level_matrix(version: FrameworkVersion) -> tuple[list[Level], list[MatrixRow]]:
    """Strategies × levels: whether the strategy works at the level, and its activities there."""
    level_list = list(levels(version))
    strategy_list = list(
        Strategy.objects.filter(version=version)
        .prefetch_related(
            "levels",
            Prefetch("activities", queryset=Activity.objects.order_by("position")),
        )
        .order_by("position")
    )
    rows = []
    for strategy in strategy_list:
        targeted = {lv.pk for lv in strategy.levels.all()}
        by_level: dict[int, list[Activity]] = {}
        for activity in strategy.activities.all():
            by_level.setdefault(activity.level_id, []).append(activity)
        rows.append(
            MatrixRow(
                strategy=strategy,
                cells=[
                    MatrixCell(
                        strategy=strategy,
                        level=lv,
                        targeted=lv.pk in targeted,
                        activities=by_level.get(lv.pk, []),
                    )
                    for lv in level_list
                ],
            )
        )
    return level_list, rows


# Framework items named by key, for the apps that refer to them (plans) ------------------------
# Each answers None (or fewer rows) for an unknown key, so the caller can say which key is wrong.


def versions_newest_first() -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.select_related("framework").order_by("-loaded_at", "-id")


def version_by_key(*, framework: str, version: str) -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(framework__slug=framework, version=version).first()


def strategies_by_keys(*, version_id: int, keys: Iterable[str]) -> list[Strategy]:
    return list(Strategy.objects.filter(version_id=version_id, key__in=list(keys)))


def strategy_by_key(*, version_id: int, key: str) -> Strategy | None:
    return Strategy.objects.filter(version_id=version_id, key=key).first()


def activity_by_key(*, version_id: int, key: str) -> Activity | None:
    return (
        Activity.objects.filter(version_id=version_id, key=key)
        .select_related("strategy", "level", "tier")
        .first()
    )


def level_by_key(*, version_id: int, key: str) -> Level | None:
    return Level.objects.filter(version_id=version_id, key=key).first()


def tier_by_key(*, version_id: int, key: str) -> Tier | None:
    return Tier.objects.filter(version_id=version_id, key=key).first()


def principle_by_key(*, version_id: int, key: str) -> Principle | None:
    return Principle.objects.filter(version_id=version_id, key=key).first()


def outcome_by_key(*, version_id: int, key: str) -> Outcome | None:
    return Outcome.objects.filter(version_id=version_id, key=key).first()


def activities_of(*, version_id: int) -> QuerySet[Activity]:
    """Every activity of a version, in the pack's order (filter further as needed)."""
    return (
        Activity.objects.filter(version_id=version_id)
        .select_related("strategy", "level", "tier")
        .order_by("strategy__position", "position")
    )


def activities_of_strategies(*, version_id: int, strategy_ids: Iterable[int]) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(version_id=version_id, strategy_id__in=list(strategy_ids))
        .select_related("strategy", "level", "tier")
        .order_by("strategy__position", "position")
    )


def items_in_order(*, version_id: int) -> dict[str, QuerySet[Any]]:
    """A version's strategies, activities, levels, tiers and principles, each in the pack's
    order: the choices of plan forms and the axes of the gap analysis."""
    return {
        "strategy": Strategy.objects.filter(version_id=version_id).order_by("position"),
        "activity": Activity.objects.filter(version_id=version_id)
        .select_related("level", "tier")
        .order_by("strategy__position", "position"),
        "level": Level.objects.filter(version_id=version_id).order_by("position"),
        "tier": Tier.objects.filter(version_id=version_id).order_by("position"),
        "principle": Principle.objects.filter(version_id=version_id).order_by("position"),
    }
