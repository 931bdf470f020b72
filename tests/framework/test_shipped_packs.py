"""The packs shipped with Upstream are valid and as complete as the knowledge base promises."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings

from upstream.framework.pack import load_valid, shipped_packs


def _pack(name: str) -> dict:
    return load_valid(settings.FRAMEWORK_PACK_DIR / f"{name}.yaml").data


def test_every_shipped_pack_validates() -> None:
    paths = shipped_packs(settings.FRAMEWORK_PACK_DIR)
    assert {p.stem for p in paths} >= {"hhs-2024", "cdc-aces-2019"}
    for path in paths:
        load_valid(path)


def test_hhs_pack_has_the_five_principles_and_eight_strategies() -> None:
    data = _pack("hhs-2024")
    assert data["framework"]["slug"] == "hhs-2024"
    assert data["framework"]["status"] == "reconstructed"
    assert [p["name"] for p in data["principles"]] == [
        "Equity and inclusivity",
        "Whole-family approaches",
        "Evidence-based approaches",
        "Multidisciplinary collaboration",
        "Person-centered approaches",
    ]
    assert all(p["practices"] for p in data["principles"])
    assert len(data["strategies"]) == 8
    assert [lv["key"] for lv in data["levels"]] == [
        "individual",
        "relationship-family",
        "community",
        "industry-sector",
        "societal",
    ]
    assert [t["key"] for t in data["tiers"]] == ["primary", "secondary", "tertiary"]
    assert len(data["framework"]["aims"]) == 3


def test_hhs_strategies_have_activities_and_outcomes_across_horizons() -> None:
    data = _pack("hhs-2024")
    activities = Counter(a["strategy"] for a in data["activities"])
    for strategy in data["strategies"]:
        key = strategy["key"]
        assert activities[key] >= 5, key
        horizons = {o["horizon"] for o in data["outcomes"] if o["strategy"] == key}
        assert sum(1 for o in data["outcomes"] if o["strategy"] == key) >= 3, key
        assert horizons == {"short", "intermediate", "long"}, key


def test_hhs_reconstructed_strategies_say_so() -> None:
    data = _pack("hhs-2024")
    assert all(s["confidence"] == "reconstructed" for s in data["strategies"])
    assert "verif" in data["framework"]["notice"].lower()


@pytest.mark.parametrize("term", ["sex-trafficking", "labor-trafficking", "action-means-purpose"])
def test_hhs_glossary_defines_the_key_terms(term: str) -> None:
    keys = {d["key"] for d in _pack("hhs-2024")["definitions"]}
    assert any(key.startswith(term) for key in keys), sorted(keys)


def test_hhs_pack_lists_risk_and_protective_factors_at_every_level() -> None:
    data = _pack("hhs-2024")
    kinds = Counter((f["level"], f["kind"]) for f in data["factors"])
    assert sum(n for (_, kind), n in kinds.items() if kind == "risk") >= 20
    assert sum(n for (_, kind), n in kinds.items() if kind == "protective") >= 8
    assert {level for level, _ in kinds} >= {
        "individual",
        "relationship-family",
        "community",
        "societal",
    }
