"""Audit actions written by community."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "index.defined": "Custom vulnerability index defined and computed",
    "community.upload_received": "CSV uploaded for import (SVI or indicators)",
    "community.upload_imported": "Uploaded CSV imported",
    "community.upload_refused": "Uploaded CSV refused by the importer; nothing written",
}
