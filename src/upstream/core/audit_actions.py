"""Audit actions written by core: instance operators granted and revoked."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "operator.granted": "Instance operator rights granted",
    "operator.revoked": "Instance operator rights revoked",
}
