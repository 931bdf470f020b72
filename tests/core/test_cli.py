"""The `upstream` console command lists its commands and dispatches to them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

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
    assert "unknown command “frobnicate”" in capsys.readouterr().err


@pytest.mark.django_db
def test_dispatches_to_framework_command(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["framework", "list"])
    assert "No framework is loaded" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "es_US.UTF-8"}, "es"),
        ({"LANG": "es"}, "es"),
        ({"LANG": "es_MX.UTF-8@euro"}, "es"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # no French catalog
        ({"LANG": "es_US.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "es_ES.UTF-8"}, "es"),
        ({"LANG": "es_US.UTF-8", "LC_ALL": ""}, "es"),  # an empty variable is not set
    ],
)
def test_the_command_line_speaks_the_shell_locales_language(
    environ: dict[str, str], language: str
) -> None:
    assert cli.cli_language(environ) == language


def test_help_is_in_spanish_under_a_spanish_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in cli.LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "es_US.UTF-8")
    before = translation.get_language()
    cli.main(["--help"])
    out = capsys.readouterr().out
    assert "uso: upstream COMANDO [opciones]" in out and "\ncomandos:\n" in out
    assert "Crear o actualizar las tablas de la base de datos." in out  # migrate
    assert "Dar, quitar o listar los operadores de la instancia" in out  # an app's command
    assert translation.get_language() == before  # the language is not left active


def test_a_commands_messages_are_in_spanish_under_a_spanish_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in cli.LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LC_ALL", "es_US.UTF-8")
    with pytest.raises(SystemExit):
        cli.main(["frobnicate"])
    assert "upstream: comando desconocido “frobnicate”" in capsys.readouterr().err


def test_the_console_script_runs_in_a_fresh_process_without_django_settings_in_its_environment(
    tmp_path: Path,
) -> None:
    """What an operator types: the installed ``upstream`` script, with no DJANGO_SETTINGS_MODULE
    (the test runner sets one; a shell does not)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["UPSTREAM_VAR_DIR"] = str(tmp_path)
    script = Path(sys.executable).with_name("upstream")
    done = subprocess.run(
        [str(script), "--help"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "usage: upstream COMMAND" in done.stdout
