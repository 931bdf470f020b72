"""Words a person reads for the codes a plan stores: "In progress" for ``in_progress``, "Short
term" for ``short``, "Franklin County, Ohio" for ``39049``, the framework's title for
``hhs-2024@2024.1``. Pages, history, comparisons and downloads all use these, so they say the
same thing everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from upstream.core.places import county_name, place_name, state_name
from upstream.core.vocabularies import HORIZONS, SECTORS
from upstream.framework.models import FrameworkVersion
from upstream.planning.vocabularies import (
    ACTIVITY_STATUSES,
    DIRECTIONS,
    FREQUENCIES,
    PRINCIPLE_RATINGS,
    PRIORITY_POPULATIONS,
)

PLAN_STATUSES: dict[str, str] = {"draft": "Draft", "published": "Published"}

VOCABULARIES: dict[str, Mapping[Any, str]] = {
    "status": ACTIVITY_STATUSES,
    "horizon": HORIZONS,
    "direction": DIRECTIONS,
    "frequency": FREQUENCIES,
    "rating": PRINCIPLE_RATINGS,
    "population": PRIORITY_POPULATIONS,
    "sector": SECTORS,
    "plan_status": PLAN_STATUSES,
}

# Field names of the plan document, as a comparison or a history row names them.
FIELD_NAMES: dict[str, str] = {
    "title": "Title",
    "period_start": "Period start",
    "period_end": "Period end",
    "state_fips": "State",
    "county_fips": "County",
    "name": "Name",
    "level": "Level",
    "tier": "Tier",
    "population": "Population",
    "status": "Status",
    "start": "Start",
    "end": "End",
    "budget": "Budget",
    "horizon": "Horizon",
    "activities": "Activities",
    "unit": "Unit",
    "baseline_value": "Baseline",
    "baseline_date": "Baseline date",
    "target_value": "Target",
    "target_date": "Target date",
    "direction": "Direction",
    "rating": "Rating",
    "evidence": "Evidence",
    "practices": "Practices",
}
KIND_NAMES: dict[str, str] = {
    "plan": "Plan",
    "strategy": "Strategy",
    "activity": "Activity",
    "outcome": "Outcome",
    "indicator": "Indicator",
    "principle": "Principle",
}


def label(vocabulary: str, value: Any) -> str:
    """The label of ``value`` in one of the plan's vocabularies; an unknown value as it is."""
    if value is None or value == "":
        return ""
    return VOCABULARIES.get(vocabulary, {}).get(str(value), str(value))


def framework_name(version: FrameworkVersion) -> str:
    """ "National Human Trafficking Prevention Framework, version 2024.1"."""
    return f"{version.title}, version {version.version}"


def plan_place(state_fips: str, county_fips: str = "") -> str:
    return place_name(state_fips or "", county_fips or "")


def iso_date(value: Any) -> dt.date | None:
    """A date of the plan document (ISO text) as a date, for formatting."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def readable_date(value: Any) -> str:
    day = iso_date(value)
    return f"{day.day} {day:%B %Y}" if day else ""


def money(value: Any) -> str:
    """ "$15,000" or "$1,250.50"; empty when there is no budget."""
    if value in (None, ""):
        return ""
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"${amount:,.0f}" if amount == int(amount) else f"${amount:,.2f}"


def field_value(field: str, value: Any, names: Mapping[str, str] | None = None) -> str:
    """One side of a changed field, in words: statuses, places, dates, levels, tiers and linked
    activities (``names`` maps activity, level and tier keys to their names)."""
    if value is None or value == "" or value == []:
        return "—"
    if field in VOCABULARIES:
        return label(field, value)
    if field == "state_fips":
        return state_name(str(value))
    if field == "county_fips":
        return county_name(str(value))
    if field in ("period_start", "period_end", "start", "end", "baseline_date", "target_date"):
        return readable_date(value) or str(value)
    if field == "budget":
        return money(value)
    if field in ("level", "tier"):
        return (names or {}).get(str(value), str(value))
    if field == "activities" and isinstance(value, list):
        return "; ".join((names or {}).get(str(key), "an activity since removed") for key in value)
    if field == "practices" and isinstance(value, list):
        return f"{len(value)} checked"
    return str(value)


def diff_rows(
    changes: list[dict[str, Any]], names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The comparison of two versions in words, one row per added, removed or changed item."""
    rows = []
    for change in changes:
        fields = [
            {
                "name": FIELD_NAMES.get(field, field.replace("_", " ").capitalize()),
                "before": field_value(field, values[0], names),
                "after": field_value(field, values[1], names),
            }
            for field, values in (change.get("fields") or {}).items()
        ]
        name = change["name"]
        if change["kind"] == "plan":
            name = FIELD_NAMES.get(name.replace(" ", "_"), name.capitalize())
        rows.append(
            {
                "name": name,
                "kind": KIND_NAMES.get(change["kind"], change["kind"]),
                "change": change["change"].capitalize(),
                "fields": fields,
            }
        )
    return rows
