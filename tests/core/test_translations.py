"""The translation catalogs: complete, compiled, current, and faithful to their placeholders.

Every catalog under src/upstream (each app's locale/ and the project's own) is checked, so a new
app's catalog is covered without editing this file. The compiled .mo files are committed (a fresh
machine may have no GNU gettext); these tests read both with polib, a pure-Python reader.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.utils import translation

from upstream.core import catalogs

PO_FILES = catalogs.po_files()


def _ids(po: polib.POFile | polib.MOFile) -> dict[tuple[str, str], object]:
    """(context, msgid) → translation (a plural entry's forms as a tuple), translated entries."""
    found: dict[tuple[str, str], object] = {}
    for entry in po:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            value: object = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        found[(entry.msgctxt or "", entry.msgid)] = value
    return found


def _name(path: Path) -> str:
    return str(path.relative_to(catalogs.PACKAGE_DIR))


def test_every_catalog_is_found() -> None:
    names = {_name(path) for path in PO_FILES}
    for catalog in ("locale", "core/locale", "accounts/locale", "audit/locale", "tasks/locale"):
        assert f"{catalog}/es/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("path", PO_FILES, ids=_name)
def test_every_message_has_a_spanish_translation(path: Path) -> None:
    po = polib.pofile(str(path))
    assert not po.metadata_is_fuzzy, "a fuzzy header drops the plural forms from the .mo"
    assert po.metadata.get("Plural-Forms"), "the header names the plural forms"
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"{_name(path)}: untranslated"
    assert fuzzy == [], f"{_name(path)}: fuzzy (check the translation, then drop the flag)"


@pytest.mark.parametrize("path", PO_FILES, ids=_name)
def test_every_plural_message_has_every_form_the_language_counts(path: Path) -> None:
    """Spanish counts three forms (one, "un millón de", other): a missing form shows English."""
    po = polib.pofile(str(path))
    match = re.search(r"nplurals=(\d+)", po.metadata.get("Plural-Forms", ""))
    assert match, "the header names the plural forms"
    forms = set(range(int(match.group(1))))
    short = [
        entry.msgid
        for entry in po
        if entry.msgid_plural and {k for k, v in entry.msgstr_plural.items() if v} != forms
    ]
    assert short == [], f"{_name(path)}: plural forms missing"


def test_a_count_reads_in_spanish_whatever_its_plural_form() -> None:
    with translation.override("es"):
        texts = [
            translation.ngettext(
                "Use at most %(limit)d character.", "Use at most %(limit)d characters.", n
            )
            % {"limit": n}
            for n in (1, 2, 2000, 1_000_000)
        ]
    assert texts == [
        "Use como máximo 1 carácter.",
        "Use como máximo 2 caracteres.",
        "Use como máximo 2000 caracteres.",
        "Use como máximo 1000000 caracteres.",
    ]


@pytest.mark.parametrize("path", PO_FILES, ids=_name)
def test_every_compiled_catalog_matches_its_source(path: Path) -> None:
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{_name(mo_path)} is missing: run `make messages`"
    compiled = {key: value for key, value in _ids(polib.mofile(str(mo_path))).items() if key[1]}
    assert compiled == _ids(polib.pofile(str(path))), f"{_name(mo_path)} is stale: make messages"


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


def placeholders(text: str) -> list[str]:
    """The placeholders of ``text``, sorted: %(name)s, %s and {name}."""
    return sorted(match.group(0) for match in _PLACEHOLDER.finditer(text))


def test_placeholders_are_found() -> None:
    assert placeholders("%(count)s of %(total)d, {name} and %s") == [
        "%(count)s",
        "%(total)d",
        "%s",
        "{name}",
    ]
    assert placeholders("100% sure") == []


@pytest.mark.parametrize("path", PO_FILES, ids=_name)
def test_spanish_keeps_every_placeholder(path: Path) -> None:
    wrong = []
    for entry in polib.pofile(str(path)).translated_entries():
        if entry.msgid_plural:
            expected = placeholders(entry.msgid_plural)
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            # the singular form may say "one" in words instead of the number
            wrong += [
                (entry.msgid, form)
                for index, form in enumerate(forms)
                if set(placeholders(form)) - set(expected)
                or (index > 0 and placeholders(form) != expected)
            ]
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == []


def test_catalogs_are_current(tmp_path: Path) -> None:
    """`make messages` on a copy of the sources changes no catalog: every marked string is in
    its catalog and no catalog keeps a string that is gone."""
    missing = catalogs.gettext_missing()
    if missing:
        if os.environ.get("UPSTREAM_REQUIRE_GETTEXT") == "1":
            pytest.fail(f"GNU gettext is required here: {', '.join(missing)} not found")
        pytest.skip(f"GNU gettext not installed ({', '.join(missing)})")
    copy = tmp_path / "upstream"
    shutil.copytree(
        catalogs.PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "packs", "svi"),
    )
    catalogs.messages_make(copy)
    stale = []
    for path in PO_FILES:
        fresh = copy / path.relative_to(catalogs.PACKAGE_DIR)
        if _ids(polib.pofile(str(fresh))) != _ids(polib.pofile(str(path))):
            stale.append(_name(path))
    new = sorted(
        str(path.relative_to(copy))
        for path in catalogs.po_files(copy)
        if catalogs.PACKAGE_DIR / path.relative_to(copy) not in PO_FILES
    )
    assert stale == [], "run `make messages`, translate what is new, and commit the catalogs"
    assert new == []


def test_an_english_string_reads_in_spanish() -> None:
    with translation.override("es"):
        assert translation.gettext("Skip to main content") == "Saltar al contenido principal"
    with translation.override("en"):
        assert translation.gettext("Skip to main content") == "Skip to main content"
