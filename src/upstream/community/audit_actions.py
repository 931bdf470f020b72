"""Audit actions written by community."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTIONS: dict[str, str] = {
    "index.defined": gettext_noop("Custom vulnerability index defined and computed"),
}
