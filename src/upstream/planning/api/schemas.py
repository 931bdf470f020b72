"""Request and response schemas of the plans API."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from upstream.core.api import PatchSchema, Revision
from upstream.core.validators import CountyFips, Line, MultilineText, Name, StateFips


class OrgOut(Schema):
    uuid: str
    name: str
    sectors: list[str]


class PlanSummaryOut(Schema):
    uuid: uuid.UUID
    title: str
    version: int
    status: str
    organization: str
    coalition: str | None
    period_start: dt.date
    period_end: dt.date
    framework_version: str


class PlanActivityOut(Schema):
    uuid: str
    key: str
    revision: int
    name: str
    description: str
    framework_activity: str | None
    level: str
    tier: str
    population: str
    lead: OrgOut
    partners: list[OrgOut]
    start: str | None
    end: str | None
    status: str
    budget: str | None


class PlanStrategyOut(Schema):
    key: str
    name: str
    number: int | None
    activities: list[PlanActivityOut]


class PlanIndicatorOut(Schema):
    uuid: str
    revision: int
    name: str
    definition: str
    unit: str
    data_source: str
    baseline_value: str | None
    baseline_date: str | None
    target_value: str | None
    target_date: str | None
    direction: str
    frequency: str


class PlanOutcomeOut(Schema):
    uuid: str
    revision: int
    name: str
    description: str
    strategy: str | None
    framework_outcome: str | None
    horizon: str
    activities: list[str]
    indicators: list[PlanIndicatorOut]


class PlanPrincipleOut(Schema):
    key: str
    name: str
    rating: str
    evidence: str
    practices: list[str]
    revision: int


class PopulationOut(Schema):
    key: str
    label: str


class PlanDetailsOut(Schema):
    """A plan's own fields, without its logic model (what plan writes answer)."""

    uuid: str
    series: str
    title: str
    organization: OrgOut
    coalition: dict[str, str] | None
    period_start: str
    period_end: str
    state_fips: str
    county_fips: str
    populations: list[PopulationOut]
    framework_version: str
    status: str
    version: int
    revision: int


class PlanOut(PlanDetailsOut):
    """The whole plan: its fields and its logic model."""

    strategies: list[PlanStrategyOut]
    outcomes: list[PlanOutcomeOut]
    principles: list[PlanPrincipleOut]
    partners: list[OrgOut]


class PlanIn(Schema):
    title: Name = Field(..., max_length=200)
    framework: str = "hhs-2024"
    framework_version: str
    period_start: dt.date
    period_end: dt.date
    state_fips: StateFips = Field(..., max_length=2)
    county_fips: CountyFips = Field("", max_length=5)
    populations: list[str] = []
    coalition: uuid.UUID | None = None
    strategies: list[str] = []


class ActivityIn(Schema):
    strategy: str
    framework_activity: str | None = None
    name: Name | None = Field(None, max_length=200)
    description: MultilineText = Field("", max_length=20000)
    level: str | None = None
    tier: str | None = None
    population: Line = Field("", max_length=40)
    lead_organization: uuid.UUID | None = None
    partners: list[uuid.UUID] = []
    start: dt.date | None = None
    end: dt.date | None = None
    status: str = "planned"
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class StatusIn(Schema):
    status: str
    revision: Revision


class OutcomeIn(Schema):
    name: Name | None = Field(None, max_length=200)
    horizon: str | None = None
    framework_outcome: str | None = None
    description: MultilineText = Field("", max_length=20000)
    activities: list[uuid.UUID] = []


class IndicatorIn(Schema):
    name: Name = Field(..., max_length=200)
    definition: MultilineText = Field("", max_length=20000)
    unit: Line = Field("", max_length=60)
    data_source: Line = Field("", max_length=200)
    baseline_value: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    baseline_date: dt.date | None = None
    target_value: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    target_date: dt.date | None = None
    direction: str = "increase"
    frequency: str = "annually"


class PrincipleIn(Schema):
    rating: str
    evidence: MultilineText = Field("", max_length=20000)
    practices: list[str] = []
    revision: Revision | None = None


class PublishIn(Schema):
    revision: Revision


class PlanChangeOut(Schema):
    kind: str
    change: str
    name: str
    fields: dict[str, list[Any]] = {}


class HeatRowOut(Schema):
    key: str
    name: str
    chosen: bool
    counts: list[int]
    total: int


class SuggestionOut(Schema):
    key: str
    name: str
    strategy: str
    level: str
    tier: str


class GapOut(Schema):
    kind: str
    title: str
    detail: str
    suggestions: list[SuggestionOut]


class GapReportOut(Schema):
    levels: list[str]
    heatmap: list[HeatRowOut]
    tiers: list[dict[str, Any]]
    sectors_present: list[str]
    sectors_missing: list[str]
    populations_uncovered: list[str]
    activities_without_outcomes: list[str]
    outcomes_without_indicators: list[str]
    indicators_without_baseline: list[str]
    indicators_without_target: list[str]
    principles_low: list[str]
    summary: list[GapOut]


class PlanPatch(PatchSchema):
    revision: Revision
    title: Name | None = Field(None, max_length=200)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    state_fips: StateFips | None = Field(None, max_length=2)
    county_fips: CountyFips | None = Field(None, max_length=5)
    populations: list[str] | None = None


class ActivityPatch(PatchSchema):
    nullable = frozenset({"partners", "start", "end", "budget"})

    revision: Revision
    name: Name | None = Field(None, max_length=200)
    description: MultilineText | None = Field(None, max_length=20000)
    level: str | None = None
    tier: str | None = None
    population: Line | None = Field(None, max_length=40)
    lead_organization: uuid.UUID | None = None
    partners: list[uuid.UUID] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    status: str | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class OutcomePatch(PatchSchema):
    nullable = frozenset({"activities"})

    revision: Revision
    name: Name | None = Field(None, max_length=200)
    description: MultilineText | None = Field(None, max_length=20000)
    horizon: str | None = None
    activities: list[uuid.UUID] | None = None


class IndicatorPatch(PatchSchema):
    nullable = frozenset({"baseline_value", "baseline_date", "target_value", "target_date"})

    revision: Revision
    name: Name | None = Field(None, max_length=200)
    definition: MultilineText | None = Field(None, max_length=20000)
    unit: Line | None = Field(None, max_length=60)
    data_source: Line | None = Field(None, max_length=200)
    baseline_value: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    baseline_date: dt.date | None = None
    target_value: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    target_date: dt.date | None = None
    direction: str | None = None
    frequency: str | None = None
