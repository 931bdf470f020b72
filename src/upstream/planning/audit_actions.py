"""Audit actions written by planning."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "plan.created": "Plan created",
    "plan.updated": "Plan details changed",
    "plan.strategy_added": "Strategy added to a plan",
    "plan.strategy_removed": "Strategy removed from a plan",
    "plan.activity_added": "Plan activity added",
    "plan.activity_updated": "Plan activity changed",
    "plan.activity_status": "Plan activity status changed",
    "plan.activity_removed": "Plan activity removed",
    "plan.outcome_added": "Plan outcome added",
    "plan.outcome_updated": "Plan outcome changed",
    "plan.outcome_removed": "Plan outcome removed",
    "plan.indicator_added": "Indicator added",
    "plan.indicator_updated": "Indicator changed",
    "plan.indicator_removed": "Indicator removed",
    "plan.principle_rated": "Principle self-assessed",
    "plan.published": "Plan version published",
    "plan.draft_started": "New plan draft started",
    "plan.exported": "Plan downloaded",
}
