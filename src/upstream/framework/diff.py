"""What changed between two versions of a framework pack."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COLLECTIONS = (
    "principles",
    "levels",
    "tiers",
    "strategies",
    "activities",
    "outcomes",
    "factors",
    "definitions",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    collection: str
    key: str
    change: str  # "added" | "removed" | "changed"
    fields: list[FieldChange] = field(default_factory=list)

    def describe(self) -> str:
        head = f"{self.change:8} {self.collection}/{self.key}"
        if self.change != "changed":
            return head
        return head + ": " + ", ".join(f.field for f in self.fields)


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    names = list(dict.fromkeys([*old.keys(), *new.keys()]))
    changes: list[FieldChange] = []
    for name in names:
        if old.get(name) == new.get(name):
            continue
        if name == "translations":
            changes.extend(_translation_changes(old.get(name) or {}, new.get(name) or {}))
        else:
            changes.append(FieldChange(name, old.get(name), new.get(name)))
    return changes


def _translation_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """One change per translated field, named ``translations.<language>.<field>``."""
    changes = []
    for language in dict.fromkeys([*old.keys(), *new.keys()]):
        before, after = old.get(language) or {}, new.get(language) or {}
        for name in dict.fromkeys([*before.keys(), *after.keys()]):
            if before.get(name) != after.get(name):
                label = f"translations.{language}.{name}"
                changes.append(FieldChange(label, before.get(name), after.get(name)))
    return changes


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[ItemChange]:
    """Changes from ``old`` to ``new``, framework metadata first, then each collection in order."""
    changes: list[ItemChange] = []
    meta_old = {k: v for k, v in old.get("framework", {}).items() if k != "version"}
    meta_new = {k: v for k, v in new.get("framework", {}).items() if k != "version"}
    meta = _field_changes(meta_old, meta_new)
    if meta:
        slug = str(new.get("framework", {}).get("slug", ""))
        changes.append(ItemChange("framework", slug, "changed", meta))
    sources_old = old.get("translation_sources") or {}
    sources_new = new.get("translation_sources") or {}
    for language in dict.fromkeys([*sources_old.keys(), *sources_new.keys()]):
        if language not in sources_new:
            changes.append(ItemChange("translation_sources", language, "removed"))
        elif language not in sources_old:
            changes.append(ItemChange("translation_sources", language, "added"))
        elif sources_old[language] != sources_new[language]:
            fields = _field_changes(sources_old[language], sources_new[language])
            changes.append(ItemChange("translation_sources", language, "changed", fields))
    for collection in COLLECTIONS:
        before = {item["key"]: item for item in old.get(collection, [])}
        after = {item["key"]: item for item in new.get(collection, [])}
        for key, item in after.items():
            if key not in before:
                changes.append(ItemChange(collection, key, "added"))
            elif item != before[key]:
                changes.append(
                    ItemChange(collection, key, "changed", _field_changes(before[key], item))
                )
        for key in before:
            if key not in after:
                changes.append(ItemChange(collection, key, "removed"))
    return changes
