"""Community pages in Spanish: the map (its table, controls and Vega-Lite chart text), a county
profile, the index pages and the custom-index form's problems."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from upstream.community.models import IndexDefinition


def _spanish(client: Client, url: str) -> str:
    client.cookies["django_language"] = "es"
    with translation.override("es"):
        response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def _spec(html: str) -> dict[str, Any]:
    start = html.index('<script id="community-map-spec" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    data: dict[str, Any] = json.loads(body)
    return data


def test_map_page_and_its_chart_in_spanish(client: Client, small_index: IndexDefinition) -> None:
    html = _spanish(client, "/community/?q=a")
    assert "<h1>Dónde se concentra la vulnerabilidad</h1>" in html
    assert "Trafficking vulnerability, 2022, por condado." in html
    assert "Buscar un condado" in html
    assert "Todos los estados" in html
    assert "Percentil (nacional)" in html  # a column heading
    assert "coinciden con “a”" in html
    for english in ("Where vulnerability concentrates", "Find a county", "All states", "by county"):
        assert english not in html, english
    spec = _spec(html)
    tooltip = spec["layer"][1]["encoding"]["tooltip"]
    assert [t["title"] for t in tooltip] == ["Condado", "Estado", "Percentil (nacional)"]
    assert spec["layer"][1]["encoding"]["color"]["title"] == "Percentil (nacional)"
    assert spec["description"].startswith("Mapa de Trafficking vulnerability por condado")
    # U.S. Spanish writes numbers as U.S. English does (decision 0019)
    assert spec["config"]["locale"]["number"]["decimal"] == "."
    assert spec["config"]["locale"]["number"]["thousands"] == ","


def test_map_chart_stays_english_for_english_readers(
    client: Client, small_index: IndexDefinition
) -> None:
    spec = _spec(client.get("/community/").content.decode())
    assert spec["layer"][1]["encoding"]["tooltip"][0]["title"] == "County"
    assert spec["config"]["locale"]["number"]["decimal"] == "."


def test_county_profile_in_spanish(client: Client, small_index: IndexDefinition) -> None:
    html = _spanish(client, "/community/counties/42001/?index=tvi")
    assert "En general" in html
    assert "Ocupa el puesto" in html
    assert "Percentil del tema: a nivel nacional" in html
    # decimal point, as U.S. Spanish readers write it (decision 0019)
    assert "0.7500" in html or "0.0000" in html or "1.0000" in html
    assert "(más bajo es más vulnerable)" in html
    for english in ("Overall", "Theme percentile", "Nationally", "(lower is more vulnerable)"):
        assert english not in html, english


def test_index_pages_in_spanish(client: Client, small_index: IndexDefinition) -> None:
    listing = _spanish(client, "/community/indices/")
    assert "<h1>Índices de vulnerabilidad</h1>" in listing
    assert "Vulnerability indices" not in listing
    detail = _spanish(client, "/community/indices/tvi/")
    assert "Temas y variables" in detail
    assert "Más vulnerable cuando es" in detail
    assert "Zonas donde Pop es cero o falta" in detail
    assert "Themes and variables" not in detail
    assert "More vulnerable when" not in detail


@pytest.mark.django_db
def test_index_definition_problems_in_spanish() -> None:
    from upstream.community.problems import CommunityDataError
    from upstream.community.services import index_define

    with translation.override("es"), pytest.raises(CommunityDataError) as raised:
        index_define(spec={"key": "x y", "name": "", "year": 2022, "themes": []})
    with translation.override("es"):
        messages = [str(p) for p in raised.value.problems]
    assert "los temas deben ser una lista que no esté vacía" in " ".join(messages)
    assert "falta el campo 'geography_set'" in " ".join(messages)
    assert not any("must be" in m for m in messages)
