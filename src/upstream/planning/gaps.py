"""Gap analysis: where a plan falls short of a comprehensive prevention plan.

It reads the plan in a fixed number of queries (about a dozen, whatever the plan's size: a few
narrow ``values()`` reads, then plain Python over the rows) and reports

- a strategy × level heatmap of activity coverage (dropped activities do not count);
- the balance across prevention tiers;
- the sectors present (lead and partner organizations) against those the chosen strategies call for;
- priority populations without activities;
- activities without outcomes, outcomes without indicators, indicators without baseline or target;
- principles rated low (or not rated);
- a plain-language summary of the top gaps, each with framework activities that would close it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, ngettext

from upstream.core.vocabularies import SECTORS
from upstream.framework import selectors as framework_selectors
from upstream.planning.models import (
    Indicator,
    Plan,
    PlanActivity,
    PlanOutcome,
    PlanStrategy,
    PrincipleRating,
)
from upstream.planning.vocabularies import (
    LOW_RATINGS,
    PRINCIPLE_RATINGS,
    PRIORITY_POPULATIONS,
    practices_of,
)

if TYPE_CHECKING:
    from upstream.framework.models import Activity, Strategy

# Words that mark a framework activity's population text as reaching a priority population.
POPULATION_WORDS: dict[str, tuple[str, ...]] = {
    "youth-foster-care": ("foster", "child welfare"),
    "runaway-homeless-youth": ("runaway", "homeless", "unaccompanied"),
    "lgbtqia2s-youth": ("lgbt", "two-spirit", "queer"),
    "american-indian-alaska-native": ("tribal", "american indian", "alaska native", "native"),
    "migrant-seasonal-workers": ("migrant", "seasonal", "farmworker", "agricultur", "temporary"),
    "people-with-disabilities": ("disabilit",),
    "substance-use-disorders": ("substance", "addiction", "recovery"),
    "survivors-other-violence": ("survivor", "violence", "abuse"),
}

# A tier holding less than this share of the plan's activities is reported as thin.
THIN_TIER_SHARE = 0.15
SUGGESTIONS_PER_GAP = 3
TOP_GAPS = 8


@dataclass
class Suggestion:
    key: str
    name: str
    strategy: str
    strategy_name: str
    level: str
    tier: str


@dataclass
class Gap:
    kind: str
    title: str
    detail: str
    weight: int
    suggestions: list[Suggestion] = field(default_factory=list)
    population: str = ""
    strategy: str = ""  # the strategy the gap is about, by key
    # What closes it, named: (uuid, name) of activities, outcomes or indicators; (key, label)
    # of sectors. The gap page links each to the page that closes it.
    items: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class HeatCell:
    level: str
    count: int
    available: int  # framework activities for this strategy at this level

    @property
    def band(self) -> str:
        if self.count == 0:
            return "none" if self.available else "na"
        return "low" if self.count == 1 else "mid" if self.count <= 3 else "high"


@dataclass
class HeatRow:
    key: str
    name: str
    number: int | None
    chosen: bool
    cells: list[HeatCell]
    total: int


@dataclass
class GapReport:
    levels: list[dict[str, str]]
    heatmap: list[HeatRow]
    level_totals: list[int]
    tiers: list[dict[str, Any]]
    sectors_needed: list[dict[str, Any]]
    sectors_present: list[str]
    sectors_missing: list[str]
    populations_uncovered: list[dict[str, str]]
    activities_without_outcomes: list[str]
    outcomes_without_indicators: list[str]
    indicators_without_baseline: list[str]
    indicators_without_target: list[str]
    principles_low: list[dict[str, str]]
    activity_count: int
    summary: list[Gap]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for row, raw in zip(data["heatmap"], self.heatmap, strict=True):
            for cell, raw_cell in zip(row["cells"], raw.cells, strict=True):
                cell["band"] = raw_cell.band
        return data


def _suggest(
    candidates: list[Activity], used: set[int], strategies: dict[int, Strategy]
) -> list[Suggestion]:
    out = []
    for activity in candidates:
        if activity.pk in used:
            continue
        strategy = strategies[activity.strategy_id]
        out.append(
            Suggestion(
                key=activity.key,
                name=activity.name,
                strategy=strategy.key,
                strategy_name=strategy.name,
                level=activity.level.name,
                tier=activity.tier.name,
            )
        )
        if len(out) == SUGGESTIONS_PER_GAP:
            break
    return out


def _names(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    more = len(items) - limit
    if more <= 0:
        return shown
    return gettext("%(names)s and %(count)d more") % {"names": shown, "count": more}


def _sector(key: str) -> str:
    """A sector's label in the reader's language."""
    return gettext(str(SECTORS.get(key, key)))


# Population labels that begin with a proper noun or an acronym keep their capitals mid-sentence.
_PROPER_NOUN_POPULATIONS = frozenset({"american-indian-alaska-native", "lgbtqia2s-youth"})


def _in_sentence(key: str, label: str) -> str:
    """A population's label inside a sentence: "youth in foster care", but "American Indian and
    Alaska Native communities"."""
    if key in _PROPER_NOUN_POPULATIONS or not label:
        return label
    return label[0].lower() + label[1:]


