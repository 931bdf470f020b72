"""The people app's fixed vocabularies (keys are stored: changing one is a data migration)."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_noop

IdentifyingField = Literal["display_name", "birth_date", "contact", "preferred_language"]
IDENTIFYING_FIELDS: dict[IdentifyingField, str] = {
    "display_name": gettext_noop("Name"),
    "birth_date": gettext_noop("Date of birth"),
    "contact": gettext_noop("Contact (phone or email)"),
    "preferred_language": gettext_noop("Preferred language"),
}

ConsentScope = Literal["screening", "referral", "share_with_organizations"]
CONSENT_SCOPES: dict[ConsentScope, str] = {
    "screening": gettext_noop("Screening only"),
    "referral": gettext_noop("Referral to services"),
    "share_with_organizations": gettext_noop("Sharing with named organizations"),
}

ConsentMethod = Literal["verbal", "written", "self"]
CONSENT_METHODS: dict[ConsentMethod, str] = {
    "verbal": gettext_noop("Verbal"),
    "written": gettext_noop("Written (signed form)"),
    "self": gettext_noop("Self (the person entered it)"),
}

ConsentGiver = Literal["person", "guardian", "representative"]
CONSENT_GIVERS: dict[ConsentGiver, str] = {
    "person": gettext_noop("The person themself"),
    "guardian": gettext_noop("A parent or legal guardian"),
    "representative": gettext_noop("A legal representative"),
}

# Preferred languages offered on the form (BCP 47 tags); the value is stored encrypted.
LANGUAGES: dict[str, str] = {
    "en": gettext_noop("English"),
    "es": gettext_noop("Spanish"),
    "zh": gettext_noop("Chinese"),
    "vi": gettext_noop("Vietnamese"),
    "ar": gettext_noop("Arabic"),
    "fr": gettext_noop("French"),
    "ht": gettext_noop("Haitian Creole"),
    "ko": gettext_noop("Korean"),
    "ru": gettext_noop("Russian"),
    "tl": gettext_noop("Tagalog"),
    "pt": gettext_noop("Portuguese"),
    "other": gettext_noop("Another language"),
}
