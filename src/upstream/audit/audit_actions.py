"""Audit actions of the audit log itself, and of personal records (used by every app that holds
them)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTIONS: dict[str, str] = {
    "audit.log_exported": gettext_noop("Audit log exported"),
    "audit.chains_split": gettext_noop("Audit log split into one chain per organization"),
    "personal.created": gettext_noop("Personal record created"),
    "personal.viewed": gettext_noop("Personal record viewed"),
    "personal.updated": gettext_noop("Personal record updated"),
    "personal.deleted": gettext_noop("Personal record deleted"),
    "personal.exported": gettext_noop("Personal records exported"),
}
