"""The full plan as one JSON-ready document, and the difference between two of them.

The document is what a published version freezes, what the API returns and what the exports
render. It is built in a constant number of queries whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from upstream.accounts.models import Organization
from upstream.core.vocabularies import SECTORS
from upstream.planning.models import (
    Indicator,
    Plan,
    PlanActivity,
    PlanOutcome,
    PlanStrategy,
    PrincipleRating,
)
from upstream.planning.vocabularies import (
    ACTIVITY_STATUSES,
    DIRECTIONS,
    FREQUENCIES,
    PRINCIPLE_RATINGS,
    PRIORITY_POPULATIONS,
)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _date(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _org(org: Organization) -> dict[str, Any]:
    return {"uuid": str(org.uuid), "name": org.name, "sectors": list(org.sectors)}


def plan_details(plan: Plan) -> dict[str, Any]:
    """The plan's own fields, without its logic model: the head of the plan document, and what
    the API answers for plan writes. ``plan`` has its organization, coalition and framework
    version loaded (or they are fetched)."""
    return {
        "uuid": str(plan.uuid),
        "series": str(plan.series),
        "title": plan.title,
        "organization": _org(plan.organization),
        "coalition": (
            {"uuid": str(plan.coalition.uuid), "name": plan.coalition.name}
            if plan.coalition
            else None
        ),
        "period_start": _date(plan.period_start),
        "period_end": _date(plan.period_end),
        "state_fips": plan.state_fips,
        "county_fips": plan.county_fips,
        "populations": [
            {"key": key, "label": PRIORITY_POPULATIONS.get(key, key)} for key in plan.populations
        ],
        "framework_version": plan.framework_version.label,
        "status": plan.status,
        "version": plan.version,
        "revision": plan.revision,
    }


def plan_document(plan: Plan) -> dict[str, Any]:
    """Everything in the plan, in logic-model order (strategy → activities; outcomes →
    indicators), with labels resolved. A published version returns its frozen snapshot."""
    if plan.is_published and plan.snapshot:
        return dict(plan.snapshot)
    # Plain rows (``values``) rather than model instances: a large plan has thousands of rows
    # and building an instance for each, with its related ones, was most of the time.
    strategies = list(
        PlanStrategy.objects.filter(plan=plan)
        .order_by("strategy__position")
        .values("id", "strategy__key", "strategy__name", "strategy__number")
    )
    activities = list(
        PlanActivity.objects.filter(plan=plan)
        .order_by("plan_strategy__strategy__position", "id")
        .values(
            "id",
            "plan_strategy_id",
            "uuid",
            "key",
            "revision",
            "name",
            "description",
            "framework_activity__key",
            "level__key",
            "level__name",
            "tier__key",
            "tier__name",
            "population",
            "lead_organization_id",
            "start",
            "end",
            "status",
            "budget",
        )
    )
    partner_ids: dict[int, list[int]] = defaultdict(list)
    for activity_id, organization_id in PlanActivity.partners.through.objects.filter(
        planactivity__plan=plan
    ).values_list("planactivity_id", "organization_id"):
        partner_ids[activity_id].append(organization_id)
    wanted = {a["lead_organization_id"] for a in activities}
    wanted.update(i for ids in partner_ids.values() for i in ids)
    organizations = {
        org.pk: org
        for org in Organization.objects.filter(pk__in=wanted).only("id", "uuid", "name", "sectors")
    }
    outcomes = list(
        PlanOutcome.objects.filter(plan=plan)
        .order_by("id")
        .values(
            "id",
            "uuid",
            "key",
            "revision",
            "name",
            "description",
            "plan_strategy_id",
            "framework_outcome__key",
            "horizon",
        )
    )
    linked: dict[int, list[str]] = defaultdict(list)
    for outcome_id, activity_key in PlanOutcome.activities.through.objects.filter(
        planoutcome__plan=plan
    ).values_list("planoutcome_id", "planactivity__key"):
        linked[outcome_id].append(str(activity_key))
    indicators = list(Indicator.objects.filter(outcome__plan=plan).order_by("id"))
    ratings = list(
        PrincipleRating.objects.filter(plan=plan)
        .select_related("principle")
        .order_by("principle__position")
    )
    by_strategy: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for activity in activities:
        by_strategy[activity["plan_strategy_id"]].append(activity)
    strategy_key = {ps["id"]: ps["strategy__key"] for ps in strategies}
    by_outcome: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_outcome[indicator.outcome_id].append(indicator)
    partners: dict[str, Organization] = {}

    def activity_doc(a: Mapping[str, Any]) -> dict[str, Any]:
        lead = organizations[a["lead_organization_id"]]
        partners[str(lead.uuid)] = lead
        theirs = [organizations[i] for i in partner_ids[a["id"]]]
        for p in theirs:
            partners[str(p.uuid)] = p
        return {
            "uuid": str(a["uuid"]),
            "key": str(a["key"]),
            "revision": a["revision"],
            "name": a["name"],
            "description": a["description"],
            "framework_activity": a["framework_activity__key"],
            "level": a["level__key"],
            "level_name": a["level__name"],
            "tier": a["tier__key"],
            "tier_name": a["tier__name"],
            "population": a["population"],
            "population_label": PRIORITY_POPULATIONS.get(a["population"], ""),
            "lead": _org(lead),
            "partners": sorted((_org(p) for p in theirs), key=lambda item: item["name"]),
            "start": _date(a["start"]),
            "end": _date(a["end"]),
            "status": a["status"],
            "status_label": ACTIVITY_STATUSES.get(a["status"], a["status"]),
            "budget": _num(a["budget"]),
        }

    return {
        **plan_details(plan),
        "strategies": [
            {
                "key": ps["strategy__key"],
                "name": ps["strategy__name"],
                "number": ps["strategy__number"],
                "activities": [activity_doc(a) for a in by_strategy[ps["id"]]],
            }
            for ps in strategies
        ],
        "outcomes": [
            {
                "uuid": str(o["uuid"]),
                "key": str(o["key"]),
                "revision": o["revision"],
                "name": o["name"],
                "description": o["description"],
                "strategy": strategy_key.get(o["plan_strategy_id"] or 0),
                "framework_outcome": o["framework_outcome__key"],
                "horizon": o["horizon"],
                "activities": sorted(linked[o["id"]]),
                "indicators": [
                    {
                        "uuid": str(i.uuid),
                        "key": str(i.key),
                        "revision": i.revision,
                        "name": i.name,
                        "definition": i.definition,
                        "unit": i.unit,
                        "data_source": i.data_source,
                        "baseline_value": _num(i.baseline_value),
                        "baseline_date": _date(i.baseline_date),
                        "target_value": _num(i.target_value),
                        "target_date": _date(i.target_date),
                        "direction": i.direction,
                        "direction_label": DIRECTIONS.get(i.direction, i.direction),
                        "frequency": i.frequency,
                        "frequency_label": FREQUENCIES.get(i.frequency, i.frequency),
                    }
                    for i in by_outcome[o["id"]]
                ],
            }
            for o in outcomes
        ],
        "principles": [
            {
                "key": r.principle.key,
                "name": r.principle.name,
                "rating": r.rating,
                "rating_label": PRINCIPLE_RATINGS.get(r.rating, r.rating),
                "evidence": r.evidence,
                "practices": list(r.practices),
                "revision": r.revision,
            }
            for r in ratings
        ],
        "partners": [
            {**_org(org), "sector_labels": [SECTORS.get(s, s) for s in org.sectors]}
            for org in sorted(partners.values(), key=lambda o: o.name)
        ],
    }


# Differences between two documents ----------------------------------------------------------

_ACTIVITY_FIELDS = ("name", "level", "tier", "population", "status", "start", "end", "budget")
_INDICATOR_FIELDS = (
    "name",
    "unit",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "direction",
)


def _items(doc: dict[str, Any]) -> dict[str, dict[str, tuple[str, dict[str, Any]]]]:
    found: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {
        "activity": {},
        "outcome": {},
        "indicator": {},
        "principle": {},
    }
    for strategy in doc["strategies"]:
        for a in strategy["activities"]:
            found["activity"][a["key"]] = (a["name"], a)
    for o in doc["outcomes"]:
        found["outcome"][o["key"]] = (o["name"], o)
        for i in o["indicators"]:
            found["indicator"][i["key"]] = (i["name"], i)
    for p in doc["principles"]:
        found["principle"][p["key"]] = (p["name"], p)
    return found


def plan_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed from ``old`` to ``new``: one entry per added, removed or changed item."""
    fields = {
        "activity": _ACTIVITY_FIELDS,
        "outcome": ("name", "horizon", "activities"),
        "indicator": _INDICATOR_FIELDS,
        "principle": ("rating", "evidence", "practices"),
    }
    changes: list[dict[str, Any]] = []
    for name in ("title", "period_start", "period_end", "state_fips", "county_fips"):
        if old.get(name) != new.get(name):
            changes.append(
                {
                    "kind": "plan",
                    "change": "changed",
                    "name": name.replace("_", " "),
                    "fields": {name: [old.get(name), new.get(name)]},
                }
            )
    old_strategies = {s["key"]: s["name"] for s in old["strategies"]}
    new_strategies = {s["key"]: s["name"] for s in new["strategies"]}
    for key in new_strategies.keys() - old_strategies.keys():
        changes.append({"kind": "strategy", "change": "added", "name": new_strategies[key]})
    for key in old_strategies.keys() - new_strategies.keys():
        changes.append({"kind": "strategy", "change": "removed", "name": old_strategies[key]})
    before, after = _items(old), _items(new)
    for kind, kind_fields in fields.items():
        for key, (label, item) in after[kind].items():
            if key not in before[kind]:
                changes.append({"kind": kind, "change": "added", "name": label})
                continue
            previous = before[kind][key][1]
            diff = {
                f: [previous.get(f), item.get(f)]
                for f in kind_fields
                if previous.get(f) != item.get(f)
            }
            if diff:
                changes.append({"kind": kind, "change": "changed", "name": label, "fields": diff})
        for key, (label, _item) in before[kind].items():
            if key not in after[kind]:
                changes.append({"kind": kind, "change": "removed", "name": label})
    return changes
