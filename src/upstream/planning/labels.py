"""Words a person reads for the codes a plan stores: "In progress" for ``in_progress``, "Short
term" for ``short``, "Franklin County, Ohio" for ``39049``, the framework's title for
``hhs-2024@2024.1``. Pages, history, comparisons and downloads all use these, so they say the
same thing everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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

PLAN_STATUSES: dict[str, Any] = {
    "draft": pgettext_lazy("plan status", "Draft"),
    "published": pgettext_lazy("plan status", "Published"),
}

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
FIELD_NAMES: dict[str, Any] = {
    "title": _("Title"),
    "period_start": _("Period start"),
    "period_end": _("Period end"),
    "state_fips": _("State"),
    "county_fips": _("County"),
    "name": _("Name"),
    "level": _("Level"),
    "tier": _("Tier"),
    "population": _("Population"),
    "status": _("Status"),
    "start": _("Start"),
    "end": _("End"),
    "budget": _("Budget"),
    "horizon": _("Horizon"),
    "activities": _("Activities"),
    "unit": _("Unit"),
    "baseline_value": _("Baseline"),
    "baseline_date": _("Baseline date"),
    "target_value": _("Target"),
    "target_date": _("Target date"),
    "direction": _("Direction"),
    "rating": _("Rating"),
    "evidence": _("Evidence"),
    "practices": _("Practices"),
}
KIND_NAMES: dict[str, Any] = {
    "plan": _("Plan"),
    "strategy": _("Strategy"),
    "activity": _("Activity"),
    "outcome": _("Outcome"),
    "indicator": _("Indicator"),
    "principle": _("Principle"),
}

CHANGE_NAMES: dict[str, Any] = {
    "added": _("Added"),
    "removed": _("Removed"),
    "changed": _("Changed"),
}


def label(vocabulary: str, value: Any) -> str:
    """The label of ``value`` in one of the plan's vocabularies; an unknown value as it is."""
    if value is None or value == "":
        return ""
    found = VOCABULARIES.get(vocabulary, {}).get(str(value))
    return str(value) if found is None else gettext(str(found))


def framework_name(version: FrameworkVersion) -> str:
    """ "National Human Trafficking Prevention Framework, version 2024.1"."""
    return gettext("%(title)s, version %(version)s") % {
        "title": version.title,
        "version": version.version,
    }


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
    """A date of the plan document in words, in the reader's language ("March 1, 2026")."""
    day = iso_date(value)
    return date_format(day, "DATE_FORMAT") if day else ""


def money(value: Any) -> str:
    """ "$15,000" or "$1,250.50" (grouped as the reader's language groups digits); empty when
    there is no budget."""
    if value in (None, ""):
        return ""
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return str(value)
    places = 0 if amount == int(amount) else 2
    return "$" + number_format(amount, places, use_l10n=True, force_grouping=True)


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
        return "; ".join(
            (names or {}).get(str(key), gettext("an activity since removed")) for key in value
        )
    if field == "practices" and isinstance(value, list):
        return ngettext("%(count)d checked", "%(count)d checked", len(value)) % {
            "count": len(value)
        }
    return str(value)


def diff_rows(
    changes: list[dict[str, Any]], names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The comparison of two versions in words, one row per added, removed or changed item."""
    rows = []
    for change in changes:
        fields = [
            {
                "name": str(FIELD_NAMES.get(field, field.replace("_", " ").capitalize())),
                "before": field_value(field, values[0], names),
                "after": field_value(field, values[1], names),
            }
            for field, values in (change.get("fields") or {}).items()
        ]
        name = change["name"]
        if change["kind"] == "plan":
            name = str(FIELD_NAMES.get(name.replace(" ", "_"), name.capitalize()))
        rows.append(
            {
                "name": name,
                "kind": str(KIND_NAMES.get(change["kind"], change["kind"])),
                "change": str(CHANGE_NAMES.get(change["change"], change["change"].capitalize())),
                "fields": fields,
            }
        )
    return rows
