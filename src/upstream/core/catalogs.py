"""Where the translation catalogs are, and how they are regenerated (``make messages``).

One catalog per app, in ``<app>/locale/`` (only apps that have one), and one for the project's own
strings (``upstream/templates/`` and the modules at the package's top, such as ``cli.py`` and
``api.py``) in ``upstream/locale/``, made with every app directory ignored. Options never change:
no source locations, so a catalog does not churn when lines move (docs/decisions/0019-languages.md).

Run as ``python -m upstream.core.catalogs [ROOT]``: needs GNU gettext (xgettext, msgmerge, msgfmt).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ("es",)
MAKEMESSAGES_OPTIONS = ("--no-location", "--no-obsolete", "-e", "html,txt,py")


def catalog_dirs(root: Path = PACKAGE_DIR) -> list[tuple[Path, list[str]]]:
    """(directory to run makemessages in, --ignore patterns) for every catalog under ``root``."""
    subdirs = sorted(path for path in root.iterdir() if path.is_dir())
    apps = [path for path in subdirs if (path / "locale").is_dir()]
    # Files, not directories: makemessages matches a directory pattern against every directory of
    # that name, and "core" would then also hide templates/core/.
    ignores = [
        f"{path.name}/*.{ext}"
        for path in subdirs
        if path.name not in ("templates", "locale")
        for ext in ("py", "html", "txt")
    ]
    return [(app, []) for app in apps] + [(root, ignores)]


def po_files(root: Path = PACKAGE_DIR) -> list[Path]:
    """Every .po catalog under ``root``."""
    return sorted(root.glob("**/locale/*/LC_MESSAGES/django.po"))


def gettext_missing() -> list[str]:
    """The GNU gettext programs makemessages and compilemessages need that are not installed."""
    return [
        name for name in ("xgettext", "msgmerge", "msguniq", "msgfmt") if not shutil.which(name)
    ]


def _django_admin(args: list[str], cwd: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "upstream.settings", "UPSTREAM_TESTING": "1"}
    # the console script, not ``python -m django``: that would put ``cwd`` first on the import
    # path, where an app's selectors.py would shadow the standard library's
    command = [str(Path(sys.executable).parent / "django-admin"), *args]
    done = subprocess.run(  # noqa: S603 (fixed arguments: the options above and a directory)
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{args[0]} in {cwd} failed:\n{done.stderr.strip()}")


_NEW_HEADER = {
    "# SOME DESCRIPTIVE TITLE.\n": "# Upstream's Spanish catalog.\n",
    "# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER\n": "",
    "# This file is distributed under the same license as the PACKAGE package.\n": (
        "# This file is distributed under the same license as Upstream (Apache-2.0).\n"
    ),
    "# FIRST AUTHOR <EMAIL@ADDRESS>, YEAR.\n": "",
    "#\n#, fuzzy\nmsgid": "#\nmsgid",
    '"Project-Id-Version: PACKAGE VERSION\\n"': '"Project-Id-Version: Upstream\\n"',
    '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"': '"Last-Translator: Upstream\\n"',
    '"Language-Team: LANGUAGE <LL@li.org>\\n"': '"Language-Team: Upstream\\n"',
    '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"': '"PO-Revision-Date: 2026-12-02 00:00+0000\\n"',
}


def _without_creation_date(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "POT-Creation-Date:" not in line)


def _settle(path: Path, before: str | None, code: str) -> None:
    """A new catalog's header filled in (a fuzzy header would drop its plural forms from the
    .mo); an old one left byte for byte as it was when only the creation date moved."""
    text = path.read_text(encoding="utf-8")
    for old, new in {**_NEW_HEADER, '"Language: \\n"': f'"Language: {code}\\n"'}.items():
        text = text.replace(old, new)
    if before is not None and _without_creation_date(before) == _without_creation_date(text):
        text = before
    path.write_text(text, encoding="utf-8")


def messages_make(root: Path = PACKAGE_DIR) -> list[Path]:
    """Regenerate every catalog under ``root`` from its sources; the .po files written."""
    for directory, ignores in catalog_dirs(root):
        (directory / "locale").mkdir(exist_ok=True)
        paths = {
            code: directory / "locale" / code / "LC_MESSAGES" / "django.po" for code in LANGUAGES
        }
        before = {
            code: path.read_text(encoding="utf-8") if path.exists() else None
            for code, path in paths.items()
        }
        args = ["makemessages", *(f"-l{code}" for code in LANGUAGES), *MAKEMESSAGES_OPTIONS]
        _django_admin([*args, *(f"--ignore={pattern}" for pattern in ignores)], directory)
        for code, path in paths.items():
            if path.exists():
                _settle(path, before[code], code)
    return po_files(root)


def messages_compile(root: Path = PACKAGE_DIR) -> None:
    """Compile every catalog under ``root`` into its .mo file."""
    for directory, _ in catalog_dirs(root):
        if (directory / "locale").is_dir():
            args = ["compilemessages", *(f"-l{code}" for code in LANGUAGES)]
            _django_admin(args, directory)


def main(argv: list[str]) -> int:
    missing = gettext_missing()
    if missing:
        print(f"GNU gettext is needed ({', '.join(missing)} not found): apt-get install gettext")
        return 1
    root = Path(argv[0]).resolve() if argv else PACKAGE_DIR
    written = messages_make(root)
    messages_compile(root)
    for path in written:
        print(path.relative_to(root.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
