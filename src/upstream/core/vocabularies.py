"""Fixed, documented vocabularies shared by several apps.

Changing a key here is a data migration: keys are stored in the database and in framework packs.
Each vocabulary is written once: a ``Literal`` type for API schemas and type checks, and a
key → label mapping for model choices, forms and pages (``choices()``); a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeVar

K = TypeVar("K", bound=str)


def choices(vocabulary: Mapping[K, str]) -> list[tuple[str, str]]:
    """Django ``choices`` from a vocabulary, in its order."""
    return [(str(key), label) for key, label in vocabulary.items()]


SECTORS: dict[str, str] = {
    "health-care": "Health care",
    "behavioral-health": "Behavioral health",
    "child-welfare": "Child welfare",
    "education": "Education",
    "runaway-homeless-youth": "Runaway and homeless youth services",
    "housing": "Housing",
    "workforce-labor": "Workforce and labor",
    "business-industry": "Business and industry",
    "law-enforcement": "Law enforcement",
    "justice-legal": "Justice and legal services",
    "immigration-refugee": "Immigration and refugee services",
    "faith-based": "Faith-based",
    "philanthropy": "Philanthropy",
    "research": "Research",
    "tribal-government": "Tribal government",
    "state-local-government": "State or local government",
    "survivor-led": "Survivor-led organization",
    "other": "Other",
}

Confidence = Literal["confirmed", "memory", "reconstructed", "unconfirmed"]
CONFIDENCE_NAMES: dict[Confidence, str] = {
    "confirmed": "Confirmed",
    "memory": "From memory",
    "reconstructed": "Reconstructed",
    "unconfirmed": "Unconfirmed",
}
CONFIDENCE: dict[Confidence, str] = {
    "confirmed": "Confirmed by a public source",
    "memory": "From well-known public material; not re-checked against a source",
    "reconstructed": "Reconstructed from public sources; verify against the official framework",
    "unconfirmed": "Unconfirmed: evidence missing or conflicting",
}

Horizon = Literal["short", "intermediate", "long"]
HORIZONS: dict[Horizon, str] = {
    "short": "Short term",
    "intermediate": "Intermediate",
    "long": "Long term",
}

FrameworkStatus = Literal["official", "reconstructed", "draft"]
FRAMEWORK_STATUSES: dict[FrameworkStatus, str] = {
    "official": "Official",
    "reconstructed": "Reconstructed",
    "draft": "Draft",
}

FactorKind = Literal["risk", "protective"]
FACTOR_KINDS: dict[FactorKind, str] = {"risk": "Risk factor", "protective": "Protective factor"}

GeographyKind = Literal["state", "county", "tract"]
GEOGRAPHY_KINDS: dict[GeographyKind, str] = {
    "state": "State",
    "county": "County",
    "tract": "Census tract",
}

IndicatorDirection = Literal["higher", "lower"]
INDICATOR_DIRECTIONS: dict[IndicatorDirection, str] = {
    "higher": "Higher values are more vulnerable",
    "lower": "Lower values are more vulnerable",
}

Ranking = Literal["national", "state"]
RANKINGS: dict[Ranking, str] = {"national": "National", "state": "Within each state"}
