"""Audit actions written by planning."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTIONS: dict[str, str] = {
    "plan.created": gettext_noop("Plan created"),
    "plan.updated": gettext_noop("Plan details changed"),
    "plan.strategy_added": gettext_noop("Strategy added to a plan"),
    "plan.strategy_removed": gettext_noop("Strategy removed from a plan"),
    "plan.activity_added": gettext_noop("Plan activity added"),
    "plan.activity_updated": gettext_noop("Plan activity changed"),
    "plan.activity_status": gettext_noop("Plan activity status changed"),
    "plan.activity_removed": gettext_noop("Plan activity removed"),
    "plan.outcome_added": gettext_noop("Plan outcome added"),
    "plan.outcome_updated": gettext_noop("Plan outcome changed"),
    "plan.outcome_removed": gettext_noop("Plan outcome removed"),
    "plan.indicator_added": gettext_noop("Indicator added"),
    "plan.indicator_updated": gettext_noop("Indicator changed"),
    "plan.indicator_removed": gettext_noop("Indicator removed"),
    "plan.principle_rated": gettext_noop("Principle self-assessed"),
    "plan.published": gettext_noop("Plan version published"),
    "plan.draft_started": gettext_noop("New plan draft started"),
    "plan.exported": gettext_noop("Plan downloaded"),
}
