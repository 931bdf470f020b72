"""A straightforward per-row gap analysis, the reference for bench_planning.py.

It walks the plan the way a first version would: one loop over the activities, following each
foreign key and many-to-many relation as it goes (the ORM fetches each on demand), then one loop
over outcomes and indicators. Same findings as upstream.planning.gaps for the core figures.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from upstream.planning.models import Plan
from upstream.planning.vocabularies import LOW_RATINGS


def naive_gaps(plan: Plan) -> dict[str, Any]:
    version = plan.framework_version
    cells: Counter[tuple[str, str]] = Counter()
    tiers: Counter[str] = Counter()
    populations: Counter[str] = Counter()
    present: set[str] = set()
    without_outcomes = []
    for activity in plan.activities.all():
        if activity.status == "dropped":
            continue
        cells[(activity.plan_strategy.strategy.key, activity.level.key)] += 1
        tiers[activity.tier.key] += 1
        if activity.population:
            populations[activity.population] += 1
        present.update(activity.lead_organization.sectors)
        for partner in activity.partners.all():
            present.update(partner.sectors)
        if not activity.outcomes.exists():
            without_outcomes.append(activity.name)
    needed: set[str] = set()
    for plan_strategy in plan.strategies.all():
        needed.update(plan_strategy.strategy.sectors)
    without_indicators, no_baseline, no_target = [], [], []
    for outcome in plan.outcomes.all():
        if not outcome.indicators.exists():
            without_indicators.append(outcome.name)
        for indicator in outcome.indicators.all():
            if indicator.baseline_value is None:
                no_baseline.append(indicator.name)
            if indicator.target_value is None:
                no_target.append(indicator.name)
    low = []
    for principle in version.principles.all():
        rating = plan.ratings.filter(principle=principle).first()
        if rating is None or rating.rating in LOW_RATINGS:
            low.append(principle.key)
    suggestions = {}
    for strategy in version.strategies.all():
        for level in version.levels.all():
            if not cells[(strategy.key, level.key)]:
                suggestions[(strategy.key, level.key)] = [
                    a.key
                    for a in version.activities.filter(strategy=strategy, level=level)
                    if not plan.activities.filter(framework_activity=a).exists()
                ][:3]
    return {
        "cells": cells,
        "tiers": tiers,
        "sectors_missing": sorted(needed - present),
        "populations_uncovered": [p for p in plan.populations if not populations[p]],
        "activities_without_outcomes": without_outcomes,
        "outcomes_without_indicators": without_indicators,
        "indicators_without_baseline": no_baseline,
        "indicators_without_target": no_target,
        "principles_low": low,
        "suggestions": suggestions,
    }
