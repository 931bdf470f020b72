"""The `upstream` console command lists its commands and dispatches to them."""

from __future__ import annotations

import pytest

from upstream import cli


def test_help_lists_every_command_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--help"])
    out = capsys.readouterr().out
    for name in ("serve", "demo", "framework", "migrate", "manage"):
        assert f"\n  {name} " in out
    commands = [line for line in out.splitlines() if line.startswith("  ")]
    assert all(len(line.split(None, 1)) == 2 for line in commands)


def test_unknown_command_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["frobnicate"])
    assert caught.value.code == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


@pytest.mark.django_db
def test_dispatches_to_framework_command(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["framework", "list"])
    assert "No framework is loaded" in capsys.readouterr().out
