"""Loading packs: all-or-nothing, idempotent per version, new versions stored beside old ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from upstream.framework.diff import diff_documents
from upstream.framework.models import Activity, Framework, FrameworkVersion, Strategy
from upstream.framework.services import framework_load_file

pytestmark = pytest.mark.django_db


def test_loading_stores_every_item_with_its_links(minimal_pack_path: Path) -> None:
    result = framework_load_file(path=minimal_pack_path)
    version = result.version
    assert result.created
    assert version.label == "test-framework@1.0"
    assert version.published_on is not None and version.published_on.isoformat() == "2024-02-13"
    assert list(version.principles.values_list("key", flat=True)) == ["equity"]
    assert version.principles.get().practices[0]["key"] == "fair-data"
    safe = version.strategies.get(key="safe-places")
    assert sorted(t.key for t in safe.tiers.all()) == ["primary", "tertiary"]
    assert [lv.key for lv in safe.levels.all()] == ["community"]
    lessons = version.activities.get(key="school-lessons")
    assert (lessons.strategy.key, lessons.level.key, lessons.tier.key) == (
        "teach-skills",
        "individual",
        "primary",
    )
    assert lessons.confidence == "reconstructed"
    isolation = version.factors.get(key="isolation")
    assert [s.key for s in isolation.strategies.all()] == ["teach-skills"]
    assert version.definitions.get(key="coercion").see_also == ["trafficking"]
    assert version.search_entries.count() == 14  # one per item


def test_loading_the_same_version_again_changes_nothing(minimal_pack_path: Path) -> None:
    first = framework_load_file(path=minimal_pack_path)
    counts = (FrameworkVersion.objects.count(), Activity.objects.count())
    again = framework_load_file(path=minimal_pack_path)
    assert not again.created
    assert again.version.pk == first.version.pk
    assert (FrameworkVersion.objects.count(), Activity.objects.count()) == counts
    assert "nothing changed" in again.message


def test_new_version_is_stored_beside_the_old_one(
    minimal_pack_path: Path, write_pack: Callable[..., Path]
) -> None:
    old = framework_load_file(path=minimal_pack_path).version

    def edit(data: dict) -> None:
        data["framework"]["version"] = "1.1"
        data["strategies"][0]["name"] = "Teach protective skills"

    new = framework_load_file(path=write_pack(edit)).version
    assert Framework.objects.count() == 1
    assert FrameworkVersion.objects.count() == 2
    assert Strategy.objects.get(version=old, key="teach-skills").name == "Teach skills"
    assert Strategy.objects.get(version=new, key="teach-skills").name == "Teach protective skills"
    # items of each version stay separate rows, so references never move
    assert (
        Activity.objects.get(version=old, key="school-lessons").pk
        != Activity.objects.get(version=new, key="school-lessons").pk
    )


def test_diff_lists_added_removed_and_changed_items(
    minimal_pack_path: Path, write_pack: Callable[..., Path]
) -> None:
    old = framework_load_file(path=minimal_pack_path).version

    def edit(data: dict) -> None:
        data["framework"]["version"] = "2.0"
        data["framework"]["status"] = "official"
        data["strategies"][0]["name"] = "Teach protective skills"
        data["outcomes"] = [
            {**data["outcomes"][0], "key": "more-help-seeking", "name": "More help-seeking"}
        ]
        data["definitions"].pop()
        data["definitions"][0]["see_also"] = []

    new = framework_load_file(path=write_pack(edit)).version
    changes = {
        (c.collection, c.key, c.change): c for c in diff_documents(old.document, new.document)
    }
    assert set(changes) == {
        ("framework", "test-framework", "changed"),
        ("strategies", "teach-skills", "changed"),
        ("outcomes", "more-help-seeking", "added"),
        ("outcomes", "more-knowledge", "removed"),
        ("definitions", "trafficking", "removed"),
        ("definitions", "coercion", "changed"),
    }
    strategy_change = changes[("strategies", "teach-skills", "changed")]
    assert [(f.field, f.old, f.new) for f in strategy_change.fields] == [
        ("name", "Teach skills", "Teach protective skills")
    ]
