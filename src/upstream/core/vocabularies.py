"""Fixed, documented vocabularies shared by several apps.

Changing a key here is a data migration: keys are stored in the database and in framework packs.
Each vocabulary is written once: a ``Literal`` type for API schemas and type checks, and a
key → label mapping for model choices, forms and pages (``choices()``); a test keeps the two equal.
Labels are English and marked for translation: what is stored or serialised keeps the English
words; pages, forms and choices show them in the reader's language (``choices()``,
``label_of()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, gettext_noop

K = TypeVar("K", bound=str)


def choices(vocabulary: Mapping[K, str]) -> list[tuple[str, str | Promise]]:
    """Django ``choices`` from a vocabulary, in its order, labels in the reader's language."""
    return [(str(key), gettext_lazy(label)) for key, label in vocabulary.items()]


def label_of(vocabulary: Mapping[Any, str], key: str) -> str:
    """The label of ``key`` in the reader's language (the key itself when it is unknown)."""
    found = vocabulary.get(key)
    return key if found is None else gettext(found)


SECTORS: dict[str, str] = {
    "health-care": gettext_noop("Health care"),
    "behavioral-health": gettext_noop("Behavioral health"),
    "child-welfare": gettext_noop("Child welfare"),
    "education": gettext_noop("Education"),
    "runaway-homeless-youth": gettext_noop("Runaway and homeless youth services"),
    "housing": gettext_noop("Housing"),
    "workforce-labor": gettext_noop("Workforce and labor"),
    "business-industry": gettext_noop("Business and industry"),
    "law-enforcement": gettext_noop("Law enforcement"),
    "justice-legal": gettext_noop("Justice and legal services"),
    "immigration-refugee": gettext_noop("Immigration and refugee services"),
    "faith-based": gettext_noop("Faith-based"),
    "philanthropy": gettext_noop("Philanthropy"),
    "research": gettext_noop("Research"),
    "tribal-government": gettext_noop("Tribal government"),
    "state-local-government": gettext_noop("State or local government"),
    "survivor-led": gettext_noop("Survivor-led organization"),
    "other": gettext_noop("Other"),
}

Confidence = Literal["confirmed", "memory", "reconstructed", "unconfirmed"]
CONFIDENCE_NAMES: dict[Confidence, str] = {
    "confirmed": gettext_noop("Confirmed"),
    "memory": gettext_noop("From memory"),
    "reconstructed": gettext_noop("Reconstructed"),
    "unconfirmed": gettext_noop("Unconfirmed"),
}
CONFIDENCE: dict[Confidence, str] = {
    "confirmed": gettext_noop("Confirmed by a public source"),
    "memory": gettext_noop("From well-known public material; not re-checked against a source"),
    "reconstructed": gettext_noop(
        "Reconstructed from public sources; verify against the official framework"
    ),
    "unconfirmed": gettext_noop("Unconfirmed: evidence missing or conflicting"),
}

Horizon = Literal["short", "intermediate", "long"]
HORIZONS: dict[Horizon, str] = {
    "short": gettext_noop("Short term"),
    "intermediate": gettext_noop("Intermediate"),
    "long": gettext_noop("Long term"),
}

FrameworkStatus = Literal["official", "reconstructed", "draft"]
FRAMEWORK_STATUSES: dict[FrameworkStatus, str] = {
    "official": gettext_noop("Official"),
    "reconstructed": gettext_noop("Reconstructed"),
    "draft": gettext_noop("Draft"),
}

FactorKind = Literal["risk", "protective"]
FACTOR_KINDS: dict[FactorKind, str] = {
    "risk": gettext_noop("Risk factor"),
    "protective": gettext_noop("Protective factor"),
}

GeographyKind = Literal["state", "county", "tract"]
GEOGRAPHY_KINDS: dict[GeographyKind, str] = {
    "state": gettext_noop("State"),
    "county": gettext_noop("County"),
    "tract": gettext_noop("Census tract"),
}

IndicatorDirection = Literal["higher", "lower"]
INDICATOR_DIRECTIONS: dict[IndicatorDirection, str] = {
    "higher": gettext_noop("Higher values are more vulnerable"),
    "lower": gettext_noop("Lower values are more vulnerable"),
}

Ranking = Literal["national", "state"]
RANKINGS: dict[Ranking, str] = {
    "national": gettext_noop("National"),
    "state": gettext_noop("Within each state"),
}
