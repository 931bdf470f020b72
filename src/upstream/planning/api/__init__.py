"""Plans API, under /api/v1/plans/{org}/...: everything the plan pages do. Create, read and edit
plans; add, edit and remove activities; add and edit outcomes and indicators; rate principles;
update an activity's status; publish, start a draft, compare versions; the gap analysis and the
JSON export.

Authentication and roles are those of the accounts API (a session or an API key; read-only keys
read). Another organization's uuid, or a plan the organization may not see, answers 404. A save
from a stale ``revision`` answers 409 with code ``conflict``; bad input answers 422 with the
fields that are wrong.

The routes live in one module per sub-resource, all registered on the same ``router``: plans
first, then activities, indicators, outcomes and principles.
"""

from __future__ import annotations

from upstream.planning.api.router import router

# isort: split
from upstream.planning.api import plans

# isort: split
from upstream.planning.api import activities, indicators, outcomes, principles
from upstream.planning.api.schemas import (
    ActivityIn,
    ActivityPatch,
    GapOut,
    GapReportOut,
    HeatRowOut,
    IndicatorIn,
    IndicatorPatch,
    OrgOut,
    OutcomeIn,
    OutcomePatch,
    PlanActivityOut,
    PlanChangeOut,
    PlanDetailsOut,
    PlanIn,
    PlanIndicatorOut,
    PlanOut,
    PlanOutcomeOut,
    PlanPatch,
    PlanPrincipleOut,
    PlanStrategyOut,
    PlanSummaryOut,
    PopulationOut,
    PrincipleIn,
    PublishIn,
    StatusIn,
    SuggestionOut,
)

__all__ = [
    "ActivityIn",
    "ActivityPatch",
    "GapOut",
    "GapReportOut",
    "HeatRowOut",
    "IndicatorIn",
    "IndicatorPatch",
    "OrgOut",
    "OutcomeIn",
    "OutcomePatch",
    "PlanActivityOut",
    "PlanChangeOut",
    "PlanDetailsOut",
    "PlanIn",
    "PlanIndicatorOut",
    "PlanOut",
    "PlanOutcomeOut",
    "PlanPatch",
    "PlanPrincipleOut",
    "PlanStrategyOut",
    "PlanSummaryOut",
    "PopulationOut",
    "PrincipleIn",
    "PublishIn",
    "StatusIn",
    "SuggestionOut",
    "activities",
    "indicators",
    "outcomes",
    "plans",
    "principles",
    "router",
]
