"""Every change to a plan. Keyword-only, atomic, ``actor=`` a membership; each writes its audit
event inside the same transaction and asks the policy module before doing anything.

Bad input raises ``ValidationError`` (with field messages) and changes nothing. A save made from a
stale ``revision`` raises ``StaleEdit``: someone else changed the item first.
"""

from __future__ import annotations

from upstream.planning.services._common import StaleEdit
from upstream.planning.services.activities import (
    activity_errors,
    plan_activity_add,
    plan_activity_remove,
    plan_activity_set_status,
    plan_activity_update,
)
from upstream.planning.services.indicators import (
    indicator_add,
    indicator_update,
    plan_indicator_remove,
)
from upstream.planning.services.outcomes import (
    plan_outcome_add,
    plan_outcome_remove,
    plan_outcome_update,
)
from upstream.planning.services.plans import (
    plan_create,
    plan_export_record,
    plan_new_draft,
    plan_publish,
    plan_update,
)
from upstream.planning.services.principles import principle_rate
from upstream.planning.services.strategies import (
    plan_strategies_set,
    plan_strategy_add,
    plan_strategy_remove,
)

__all__ = [
    "StaleEdit",
    "activity_errors",
    "indicator_add",
    "indicator_update",
    "plan_activity_add",
    "plan_activity_remove",
    "plan_activity_set_status",
    "plan_activity_update",
    "plan_create",
    "plan_export_record",
    "plan_indicator_remove",
    "plan_new_draft",
    "plan_outcome_add",
    "plan_outcome_remove",
    "plan_outcome_update",
    "plan_publish",
    "plan_strategies_set",
    "plan_strategy_add",
    "plan_strategy_remove",
    "plan_update",
    "principle_rate",
]
