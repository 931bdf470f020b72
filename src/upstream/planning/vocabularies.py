"""Documented vocabularies of the planning app.

Keys are stored in the database and in published plan documents: changing one is a data migration.
"""

from __future__ import annotations

PRIORITY_POPULATIONS: dict[str, str] = {
    "youth-foster-care": "Youth in foster care",
    "runaway-homeless-youth": "Runaway and homeless youth",
    "lgbtqia2s-youth": "LGBTQIA2S+ youth",
    "american-indian-alaska-native": "American Indian and Alaska Native communities",
    "migrant-seasonal-workers": "Migrant and seasonal workers",
    "people-with-disabilities": "People with disabilities",
    "substance-use-disorders": "People with substance use disorders",
    "survivors-other-violence": "Survivors of other violence",
    "other": "Other",
}

ACTIVITY_STATUSES: dict[str, str] = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}

PRINCIPLE_RATINGS: dict[str, str] = {
    "not_started": "Not started",
    "emerging": "Emerging",
    "established": "Established",
    "exemplary": "Exemplary",
}

# Ratings the gap analysis reports as low.
LOW_RATINGS = frozenset({"not_started", "emerging"})

DIRECTIONS: dict[str, str] = {
    "increase": "Increase",
    "decrease": "Decrease",
    "maintain": "Maintain",
}

FREQUENCIES: dict[str, str] = {
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "semiannually": "Twice a year",
    "annually": "Annually",
    "once": "Once, at the end of the period",
}


def practices_of(raw: object) -> list[tuple[str, str]]:
    """A framework principle's practices as (key, text) pairs (packs store dicts or strings)."""
    pairs: list[tuple[str, str]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            pairs.append((str(item.get("key", "")), str(item.get("text", ""))))
        else:
            pairs.append((str(item), str(item)))
    return pairs
