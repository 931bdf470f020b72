"""Audit actions written by core: instance operators granted and revoked."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTIONS: dict[str, str] = {
    "operator.granted": gettext_noop("Instance operator rights granted"),
    "operator.revoked": gettext_noop("Instance operator rights revoked"),
}
