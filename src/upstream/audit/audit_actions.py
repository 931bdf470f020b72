"""Audit actions of the audit log itself, and of personal records (used by every app that holds
them)."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "audit.log_exported": "Audit log exported",
    "audit.chains_split": "Audit log split into one chain per organization",
    "personal.created": "Personal record created",
    "personal.viewed": "Personal record viewed",
    "personal.updated": "Personal record updated",
    "personal.deleted": "Personal record deleted",
    "personal.exported": "Personal records exported",
}
