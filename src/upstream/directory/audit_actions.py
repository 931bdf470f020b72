"""Audit actions written by the directory."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTIONS: dict[str, str] = {
    "directory.import_received": gettext_noop("HSDS file received for import"),
    "directory.import_finished": gettext_noop("HSDS file imported into the directory"),
    "directory.import_refused": gettext_noop("HSDS file refused by the importer; nothing written"),
    "directory.exported": gettext_noop("Directory exported as HSDS 3.0"),
    "directory.location_visibility_set": gettext_noop("Location visibility changed"),
}
