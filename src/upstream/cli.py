"""The ``upstream`` command: Upstream's management commands behind one friendly entry point.

``upstream --help`` lists Upstream's own commands (from its apps) and the few Django commands an
operator needs. ``upstream manage ...`` reaches every other Django command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import django
from django.core.management import execute_from_command_line, get_commands, load_command_class

DJANGO_COMMANDS = {
    "migrate": "Create or update the database tables.",
    "check": "Check the configuration (add --deploy for production rules).",
    "collectstatic": "Collect static files for WhiteNoise to serve.",
    "shell": "Open a Python shell with Upstream loaded.",
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings")
    django.setup()


def _own_commands() -> dict[str, str]:
    commands: dict[str, str] = {}
    for name, app in sorted(get_commands().items()):
        if app.startswith("upstream."):
            command = load_command_class(app, name)
            commands[name] = (command.help or "").strip().splitlines()[0] if command.help else ""
    return commands


def _usage(commands: dict[str, str]) -> str:
    width = max(len(name) for name in [*commands, *DJANGO_COMMANDS, "manage"]) + 2
    lines = [
        "usage: upstream COMMAND [options]",
        "",
        "Upstream: put the National Human Trafficking Prevention Framework into practice.",
        "",
        "commands:",
    ]
    lines += [f"  {name:<{width}}{text}" for name, text in commands.items()]
    lines += [f"  {name:<{width}}{text}" for name, text in DJANGO_COMMANDS.items()]
    lines.append(f"  {'manage':<{width}}Run any other Django management command.")
    lines += ["", "Run `upstream COMMAND --help` for a command's options."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    _setup()
    commands = _own_commands()
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(_usage(commands))
        return
    name, rest = args[0], args[1:]
    if name == "manage":
        execute_from_command_line(["upstream manage", *rest])
        return
    if name not in commands and name not in DJANGO_COMMANDS:
        sys.stderr.write(f"upstream: unknown command {name!r}\n\n{_usage(commands)}")
        raise SystemExit(2)
    execute_from_command_line(["upstream", name, *rest])


if __name__ == "__main__":
    main()
