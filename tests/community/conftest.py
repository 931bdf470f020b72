"""Fixtures for community analytics: geography sets from the installed npm packages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from upstream.community.geo import geography_set_load
from upstream.community.imports import import_long_csv
from upstream.community.models import GeographySet, IndexDefinition
from upstream.community.services import index_compute, index_define, indicator_define

SVI_2022 = ("svi", "SVI_2022_US_county.csv")


@pytest.fixture
def us2023(db: None) -> GeographySet:
    return geography_set_load(key="us-2023").geography_set


@pytest.fixture
def us2017(db: None) -> GeographySet:
    return geography_set_load(key="us-2017").geography_set


@pytest.fixture
def svi_2022_file(shared_data: Path) -> Path:
    return shared_data.joinpath(*SVI_2022)


@pytest.fixture
def youth_indicator(db: None) -> str:
    indicator_define(
        key="youth-idle",
        name="Young people neither in school nor working",
        unit="percent",
        theme="Youth",
        source="Test source",
        year=2022,
    )
    return "youth-idle"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


COUNTIES = ["42001", "42003", "42005", "42007", "36001"]


@pytest.fixture
def small_data(us2023: GeographySet) -> None:
    for key, direction in (
        ("pov", "higher"),
        ("idle", "higher"),
        ("clinics", "lower"),
        ("pop", "higher"),
    ):
        indicator_define(
            key=key, name=key.title(), direction=direction, source=f"{key} source", year=2022
        )
    values = {
        "pov": [10, 20, 30, 40, 50],
        "idle": [5, 4, 3, 2, 1],
        "clinics": [1, 2, 3, 4, 5],
        "pop": [100, 100, 100, 0, 100],
    }
    lines = ["fips,indicator,year,value"]
    for key, vals in values.items():
        lines += [f"{f},{key},2022,{v}" for f, v in zip(COUNTIES, vals, strict=True)]
    import_long_csv(text="\n".join(lines) + "\n")


def spec(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "key": "tvi",
        "name": "Trafficking vulnerability",
        "geography_set": "us-2023",
        "year": 2022,
        "population": "pop",
        "themes": [
            {"key": "ECON", "name": "Economic", "variables": [{"indicator": "pov"}]},
            {
                "key": "YOUTH",
                "name": "Youth",
                "variables": [{"indicator": "idle", "weight": 2}, {"indicator": "clinics"}],
            },
        ],
    }
    base.update(changes)
    return base


@pytest.fixture
def small_index(small_data: None) -> IndexDefinition:
    index = index_define(spec=spec())
    index_compute(index=index)
    index.refresh_from_db()
    return index
