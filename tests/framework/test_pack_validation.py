"""Bad packs are refused with every problem located by file, line and path; nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from upstream.framework.models import Activity, FrameworkVersion
from upstream.framework.pack import PackError, load_valid, parse_file, validate
from upstream.framework.services import framework_load_file


def _problems(path: Path) -> list[str]:
    with pytest.raises(PackError) as caught:
        load_valid(path)
    return [str(p) for p in caught.value.problems]


def test_minimal_pack_is_valid(minimal_pack_path: Path) -> None:
    assert validate(parse_file(minimal_pack_path)) == []


def test_invalid_yaml_is_refused_with_its_line(write_pack: Callable[..., Path]) -> None:
    path = write_pack(text="format: upstream-framework-pack/1\nframework: [unclosed\nlevels: []\n")
    problems = _problems(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:")
    assert "invalid YAML" in problems[0]


def test_duplicate_mapping_keys_are_refused_with_both_lines(
    write_pack: Callable[..., Path],
) -> None:
    text = "format: upstream-framework-pack/1\nframework:\n  slug: a\n  slug: b\n"
    problems = _problems(write_pack(text=text))
    assert problems == [
        f"{write_pack(text=text)}:4: framework.slug: duplicate key 'slug' (first at line 3)"
    ]


def test_schema_violations_are_all_listed_with_paths_and_lines(
    write_pack: Callable[..., Path],
) -> None:
    def edit(data: dict) -> None:
        del data["framework"]["publisher"]
        data["strategies"][0]["number"] = "one"
        data["activities"][1]["colour"] = "blue"
        data["outcomes"][0]["horizon"] = "someday"

    path = write_pack(edit)
    problems = _problems(path)
    text = "\n".join(problems)
    assert "framework: 'publisher' is a required property" in text
    assert "strategies[0].number: 'one' is not of type 'integer'" in text
    assert "activities[1].colour: unknown field 'colour'" in text
    assert "outcomes[0].horizon: 'someday' is not one of" in text
    assert all(p.startswith(f"{path}:") for p in problems)
    # every problem has a line number
    assert all(p.split(":")[1].isdigit() for p in problems)


def test_activity_naming_a_missing_strategy_is_a_dangling_reference(
    write_pack: Callable[..., Path],
) -> None:
    path = write_pack(lambda d: d["activities"][0].update(strategy="no-such-strategy"))
    problems = _problems(path)
    assert len(problems) == 1
    assert "activities[0].strategy: unknown strategy 'no-such-strategy'" in problems[0]
    line = int(problems[0].split(":")[1])
    assert "no-such-strategy" in path.read_text().splitlines()[line - 1]


def test_unknown_level_and_tier_are_refused(write_pack: Callable[..., Path]) -> None:
    def edit(data: dict) -> None:
        data["activities"][0]["level"] = "planetary"
        data["strategies"][1]["tiers"] = ["primary", "quaternary"]
        data["factors"][0]["level"] = "galactic"

    problems = "\n".join(_problems(write_pack(edit)))
    assert "activities[0].level: unknown level 'planetary'" in problems
    assert "strategies[1].tiers[1]: unknown tier 'quaternary'" in problems
    assert "factors[0].level: unknown level 'galactic'" in problems


def test_duplicate_item_keys_and_unknown_sectors_are_refused(
    write_pack: Callable[..., Path],
) -> None:
    def edit(data: dict) -> None:
        data["activities"][1]["key"] = data["activities"][0]["key"]
        data["strategies"][0]["sectors"] = ["education", "astrology"]
        data["definitions"][1]["see_also"] = ["nothing"]

    problems = "\n".join(_problems(write_pack(edit)))
    assert "activities[1].key: duplicate activities key 'school-lessons'" in problems
    assert "strategies[0].sectors[1]: unknown sector 'astrology'" in problems
    assert "definitions[1].see_also[0]: unknown definition 'nothing'" in problems


def test_refused_pack_writes_nothing(db: None, write_pack: Callable[..., Path]) -> None:
    path = write_pack(lambda d: d["activities"][0].update(tier="nope"))
    with pytest.raises(PackError):
        framework_load_file(path=path)
    assert FrameworkVersion.objects.count() == 0
    assert Activity.objects.count() == 0


def test_same_version_with_different_content_is_refused_and_changes_nothing(
    db: None, minimal_pack_path: Path, write_pack: Callable[..., Path]
) -> None:
    framework_load_file(path=minimal_pack_path)
    changed = write_pack(lambda d: d["strategies"][0].update(name="Teach more skills"))
    with pytest.raises(PackError) as caught:
        framework_load_file(path=changed)
    assert "already loaded with different content" in str(caught.value)
    assert "framework.version" in str(caught.value)
    assert FrameworkVersion.objects.count() == 1
    assert FrameworkVersion.objects.get().strategies.get(key="teach-skills").name == "Teach skills"


def test_unreadable_and_empty_files_are_refused(write_pack: Callable[..., Path]) -> None:
    assert "the file is empty" in _problems(write_pack(text=""))[0]
    assert "a pack must be a mapping" in _problems(write_pack(text="- a\n- b\n"))[0]
    missing = Path("/nonexistent/pack.yaml")
    assert "cannot read" in _problems(missing)[0]
