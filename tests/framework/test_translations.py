"""Packs carry translations per item; pages, search and the API serve them, English as fallback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from upstream.framework import search
from upstream.framework.diff import diff_documents
from upstream.framework.models import FrameworkVersion, Strategy
from upstream.framework.pack import (
    PackError,
    load_valid,
    parse_file,
    translatable_fields,
    translated_items,
)
from upstream.framework.services import framework_load_file

BASE = "/frameworks/test-framework/1.0"
API = "/api/v1/framework/frameworks/test-framework/versions/1.0"
CREDIT = {"es": {"by": "el proyecto Upstream", "kind": "project"}}
STRATEGY_ES = {
    "name": "Enseñar habilidades",
    "description": "Desarrollar habilidades que protegen.",
}


def translate(data: dict[str, Any]) -> None:
    """The minimal pack with Spanish for one strategy, one activity and one level; the rest
    stays English."""
    data["translation_sources"] = CREDIT
    strategy = data["strategies"][0]
    strategy["translations"] = {"es": dict(STRATEGY_ES)}
    data["activities"][0]["translations"] = {
        "es": {"name": "Clases en la escuela sobre las tácticas de manipulación"}
    }
    data["levels"][0]["translations"] = {"es": {"name": "Individual"}}


@pytest.fixture
def spanish_version(db: None, write_pack: Callable[..., Path]) -> FrameworkVersion:
    return framework_load_file(path=write_pack(translate)).version


@pytest.fixture
def in_spanish() -> Iterator[None]:
    # The cookie is what LocaleMiddleware reads; the override covers a project without it.
    with translation.override("es"):
        yield


def _problems(path: Path) -> list[str]:
    with pytest.raises(PackError) as caught:
        load_valid(path)
    return [str(p) for p in caught.value.problems]


def _line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


# --- the pack format ---------------------------------------------------------------------------


def test_translated_pack_is_valid_and_stores_translations(
    spanish_version: FrameworkVersion,
) -> None:
    strategy = Strategy.objects.get(version=spanish_version, key="teach-skills")
    assert strategy.translations["es"]["name"] == "Enseñar habilidades"
    assert spanish_version.translation_sources == CREDIT


def test_unknown_language_is_reported_at_its_key_with_file_and_line(
    db: None, write_pack: Callable[..., Path]
) -> None:
    def edit(data: dict[str, Any]) -> None:
        translate(data)
        data["strategies"][0]["translations"]["fr"] = {"name": "Enseigner"}

    path = write_pack(edit)
    problems = _problems(path)
    line = _line(path, "fr:")
    assert (
        f"{path}:{line}: strategies[0].translations.fr: unknown language 'fr' (supported: es)"
        in problems
    )
    assert not FrameworkVersion.objects.exists()


def test_unknown_translated_field_is_reported_with_file_line_and_path(
    write_pack: Callable[..., Path],
) -> None:
    def edit(data: dict[str, Any]) -> None:
        translate(data)
        data["activities"][0]["translations"]["es"]["strategy"] = "ensenar"

    path = write_pack(edit)
    line = _line(path, "strategy: ensenar")
    assert _problems(path) == [
        f"{path}:{line}: activities[0].translations.es.strategy: unknown field 'strategy': "
        "the translatable fields here are name, description, populations, evidence"
    ]


def test_translations_on_something_that_is_not_an_item_are_refused(
    write_pack: Callable[..., Path],
) -> None:
    def edit(data: dict[str, Any]) -> None:
        translate(data)
        data["strategies"][0]["sources"] = [
            {"title": "A source", "translations": {"es": {"title": "Una fuente"}}}
        ]

    path = write_pack(edit)
    problems = _problems(path)
    assert len(problems) == 1
    assert "strategies[0].sources[0].translations: unknown field 'translations'" in problems[0]
    assert problems[0].startswith(f"{path}:")


def test_translating_a_field_the_item_does_not_have_is_refused(
    write_pack: Callable[..., Path],
) -> None:
    def edit(data: dict[str, Any]) -> None:
        translate(data)
        data["outcomes"][0]["translations"] = {"es": {"description": "No hay texto en inglés."}}

    problems = _problems(write_pack(edit))
    assert any(
        "outcomes[0].translations.es.description: unknown field 'description': this item has "
        "no English 'description' to translate" in p
        for p in problems
    )


def test_a_translation_needs_its_translator_and_one_name_per_alias(
    write_pack: Callable[..., Path],
) -> None:
    def edit(data: dict[str, Any]) -> None:
        translate(data)
        del data["translation_sources"]
        data["strategies"][0]["aliases"] = ["Skills", "Teach"]
        data["strategies"][0]["translations"]["es"]["aliases"] = ["Habilidades"]

    text = "\n".join(_problems(write_pack(edit)))
    assert "translation_sources does not say who made it" in text
    assert "strategies[0].translations.es.aliases: 1 translated aliases for 2 in English" in text


def test_the_diff_names_each_translated_field_that_changed(
    write_pack: Callable[..., Path],
) -> None:
    old = parse_file(write_pack(translate)).data

    def edit(data: dict[str, Any]) -> None:
        translate(data)
        data["strategies"][0]["translations"]["es"]["name"] = "Enseñar destrezas"

    new = parse_file(write_pack(edit, name="new.yaml")).data
    [change] = diff_documents(old, new)
    assert change.describe() == "changed  strategies/teach-skills: translations.es.name"
    assert change.fields[0].new == "Enseñar destrezas"


def test_every_hhs_item_has_spanish_for_each_translatable_field() -> None:
    pack = load_valid(settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml")
    assert pack.data["translation_sources"]["es"]["kind"] == "project"
    missing = []
    for kind, path, item in translated_items(pack.data):
        spanish = (item.get("translations") or {}).get("es") or {}
        for name in translatable_fields(kind):
            if item.get(name) and not spanish.get(name):
                missing.append(f"{'.'.join(map(str, path))}.{name}")
            elif isinstance(item.get(name), str):
                assert spanish[name] != item[name] or len(item[name]) < 12, (path, name)
    assert missing == []


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_spanish_strategy_page_shows_translations_and_marks_english_fallback(
    spanish_version: FrameworkVersion, in_spanish: None, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.cookies["django_language"] = "es"
    with django_assert_max_num_queries(12):
        response = client.get(f"{BASE}/strategies/teach-skills/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Estrategia 1:" in html and "Enseñar habilidades" in html
    assert "Desarrollar habilidades que protegen." in html
    assert "Clases en la escuela sobre las tácticas de manipulación" in html
    assert "Actividades posibles" in html and "Factores de riesgo" in html
    # The outcome has no Spanish: its English is marked as English and as not yet translated.
    assert '<span lang="en">More knowledge of recruitment tactics</span>' in html
    assert "Sin traducir todavía" in html
    assert "Traducido por el proyecto Upstream; no es una traducción oficial." in html
    assert "<title>Enseñar habilidades" in html


@pytest.mark.django_db
def test_english_pages_carry_no_translation_marks(
    client: Client, spanish_version: FrameworkVersion
) -> None:
    html = client.get(f"{BASE}/strategies/teach-skills/").content.decode()
    assert "Teach skills" in html and "Enseñar habilidades" not in html
    # the page's content (the header's language switcher names English in English)
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'lang="en"' not in main
    assert "not yet translated" not in html and "Translated by" not in html


@pytest.mark.django_db
def test_untranslated_version_in_spanish_is_all_marked_english(
    minimal_version: FrameworkVersion, in_spanish: None
) -> None:
    client = Client()
    client.cookies["django_language"] = "es"
    html = client.get(f"{BASE}/").content.decode()
    assert '<span lang="en">Teach skills</span>' in html
    assert "Principios rectores" in html
    assert "Traducido por" not in html  # nobody translated this version


@pytest.mark.django_db
def test_spanish_pages_keep_their_query_counts(
    spanish_version: FrameworkVersion, in_spanish: None, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.cookies["django_language"] = "es"
    for path, limit in (("/", 10), ("/strategies/", 6), ("/matrix/", 6), ("/factors/", 7)):
        with django_assert_max_num_queries(limit):
            assert client.get(f"{BASE}{path}").status_code == 200, path


# --- search ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_spanish_text_in_spanish_and_english_text_in_english(
    spanish_version: FrameworkVersion,
) -> None:
    hits = search.search(spanish_version, "habilidades", language="es")
    assert [(h.kind, h.key, h.title) for h in hits] == [
        ("strategy", "teach-skills", "Enseñar habilidades")
    ]
    assert search.search(spanish_version, "habilidades", language="en") == []
    # An item without Spanish is still found, by its English, on Spanish pages.
    assert [h.key for h in search.search(spanish_version, "housing", language="es")] == [
        "safe-housing"
    ]
    # Accents are optional.
    assert search.search(spanish_version, "tacticas manipulacion", language="es")


@pytest.mark.django_db
def test_search_page_in_spanish(spanish_version: FrameworkVersion, in_spanish: None) -> None:
    client = Client()
    client.cookies["django_language"] = "es"
    html = client.get(f"{BASE}/search/", {"q": "habilidades"}).content.decode()
    assert "1 resultado para “habilidades”" in html
    assert "Enseñar habilidades" in html and ">Estrategia<" in html


@pytest.mark.django_db
def test_version_without_spanish_is_searched_in_english(
    minimal_version: FrameworkVersion,
) -> None:
    assert [h.key for h in search.search(minimal_version, "grooming", language="es")] == [
        "school-lessons"
    ]


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_returns_each_items_translations(spanish_version: FrameworkVersion) -> None:
    client = Client(enforce_csrf_checks=True)
    body = client.get(f"{API}/strategies/teach-skills").json()
    assert body["name"] == "Teach skills"
    assert body["translations"] == {"es": STRATEGY_ES}
    assert body["activities"][0]["translations"]["es"]["name"].startswith("Clases")
    assert body["outcomes"][0]["translations"] == {}
    version = client.get(API).json()
    assert version["translation_sources"]["es"]["by"] == "el proyecto Upstream"


@pytest.mark.django_db
def test_api_search_in_spanish(spanish_version: FrameworkVersion) -> None:
    client = Client(enforce_csrf_checks=True)
    hits = client.get(f"{API}/search", {"q": "habilidades", "language": "es"}).json()
    assert [h["title"] for h in hits] == ["Enseñar habilidades"]
    assert client.get(f"{API}/search", {"q": "habilidades"}).json() == []
    assert client.get(f"{API}/search", {"q": "x", "language": "fr"}).status_code == 422


@pytest.mark.django_db
def test_hhs_pages_in_spanish_have_nothing_left_in_english(in_spanish: None) -> None:
    framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml")
    client = Client()
    client.cookies["django_language"] = "es"
    base = "/frameworks/hhs-2024/latest"
    pages = ["/", "/strategies/", "/strategies/lessen-harms-and-prevent-recurrence/"]
    pages += ["/principles/equity-and-inclusivity/", "/tiers/tertiary/", "/levels/community/"]
    pages += ["/matrix/", "/factors/", "/glossary/", "/activities/consent-based-screening/"]
    for page in pages:
        response = client.get(f"{base}{page}", follow=True)
        html = response.content.decode()
        assert response.status_code == 200, page
        assert "Sin traducir todavía" not in html, page
        assert "Traducido por el proyecto Upstream" in html, page
    glossary = client.get(f"{base}/glossary/", follow=True).content.decode()
    # Sorted by the Spanish term: "Acto sexual comercial" comes before "Coerción".
    assert glossary.index("Acto sexual comercial") < glossary.index("Coerción")
