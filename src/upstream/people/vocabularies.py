"""The people app's fixed vocabularies (keys are stored: changing one is a data migration)."""

from __future__ import annotations

from typing import Literal

IdentifyingField = Literal["display_name", "birth_date", "contact", "preferred_language"]
IDENTIFYING_FIELDS: dict[IdentifyingField, str] = {
    "display_name": "Name",
    "birth_date": "Date of birth",
    "contact": "Contact (phone or email)",
    "preferred_language": "Preferred language",
}

ConsentScope = Literal["screening", "referral", "share_with_organizations"]
CONSENT_SCOPES: dict[ConsentScope, str] = {
    "screening": "Screening only",
    "referral": "Referral to services",
    "share_with_organizations": "Sharing with named organizations",
}

ConsentMethod = Literal["verbal", "written", "self"]
CONSENT_METHODS: dict[ConsentMethod, str] = {
    "verbal": "Verbal",
    "written": "Written (signed form)",
    "self": "Self (the person entered it)",
}

ConsentGiver = Literal["person", "guardian", "representative"]
CONSENT_GIVERS: dict[ConsentGiver, str] = {
    "person": "The person themself",
    "guardian": "A parent or legal guardian",
    "representative": "A legal representative",
}

# Preferred languages offered on the form (BCP 47 tags); the value is stored encrypted.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "vi": "Vietnamese",
    "ar": "Arabic",
    "fr": "French",
    "ht": "Haitian Creole",
    "ko": "Korean",
    "ru": "Russian",
    "tl": "Tagalog",
    "pt": "Portuguese",
    "other": "Another language",
}
