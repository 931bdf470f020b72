"""Fixed, documented vocabularies shared by several apps.

Changing a key here is a data migration: keys are stored in the database and in framework packs.
"""

from __future__ import annotations

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

CONFIDENCE: dict[str, str] = {
    "confirmed": "Confirmed by a public source",
    "memory": "From well-known public material; not re-checked against a source",
    "reconstructed": "Reconstructed from public sources; verify against the official framework",
    "unconfirmed": "Unconfirmed: evidence missing or conflicting",
}

HORIZONS: dict[str, str] = {
    "short": "Short term",
    "intermediate": "Intermediate",
    "long": "Long term",
}
