"""`upstream framework ...`: validate, load, list, export and diff from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from upstream.framework.models import FrameworkVersion

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("framework", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_validate_reports_a_valid_pack(minimal_pack_path: Path) -> None:
    out, _ = _run("validate", str(minimal_pack_path))
    assert "valid (test-framework@1.0)" in out
    assert FrameworkVersion.objects.count() == 0


def test_validate_lists_every_problem_and_exits_non_zero(write_pack: Callable[..., Path]) -> None:
    def edit(data: dict) -> None:
        data["activities"][0]["strategy"] = "ghost"
        data["activities"][1]["tier"] = "ghost-tier"

    path = write_pack(edit)
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("framework", "validate", str(path), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1
    lines = [line for line in err.getvalue().splitlines() if line.startswith("error:")]
    assert len(lines) == 2
    assert all(f"{path}:" in line for line in lines)
    assert "2 problems; nothing loaded" in err.getvalue()


def test_load_by_shipped_name_then_again_changes_nothing() -> None:
    out, _ = _run("load", "cdc-aces-2019")
    assert out.startswith("Loaded cdc-aces-2019@")
    out, _ = _run("load", "cdc-aces-2019")
    assert "nothing changed" in out
    assert FrameworkVersion.objects.count() == 1


def test_load_all_loads_every_shipped_pack() -> None:
    _run("load", "--all")
    slugs = set(FrameworkVersion.objects.values_list("framework__slug", flat=True))
    assert {"hhs-2024", "cdc-aces-2019"} <= slugs


def test_load_refuses_a_bad_pack_and_writes_nothing(
    minimal_pack_path: Path, write_pack: Callable[..., Path]
) -> None:
    bad = write_pack(text="format: [", name="bad.yaml")
    with pytest.raises(CommandError) as caught:
        call_command(
            "framework",
            "load",
            str(minimal_pack_path),
            str(bad),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert caught.value.returncode == 1
    # the good pack in the same call still loads; the bad one writes nothing
    assert list(FrameworkVersion.objects.values_list("version", flat=True)) == ["1.0"]


def test_list_export_and_diff(
    minimal_pack_path: Path, write_pack: Callable[..., Path], tmp_path: Path
) -> None:
    _run("load", str(minimal_pack_path))

    def edit(data: dict) -> None:
        data["framework"]["version"] = "1.1"
        data["levels"][0]["name"] = "Person"

    _run("load", str(write_pack(edit)))
    out, _ = _run("list")
    assert "test-framework@1.1 (latest)" in out
    assert "test-framework@1.0\t" in out

    target = tmp_path / "export.json"
    _run("export", "test-framework@1.0", "--format", "json", "--output", str(target))
    exported = json.loads(target.read_text())
    assert exported["framework"]["version"] == "1.0"
    yaml_out, _ = _run("export", "test-framework")
    assert yaml.safe_load(yaml_out)["framework"]["version"] == "1.1"

    out, _ = _run("diff", "test-framework@1.0", "test-framework@1.1")
    assert "1 change from test-framework@1.0 to test-framework@1.1" in out
    assert "changed  levels/individual: name" in out
    out, _ = _run("diff", "--framework", "test-framework", "1.0", "1.0")
    assert "No differences" in out


def test_export_round_trips_through_validate(minimal_pack_path: Path, tmp_path: Path) -> None:
    _run("load", str(minimal_pack_path))
    target = tmp_path / "again.yaml"
    _run("export", "test-framework@1.0", "--output", str(target))
    out, _ = _run("validate", str(target))
    assert "valid" in out


def test_unknown_version_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="not loaded"):
        _run("diff", "nope@1", "nope@2")
