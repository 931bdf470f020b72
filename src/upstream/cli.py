"""The ``upstream`` command: Upstream's management commands behind one friendly entry point.

``upstream --help`` lists Upstream's own commands (from its apps) and the few Django commands an
operator needs. ``upstream manage ...`` reaches every other Django command.

It speaks the language of the shell's locale (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``:
``es_US.UTF-8`` is Spanish) when Upstream has that language, and English otherwise
(docs/configuration.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

import django
from django.conf import settings
from django.core.management import execute_from_command_line, get_commands, load_command_class
from django.utils import translation
from django.utils.translation import gettext


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalog. Django's own needs settings, which this module's
    import must not (the console script imports it before settings are configured)."""
    return message


DJANGO_COMMANDS = {
    "migrate": gettext_noop("Create or update the database tables."),
    "check": gettext_noop("Check the configuration (add --deploy for production rules)."),
    "collectstatic": gettext_noop("Collect static files for WhiteNoise to serve."),
    "shell": gettext_noop("Open a Python shell with Upstream loaded."),
}
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def cli_language(environ: Mapping[str, str] = os.environ) -> str:
    """The language the command line speaks: the first locale variable set (as POSIX reads
    them), when it names a language Upstream has (``es_MX.UTF-8`` → ``es``); English otherwise
    (``C``, ``POSIX``, unset, or a language without a catalog)."""
    available = {code for code, _name in settings.LANGUAGES}
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            return code if code in available else str(settings.LANGUAGE_CODE)
    return str(settings.LANGUAGE_CODE)


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
        gettext("usage: upstream COMMAND [options]"),
        "",
        gettext("Upstream: put the National Human Trafficking Prevention Framework into practice."),
        "",
        gettext("commands:"),
    ]
    lines += [f"  {name:<{width}}{text}" for name, text in commands.items()]
    lines += [f"  {name:<{width}}{gettext(text)}" for name, text in DJANGO_COMMANDS.items()]
    lines.append(f"  {'manage':<{width}}" + gettext("Run any other Django management command."))
    lines += ["", gettext("Run `upstream COMMAND --help` for a command's options.")]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    _setup()
    with translation.override(cli_language()):
        _run(args)


def _run(args: list[str]) -> None:
    commands = _own_commands()
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(_usage(commands))
        return
    name, rest = args[0], args[1:]
    if name == "manage":
        execute_from_command_line(["upstream manage", *rest])
        return
    if name not in commands and name not in DJANGO_COMMANDS:
        unknown = gettext("upstream: unknown command “%(name)s”") % {"name": name}
        sys.stderr.write(f"{unknown}\n\n{_usage(commands)}")
        raise SystemExit(2)
    execute_from_command_line(["upstream", name, *rest])


if __name__ == "__main__":
    main()
