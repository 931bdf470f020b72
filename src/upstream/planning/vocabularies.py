"""Documented vocabularies of the planning app.

Keys are stored in the database and in published plan documents: changing one is a data migration.
Labels are English and marked for translation: plan documents (what a published version freezes,
what the API answers) keep the English words, and pages, forms and choices show them in the
reader's language (``label_choices``, ``labels.label``, ``{% translate a.status_label %}``).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, gettext_noop

PRIORITY_POPULATIONS: dict[str, str] = {
    "youth-foster-care": gettext_noop("Youth in foster care"),
    "runaway-homeless-youth": gettext_noop("Runaway and homeless youth"),
    "lgbtqia2s-youth": gettext_noop("LGBTQIA2S+ youth"),
    "american-indian-alaska-native": gettext_noop("American Indian and Alaska Native communities"),
    "migrant-seasonal-workers": gettext_noop("Migrant and seasonal workers"),
    "people-with-disabilities": gettext_noop("People with disabilities"),
    "substance-use-disorders": gettext_noop("People with substance use disorders"),
    "survivors-other-violence": gettext_noop("Survivors of other violence"),
    "other": gettext_noop("Other"),
}

ACTIVITY_STATUSES: dict[str, str] = {
    "planned": gettext_noop("Planned"),
    "in_progress": gettext_noop("In progress"),
    "done": gettext_noop("Done"),
    "dropped": gettext_noop("Dropped"),
}

PRINCIPLE_RATINGS: dict[str, str] = {
    "not_started": gettext_noop("Not started"),
    "emerging": gettext_noop("Emerging"),
    "established": gettext_noop("Established"),
    "exemplary": gettext_noop("Exemplary"),
}

# Ratings the gap analysis reports as low.
LOW_RATINGS = frozenset({"not_started", "emerging"})

DIRECTIONS: dict[str, str] = {
    "increase": gettext_noop("Increase"),
    "decrease": gettext_noop("Decrease"),
    "maintain": gettext_noop("Maintain"),
}

FREQUENCIES: dict[str, str] = {
    "monthly": gettext_noop("Monthly"),
    "quarterly": gettext_noop("Quarterly"),
    "semiannually": gettext_noop("Twice a year"),
    "annually": gettext_noop("Annually"),
    "once": gettext_noop("Once, at the end of the period"),
}


def label_choices(vocabulary: Mapping[str, str]) -> list[tuple[str, str | Promise]]:
    """Django ``choices`` from a vocabulary, its labels in the language of the request."""
    return [(key, gettext_lazy(label)) for key, label in vocabulary.items()]


def practices_of(raw: object) -> list[tuple[str, str]]:
    """A framework principle's practices as (key, text) pairs (packs store dicts or strings)."""
    pairs: list[tuple[str, str]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            pairs.append((str(item.get("key", "")), str(item.get("text", ""))))
        else:
            pairs.append((str(item), str(item)))
    return pairs