def _tier_words(name: str) -> str:
    """ "primary prevention" for a tier called "Primary" or "Primary prevention"."""
    words = name.lower()
    return words if words.endswith("prevention") else f"{words} prevention"


def _indicator_gap_title(no_baseline: int, no_target: int) -> str:
    """ "2 indicators lack a baseline, 1 lacks a target"."""
    parts = []
    if no_baseline:
        parts.append(
            ngettext(
                "%(count)d indicator lacks a baseline",
                "%(count)d indicators lack a baseline",
                no_baseline,
            )
            % {"count": no_baseline}
        )
    if no_target and parts:
        parts.append(
            ngettext("%(count)d lacks a target", "%(count)d lack a target", no_target)
            % {"count": no_target}
        )
    elif no_target:
        parts.append(
            ngettext(
                "%(count)d indicator lacks a target",
                "%(count)d indicators lack a target",
                no_target,
            )
            % {"count": no_target}
        )
    return ", ".join(parts)


def gap_analysis(plan: Plan) -> GapReport:
    version_id = plan.framework_version_id
    items = framework_selectors.items_in_order(version_id=version_id)
    levels = list(items["level"])
    tiers = list(items["tier"])
    strategies = {s.pk: s for s in items["strategy"]}
    framework_activities = list(items["activity"])
    plan_strategies = dict(PlanStrategy.objects.filter(plan=plan).values_list("pk", "strategy_id"))
    activities = list(
        PlanActivity.objects.filter(plan=plan)
        .exclude(status="dropped")
        .values(
            "pk",
            "uuid",
            "name",
            "plan_strategy_id",
            "level_id",
            "tier_id",
            "population",
            "framework_activity_id",
            "lead_organization__sectors",
        )
    )
    partner_sectors = (
        PlanActivity.partners.through.objects.filter(planactivity__plan=plan)
        .exclude(planactivity__status="dropped")
        .values_list("organization__sectors", flat=True)
    )
    linked_activity_ids = set(
        PlanOutcome.activities.through.objects.filter(planoutcome__plan=plan).values_list(
            "planactivity_id", flat=True
        )
    )
    outcomes = list(PlanOutcome.objects.filter(plan=plan).values("pk", "uuid", "name"))
    indicators = list(
        Indicator.objects.filter(outcome__plan=plan).values(
            "outcome_id", "uuid", "name", "baseline_value", "target_value", "target_date"
        )
    )
    principles = list(items["principle"])
    ratings = {
        r["principle_id"]: r
        for r in PrincipleRating.objects.filter(plan=plan).values(
            "principle_id", "rating", "practices"
        )
    }

    used = {a["framework_activity_id"] for a in activities if a["framework_activity_id"]}
    chosen = set(plan_strategies.values())
    by_strategy_level: dict[tuple[int, int], list[Activity]] = defaultdict(list)
    by_strategy: dict[int, list[Activity]] = defaultdict(list)
    by_tier: dict[int, list[Activity]] = defaultdict(list)
    for fa in framework_activities:
        by_strategy_level[(fa.strategy_id, fa.level_id)].append(fa)
        by_strategy[fa.strategy_id].append(fa)
        by_tier[fa.tier_id].append(fa)

    # Heatmap.
    cell_counts: Counter[tuple[int, int]] = Counter()
    tier_counts: Counter[int] = Counter()
    population_counts: Counter[str] = Counter()
    present: set[str] = set()
    for a in activities:
        strategy_id = plan_strategies[a["plan_strategy_id"]]
        cell_counts[(strategy_id, a["level_id"])] += 1
        tier_counts[a["tier_id"]] += 1
        if a["population"]:
            population_counts[a["population"]] += 1
        present.update(a["lead_organization__sectors"] or [])
    for sectors in partner_sectors:
        present.update(sectors or [])
    heatmap = []
    for strategy in strategies.values():
        cells = [
            HeatCell(
                level=level.key,
                count=cell_counts[(strategy.pk, level.pk)],
                available=len(by_strategy_level[(strategy.pk, level.pk)]),
            )
            for level in levels
        ]
        heatmap.append(
            HeatRow(
                key=strategy.key,
                name=strategy.name,
                number=strategy.number,
                chosen=strategy.pk in chosen,
                cells=cells,
                total=sum(c.count for c in cells),
            )
        )
    level_totals = [sum(row.cells[i].count for row in heatmap) for i in range(len(levels))]
    total = len(activities)
    tier_rows: list[dict[str, Any]] = [
        {
            "key": t.key,
            "name": t.name,
            "count": tier_counts[t.pk],
            "share": round(100 * tier_counts[t.pk] / total) if total else 0,
        }
        for t in tiers
    ]

    # Sectors.
    needed: dict[str, list[str]] = defaultdict(list)
    for strategy_id in sorted(chosen, key=lambda pk: strategies[pk].position):
        for sector in strategies[strategy_id].sectors:
            needed[sector].append(strategies[strategy_id].name)
    sectors_needed: list[dict[str, Any]] = [
        {
            "key": key,
            "label": _sector(key),
            "present": key in present,
            "strategies": needed[key],
        }
        for key in SECTORS
        if key in needed
    ]
    missing = [row["key"] for row in sectors_needed if not row["present"]]

    # Logic-model completeness.
    unlinked = [
        (str(a["uuid"]), a["name"]) for a in activities if a["pk"] not in linked_activity_ids
    ]
    without_outcomes = [name for _uuid, name in unlinked]
    with_indicators = {i["outcome_id"] for i in indicators}
    unmeasured = [(str(o["uuid"]), o["name"]) for o in outcomes if o["pk"] not in with_indicators]
    without_indicators = [name for _uuid, name in unmeasured]
    no_baseline = [i["name"] for i in indicators if i["baseline_value"] is None]
    no_target = [i["name"] for i in indicators if i["target_value"] is None]
    incomplete = [
        (str(i["uuid"]), i["name"])
        for i in indicators
        if i["baseline_value"] is None or i["target_value"] is None
    ]
    uncovered = [
        {
            "key": key,
            "label": gettext(PRIORITY_POPULATIONS[key]) if key in PRIORITY_POPULATIONS else key,
        }
        for key in plan.populations
        if key != "other" and not population_counts[key]
    ]
    low = []
    for p in principles:
        r = ratings.get(p.pk)
        rating = r["rating"] if r else "not_started"
        if rating in LOW_RATINGS:
            unchecked = [
                text
                for key, text in practices_of(p.practices)
                if not r or key not in r["practices"]
            ]
            low.append(
                {
                    "key": p.key,
                    "name": p.name,
                    "rating": gettext(PRINCIPLE_RATINGS[rating])
                    if r
                    else gettext("%(rating)s (not rated)")
                    % {"rating": gettext(PRINCIPLE_RATINGS[rating])},
                    "next_practice": unchecked[0] if unchecked else "",
                }
            )

    # The plain-language summary.
    gaps: list[Gap] = []
    for row, strategy in zip(heatmap, strategies.values(), strict=True):
        if row.chosen and row.total == 0:
            gaps.append(
                Gap(
                    kind="strategy-empty",
                    title=gettext("No activities yet under “%(name)s”") % {"name": strategy.name},
                    detail=gettext(
                        "You chose this strategy but have not planned anything under it."
                    ),
                    weight=5,
                    suggestions=_suggest(by_strategy[strategy.pk], used, strategies),
                    strategy=strategy.key,
                )
            )
    for item in uncovered:
        words = POPULATION_WORDS.get(item["key"], ())
        candidates = [
            fa
            for fa in framework_activities
            if any(w in " ".join(fa.populations).lower() for w in words)
        ]
        candidates.sort(key=lambda fa: fa.strategy_id not in chosen)
        gaps.append(
            Gap(
                kind="population",
                title=gettext("No activity reaches %(population)s")
                % {"population": _in_sentence(item["key"], item["label"])},
                detail=gettext("This is one of the plan's priority populations."),
                weight=4,
                suggestions=_suggest(candidates, used, strategies),
                population=item["key"],
            )
        )
    # One gap for all the empty levels, each level's first suggestion first.
    empty = [level for i, level in enumerate(levels) if total and level_totals[i] == 0]
    if empty:
        per_level = [
            sorted(
                (fa for fa in framework_activities if fa.level_id == level.pk),
                key=lambda fa: fa.strategy_id not in chosen,
            )
            for level in empty
        ]
        interleaved = [fa for group in zip_longest(*per_level) for fa in group if fa is not None]
        names = [level.name.lower() for level in empty]
        gaps.append(
            Gap(
                kind="level",
                title=(
                    gettext("Nothing at the %(level)s level") % {"level": names[0]}
                    if len(names) == 1
                    else gettext("Nothing at the %(levels)s or %(last)s levels")
                    % {"levels": ", ".join(names[:-1]), "last": names[-1]}
                ),
                detail=gettext(
                    "A comprehensive plan works at every level of the social-ecological model."
                ),
                weight=4,
                suggestions=_suggest(interleaved, used, strategies),
            )
        )
    for t in tier_rows:
        if total and t["share"] < 100 * THIN_TIER_SHARE:
            tier = next(x for x in tiers if x.key == t["key"])
            candidates = sorted(by_tier[tier.pk], key=lambda fa: fa.strategy_id not in chosen)
            gaps.append(
                Gap(
                    kind="tier",
                    title=gettext("Few %(tier)s activities") % {"tier": _tier_words(tier.name)},
                    detail=ngettext(
                        "%(count)d of %(total)d activity (%(share)s%%).",
                        "%(count)d of %(total)d activities (%(share)s%%).",
                        total,
                    )
                    % {"count": t["count"], "total": total, "share": t["share"]},
                    weight=3,
                    suggestions=_suggest(candidates, used, strategies),
                )
            )
    if missing:
        labels = [_sector(key) for key in missing]
        gaps.append(
            Gap(
                kind="sectors",
                title=ngettext(
                    "%(count)d sector your strategies call for is not involved",
                    "%(count)d sectors your strategies call for are not involved",
                    len(missing),
                )
                % {"count": len(missing)},
                detail=gettext("Invite partners from: %(names)s.") % {"names": _names(labels, 5)},
                weight=3,
                items=[(key, _sector(key)) for key in missing],
            )
        )
    # One gap for every strategy left out: seven lines of "does not use" would crowd out the rest.
    unused = [
        strategy
        for row, strategy in zip(heatmap, strategies.values(), strict=True)
        if not row.chosen
    ]
    if unused:
        first_of_each = [by_strategy[s.pk][0] for s in unused if by_strategy[s.pk]]
        gaps.append(
            Gap(
                kind="strategy-missing",
                title=(
                    gettext("The plan does not use “%(name)s”") % {"name": unused[0].name}
                    if len(unused) == 1
                    else gettext(
                        "The plan does not use %(count)d of the framework's %(total)d strategies"
                    )
                    % {"count": len(unused), "total": len(strategies)}
                ),
                detail=(
                    gettext("The framework's strategies work best together.")
                    if len(unused) == 1
                    else gettext("The framework's strategies work best together: %(names)s.")
                    % {"names": _names([s.name for s in unused], 8)}
                ),
                weight=2,
                suggestions=_suggest(first_of_each, used, strategies),
                strategy=unused[0].key,
            )
        )
    if without_outcomes:
        gaps.append(
            Gap(
                kind="activities-without-outcomes",
                title=ngettext(
                    "%(count)d activity leads to no outcome",
                    "%(count)d activities lead to no outcome",
                    len(without_outcomes),
                )
                % {"count": len(without_outcomes)},
                detail=gettext("Link them to the outcomes they drive: %(names)s.")
                % {"names": _names(without_outcomes)},
                weight=2,
                items=unlinked,
            )
        )
    if without_indicators:
        gaps.append(
            Gap(
                kind="outcomes-without-indicators",
                title=ngettext(
                    "%(count)d outcome has no indicator",
                    "%(count)d outcomes have no indicator",
                    len(without_indicators),
                )
                % {"count": len(without_indicators)},
                detail=gettext("Say how you will know: %(names)s.")
                % {"names": _names(without_indicators)},
                weight=2,
                items=unmeasured,
            )
        )
    if no_baseline or no_target:
        gaps.append(
            Gap(
                kind="indicators-incomplete",
                title=_indicator_gap_title(len(no_baseline), len(no_target)),
                detail=gettext("Complete them: %(names)s.")
                % {"names": _names(sorted(set(no_baseline) | set(no_target)))},
                weight=1,
                items=incomplete,
            )
        )
    if low:
        gaps.append(
            Gap(
                kind="principles",
                title=ngettext(
                    "%(count)d principle rated low", "%(count)d principles rated low", len(low)
                )
                % {"count": len(low)},
                detail=_names([p["name"] for p in low], 5) + ".",
                weight=1,
            )
        )
    gaps.sort(key=lambda g: -g.weight)  # stable: framework order within a weight

    return GapReport(
        levels=[{"key": level.key, "name": level.name} for level in levels],
        heatmap=heatmap,
        level_totals=level_totals,
        tiers=tier_rows,
        sectors_needed=sectors_needed,
        sectors_present=sorted(_sector(s) for s in present),
        sectors_missing=[_sector(key) for key in missing],
        populations_uncovered=uncovered,
        activities_without_outcomes=without_outcomes,
        outcomes_without_indicators=without_indicators,
        indicators_without_baseline=no_baseline,
        indicators_without_target=no_target,
        principles_low=low,
        activity_count=total,
        summary=gaps[:TOP_GAPS],
    )
