"""Gap analysis on a small plan whose gaps are known."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.planning.conftest import add_from_framework
from upstream.planning import services
from upstream.planning.gaps import gap_analysis

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_plan(plan: Any, coordinator: Any, partner_org: Any) -> Any:
    school = add_from_framework(coordinator, plan, "school-prevention-education")
    add_from_framework(
        coordinator,
        plan,
        "know-your-rights-training",
        population="migrant-seasonal-workers",
        partners=[partner_org],
    )
    outcome = services.plan_outcome_add(
        actor=coordinator, plan=plan, name="More knowledge", horizon="short", activities=[school]
    )
    services.indicator_add(
        actor=coordinator,
        plan=plan,
        outcome=outcome,
        name="Students who can name grooming tactics",
        unit="percent",
        target_value=Decimal("60"),
        target_date=plan.period_end,
    )
    services.plan_outcome_add(actor=coordinator, plan=plan, name="Unmeasured", horizon="long")
    principle = plan.framework_version.principles.get(key="equity-and-inclusivity")
    services.principle_rate(actor=coordinator, plan=plan, principle=principle, rating="established")
    return plan


def test_heatmap_counts_activities_by_strategy_and_level(small_plan: Any) -> None:
    report = gap_analysis(small_plan)
    row = next(r for r in report.heatmap if r.key == "build-individual-skills")
    assert row.chosen
    cells = {c.level: c.count for c in row.cells}
    assert cells["individual"] == 2
    assert cells["community"] == 0
    assert sum(report.level_totals) == 2
    other = next(r for r in report.heatmap if r.key == "create-protective-environments")
    assert not other.chosen and other.total == 0


def test_tiers_sectors_and_populations(small_plan: Any) -> None:
    report = gap_analysis(small_plan)
    tiers = {t["key"]: t for t in report.tiers}
    assert tiers["primary"]["count"] == 2 and tiers["primary"]["share"] == 100
    assert tiers["tertiary"]["count"] == 0
    # The owner is health care + education; the partner adds housing and survivor-led.
    assert "Survivor-led organization" in report.sectors_present
    assert "Child welfare" in report.sectors_missing
    assert [p["key"] for p in report.populations_uncovered] == ["youth-foster-care"]


def test_logic_model_completeness(small_plan: Any) -> None:
    report = gap_analysis(small_plan)
    assert report.activities_without_outcomes == ["Know-your-rights training for workers"] or (
        len(report.activities_without_outcomes) == 1
    )
    assert report.outcomes_without_indicators == ["Unmeasured"]
    assert report.indicators_without_baseline == ["Students who can name grooming tactics"]
    assert report.indicators_without_target == []
    low = {p["key"] for p in report.principles_low}
    assert "equity-and-inclusivity" not in low
    assert "person-centered-approaches" in low


def test_summary_suggests_framework_activities_that_close_each_gap(small_plan: Any) -> None:
    report = gap_analysis(small_plan)
    population_gap = next(g for g in report.summary if g.kind == "population")
    assert "youth in foster care" in population_gap.title
    assert population_gap.suggestions
    used = {"school-prevention-education", "know-your-rights-training"}
    assert all(s.key not in used for g in report.summary for s in g.suggestions)
    kinds = [g.kind for g in report.summary]
    assert kinds.index("population") < kinds.index("sectors")
    assert len(report.summary) <= 8


def test_gap_analysis_takes_the_same_number_of_queries_whatever_the_plan_size(
    small_plan: Any, coordinator: Any
) -> None:
    with CaptureQueriesContext(connection) as small:
        gap_analysis(small_plan)
    for key in [
        "social-emotional-learning",
        "online-safety-skills",
        "financial-literacy",
        "safe-job-search-skills",
        "help-seeking-skills",
    ]:
        activity = add_from_framework(coordinator, small_plan, key)
        outcome = services.plan_outcome_add(
            actor=coordinator, plan=small_plan, name=key, horizon="short", activities=[activity]
        )
        services.indicator_add(actor=coordinator, plan=small_plan, outcome=outcome, name=key)
    with CaptureQueriesContext(connection) as large:
        gap_analysis(small_plan)
    assert len(large) == len(small)
    assert len(small) <= 15
