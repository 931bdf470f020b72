"""Audit actions written by community."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "index.defined": "Custom vulnerability index defined and computed",
}
