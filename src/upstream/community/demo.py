"""Offline demo content for community analytics.

Loads the 2023 county geographies from the installed npm packages. When no real SVI data is
loaded, it adds clearly labelled SYNTHETIC indicators for every county (seeded, so every demo
is the same) and computes two indices on them: the SVI method, and a custom trafficking
vulnerability index that adds youth and labor indicators to the SVI themes.
"""

from __future__ import annotations

import random
from typing import Any, TextIO

from django.db import transaction

from upstream.community import services
from upstream.community.geo import geography_set_load
from upstream.community.imports import SVI_LABELS, THEME_NAMES
from upstream.community.models import (
    GeographySet,
    IndexDefinition,
    IndicatorDefinition,
    Observation,
)
from upstream.community.svi import SVI_THEMES

SEED = 20240601
SET_KEY = "us-2023"
YEAR = 2022
SYNTHETIC_SOURCE = "Synthetic demo data: seeded random values, not real; describes no real place."
EXTRA = {
    "demo-youth-disconnected": (
        "Synthetic: young people (16-24) neither in school nor working",
        "Youth and labor",
        "higher",
    ),
    "demo-labor-seasonal": (
        "Synthetic: workers in seasonal agriculture, fishing and hospitality",
        "Youth and labor",
        "higher",
    ),
    "demo-youth-services": (
        "Synthetic: youth-serving organizations per 10,000 young people",
        "Youth and labor",
        "lower",
    ),
}


def demo_key(variable: str) -> str:
    return f"demo-{variable.lower()}"


def _indicators() -> dict[str, IndicatorDefinition]:
    out = {}
    specs: list[tuple[str, str, str, str, str]] = [
        ("demo-totpop", "Synthetic: total population", "persons", "", "higher")
    ]
    for variable, (label, theme) in SVI_LABELS.items():
        specs.append(
            (demo_key(variable), f"Synthetic: {label}", "percent", THEME_NAMES[theme], "higher")
        )
    for key, (name, theme, direction) in EXTRA.items():
        unit = "per 10,000" if key == "demo-youth-services" else "percent"
        specs.append((key, name, unit, theme, direction))
    for key, name, unit, theme, direction in specs:
        out[key] = services.indicator_define(
            key=key,
            name=name,
            unit=unit,
            direction=direction,
            theme=theme,
            source=SYNTHETIC_SOURCE,
            year=YEAR,
            description="Synthetic demo data for trying Upstream offline.",
            synthetic=True,
        )
    return out


def _observations(gs: GeographySet, indicators: dict[str, IndicatorDefinition]) -> int:
    rng = random.Random(SEED)  # noqa: S311 - invented demo values, not security
    counties = list(gs.geographies.filter(kind="county").order_by("fips"))
    state_shift = {fips: rng.gauss(0, 0.35) for fips in sorted({c.state_fips for c in counties})}
    rows: list[Observation] = []
    for county in counties:
        shift = state_shift[county.state_fips] + rng.gauss(0, 0.2)
        for key, indicator in indicators.items():
            if key == "demo-totpop":
                value = float(int(rng.lognormvariate(10.3, 1.3)))
                moe = None
            elif key == "demo-youth-services":
                value = round(max(0.0, rng.gauss(8 - 3 * shift, 2.5)), 1)
                moe = round(value * 0.15, 1)
            else:
                value = round(min(100.0, rng.lognormvariate(2.3 + shift, 0.45)), 1)
                moe = round(value * 0.12 + 0.3, 1)
            rows.append(
                Observation(geography=county, indicator=indicator, year=YEAR, value=value, moe=moe)
            )
    Observation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _svi_themes() -> list[dict[str, Any]]:
    return [
        {
            "key": t.key,
            "name": THEME_NAMES[t.key],
            "variables": [{"indicator": demo_key(v)} for v in t.variables],
        }
        for t in SVI_THEMES
    ]


def demo_specs() -> list[dict[str, Any]]:
    svi = {
        "key": "demo-svi",
        "name": "Synthetic demo: Social Vulnerability Index method",
        "description": "The CDC/ATSDR SVI method applied to synthetic demo data (not real).",
        "geography_set": SET_KEY,
        "year": YEAR,
        "ranking": "national",
        "population": "demo-totpop",
        "themes": _svi_themes(),
    }
    tvi = {
        **svi,
        "key": "demo-tvi",
        "name": "Synthetic demo: trafficking vulnerability index",
        "description": (
            "A custom index: the four SVI themes plus a youth and labor theme (disconnected "
            "youth, seasonal work, and the lack of youth services), on synthetic demo data."
        ),
        "themes": [
            *_svi_themes(),
            {
                "key": "YOUTH_LABOR",
                "name": "Youth and labor",
                "variables": [
                    {"indicator": "demo-youth-disconnected", "weight": 2},
                    {"indicator": "demo-labor-seasonal", "weight": 1},
                    {"indicator": "demo-youth-services", "weight": 1, "direction": "lower"},
                ],
            },
        ],
    }
    return [svi, tvi]


def _real_svi_loaded() -> bool:
    return Observation.objects.filter(
        indicator__key__startswith="svi-", indicator__synthetic=False
    ).exists()


@transaction.atomic
def load_demo(stdout: TextIO) -> None:
    stdout.write(geography_set_load(key=SET_KEY).message + "\n")
    if _real_svi_loaded():
        stdout.write("Real SVI data is loaded: no synthetic indicators added.\n")
        return
    gs = GeographySet.objects.get(key=SET_KEY)
    indicators = _indicators()
    have = Observation.objects.filter(indicator__synthetic=True, year=YEAR).exists()
    if not have:
        count = _observations(gs, indicators)
        stdout.write(f"Added {count} SYNTHETIC demo observations (synthetic demo data).\n")
    for spec in demo_specs():
        existing = IndexDefinition.objects.filter(key=spec["key"]).first()
        if existing is not None and existing.computed_at is not None:
            continue
        index = services.index_define(spec=spec, replace=True)
        stdout.write(services.index_compute(index=index).message + " (synthetic demo data)\n")
