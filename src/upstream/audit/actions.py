"""The audit actions of every installed app, collected from each app's ``audit_actions.py``.

Each app declares the actions it writes, with the label the audit log shows, in a module-level
``ACTIONS: dict[str, str]`` of its own ``audit_actions.py`` (labels in English, marked with
``gettext_noop``; the log shows them in the reader's language); nothing here names an app.
Actions are ``<area>.<what happened>`` and belong to exactly one app.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext

MODULE = "audit_actions"


def collect() -> dict[str, str]:
    """Every declared action and its label; an action declared by two apps is an error."""
    collected: dict[str, str] = {}
    owner: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, MODULE):
            continue
        declared = getattr(import_module(f"{config.name}.{MODULE}"), "ACTIONS", None)
        if not isinstance(declared, dict):
            raise ImproperlyConfigured(
                f"{config.name}.{MODULE} must define ACTIONS: dict[str, str]"
            )
        for action, label in declared.items():
            if action in owner:
                raise ImproperlyConfigured(
                    f"audit action {action!r} is declared by both {owner[action]} and {config.name}"
                )
            owner[action] = config.name
            collected[action] = label
    return collected


class _Registry(Mapping[str, str]):
    """``ACTIONS`` as a mapping, collected the first time it is read (after apps are ready)."""

    def __init__(self) -> None:
        self._actions: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._actions is None:
            self._actions = collect()
        return self._actions

    def __getitem__(self, action: str) -> str:
        return self._all()[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


ACTIONS: Mapping[str, str] = _Registry()


def action_label(action: str) -> str:
    """What the audit log calls an action (the action itself when no app declares it)."""
    label = ACTIONS.get(action)
    return action if label is None else gettext(label)


def action_choices() -> list[tuple[str, str]]:
    """Every action for a filter, in label order."""
    labels = [(action, gettext(label)) for action, label in ACTIONS.items()]
    return sorted(labels, key=lambda item: item[1].lower())
