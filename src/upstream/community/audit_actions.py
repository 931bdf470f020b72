"""Audit actions written by community."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTIONS: dict[str, str] = {
    "index.defined": gettext_noop("Custom vulnerability index defined and computed"),
    "community.upload_received": gettext_noop("CSV uploaded for import (SVI or indicators)"),
    "community.upload_imported": gettext_noop("Uploaded CSV imported"),
    "community.upload_refused": gettext_noop(
        "Uploaded CSV refused by the importer; nothing written"
    ),
}
