"""Every CDC SVI county file imports as published, through the command a user runs: the file's
year picks the boundaries CDC used, a fresh database loads them, and every published EPL, SPL,
RPL and F value is reproduced. A wrong set is refused with the name of the one that fits."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.test import Client

from upstream.community.geo import geography_set_load, packaged_county_fips
from upstream.community.models import Geography, GeographySet, IndexDefinition, IndexResult
from upstream.community.svi import SVI_THEMES, SVI_VARIABLES, read_svi_csv
from upstream.community.topology import DERIVED, derive_file

THEMES = [t.key for t in SVI_THEMES]


def published_outputs(path: Path) -> dict[str, dict[str, float]]:
    """Every published EPL_, F_, SPL_ and RPL_ value of a CDC file, by FIPS."""
    frame = read_svi_csv(path)
    columns = [f"EPL_{v}" for v in SVI_VARIABLES] + [f"F_{v}" for v in SVI_VARIABLES]
    columns += [f"SPL_{k}" for k in THEMES] + [f"RPL_{k}" for k in THEMES]
    columns += [f"F_{k}" for k in THEMES]
    columns += ["SPL_THEMES", "RPL_THEMES", "F_TOTAL"]
    return {row.pop("FIPS"): row for row in frame.select("FIPS", *columns).to_dicts()}


def stored_outputs(index: IndexDefinition) -> dict[str, dict[str, float | None]]:
    """The same columns from the stored national results."""
    out: dict[str, dict[str, float | None]] = {}
    for r in IndexResult.objects.filter(index=index, scope="national").select_related("geography"):
        row: dict[str, float | None] = {
            "SPL_THEMES": r.score,
            "RPL_THEMES": r.percentile,
            "F_TOTAL": r.flag_total,
        }
        for v in SVI_VARIABLES:
            variable = r.variables[f"svi-{v.lower()}"]
            row[f"EPL_{v}"] = variable["percentile"]
            row[f"F_{v}"] = variable["flag"]
        for k in THEMES:
            row[f"SPL_{k}"] = r.themes[k]["score"]
            row[f"RPL_{k}"] = r.themes[k]["percentile"]
            row[f"F_{k}"] = r.themes[k]["flags"]
        out[r.geography.fips] = row
    return out


DC = "11001"


def expected_value(row: dict[str, float], column: str, fips: str) -> float:
    """CDC's value, except DC's 2020 flags: CDC wrote -999 in all 21 F_ columns although DC was
    ranked normally, so its flags are the ones CDC's own DC percentiles give."""
    value = row[column]
    if fips != DC or value != -999 or not column.startswith("F_"):
        return float(value)
    name = column.removeprefix("F_")
    if name in SVI_VARIABLES:
        return float(row[f"EPL_{name}"] >= 0.90)
    theme = next((t for t in SVI_THEMES if t.key == name), None)
    names = theme.variables if theme else SVI_VARIABLES
    return float(sum(row[f"EPL_{v}"] >= 0.90 for v in names))


def mismatches(
    theirs: dict[str, dict[str, float]], ours: dict[str, dict[str, float | None]]
) -> list[str]:
    found = []
    for fips, row in theirs.items():
        for column in row:
            mine, expected = ours[fips][column], expected_value(row, column, fips)
            if mine != expected:
                found.append(f"{fips} {column}: CDC {row[column]}, ours {mine}")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "geography_set", "counties"), [(2020, "us-2020", 3143), (2022, "us-2023", 3144)]
)
def test_cdc_county_file_imports_into_a_fresh_database_and_reproduces_every_published_value(
    shared_data: Path, year: int, geography_set: str, counties: int
) -> None:
    assert not GeographySet.objects.exists()  # as after `migrate`: nothing loaded yet
    path = shared_data / "svi" / f"SVI_{year}_US_county.csv"
    out = io.StringIO()
    call_command("community", "import-svi", str(path), "--year", str(year), stdout=out)
    assert f"into {geography_set}." in out.getvalue()
    assert f"({counties} counties ranked)" in out.getvalue()
    assert list(GeographySet.objects.values_list("key", flat=True)) == [geography_set]
    index = IndexDefinition.objects.get(key=f"svi-{year}")
    assert index.geography_set.key == geography_set
    theirs, ours = published_outputs(path), stored_outputs(index)
    assert set(ours) == set(theirs)
    assert len(theirs) == counties
    assert mismatches(theirs, ours) == []


@pytest.mark.django_db
def test_svi_2020_into_the_2017_set_names_the_2020_set_that_fits(shared_data: Path) -> None:
    geography_set_load(key="us-2017")
    path = shared_data / "svi" / "SVI_2020_US_county.csv"
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("community", "import-svi", str(path), "--set", "us-2017", stderr=err)
    assert "FIPS 02063 (Chugach, Alaska) is not in geography set us-2017" in (err.getvalue())
    assert "these counties are those of geography set us-2020" in err.getvalue()
    assert "--set us-2020" in err.getvalue()
    assert not IndexDefinition.objects.exists()


@pytest.mark.django_db
def test_svi_2022_into_the_2020_set_names_the_2023_set_that_fits(shared_data: Path) -> None:
    path = shared_data / "svi" / "SVI_2022_US_county.csv"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("community", "import-svi", str(path), "--set", "us-2020", stderr=err)
    assert "FIPS 09110" in err.getvalue()
    assert "these counties are those of geography set us-2023" in err.getvalue()
    # nothing was written: not even the us-2020 set the file was checked against
    assert not Geography.objects.exists()
    assert not IndexDefinition.objects.exists()


def test_2020_boundaries_replace_valdez_cordova_with_chugach_and_copper_river() -> None:
    y2017, y2020 = packaged_county_fips("us-2017"), packaged_county_fips("us-2020")
    assert y2020 - y2017 == {"02063", "02066"}
    assert y2017 - y2020 == {"02261"}
    assert {f"090{n:02d}" for n in range(1, 16, 2)} <= y2020  # Connecticut's old counties


def test_2020_shapes_draw_the_new_alaska_areas_with_the_2023_outlines() -> None:
    root = Path(settings.COMMUNITY_NODE_MODULES)
    topology = derive_file("us-2020", root)
    donor = json.loads((root / DERIVED["us-2020"].donor).read_text(encoding="utf-8"))
    geometries = {g["id"]: g for g in topology["objects"]["counties"]["geometries"]}
    assert geometries["02066"]["properties"]["name"] == "Copper River"
    assert "02261" not in geometries

    def outline(topo: dict[str, Any], fips: str) -> list[tuple[float, float]]:
        geometry = next(g for g in topo["objects"]["counties"]["geometries"] if g["id"] == fips)
        (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
        points = []
        for ring in geometry["arcs"] if geometry["type"] == "Polygon" else geometry["arcs"][0]:
            for ref in ring:
                arc = topo["arcs"][ref if ref >= 0 else ~ref]
                x = y = 0
                for dx, dy in arc:
                    x, y = x + dx, y + dy
                    points.append((x * sx + tx, y * sy + ty))
        return points

    ours, theirs = outline(topology, "02066"), outline(donor, "02066")
    assert len(ours) == len(theirs)
    # re-quantized in the 2017 grid: every point within one grid step of the 2023 outline
    step = max(topology["transform"]["scale"])
    assert all(
        abs(a - c) <= step and abs(b - d) <= step
        for (a, b), (c, d) in zip(sorted(ours), sorted(theirs), strict=True)
    )


@pytest.mark.django_db
def test_the_map_of_svi_2020_draws_the_2020_shapes(shared_data: Path) -> None:
    path = shared_data / "svi" / "SVI_2020_US_county.csv"
    call_command("community", "import-svi", str(path), stdout=io.StringIO())
    response = Client().get("/community/?show=index:svi-2020")
    assert response.status_code == 200
    spec = response.context["spec"]
    url = spec["layer"][0]["data"]["url"]
    assert url == "/static/vendor/us-atlas-2020/counties-albers-10m.json"
    shapes = finders.find("vendor/us-atlas-2020/counties-albers-10m.json")
    assert shapes, "the asset build writes the 2020 shapes (make assets)"
    drawn = json.loads(Path(shapes).read_text(encoding="utf-8"))
    ids = {g["id"] for g in drawn["objects"]["counties"]["geometries"]}
    assert {"02063", "02066", "09001"} <= ids and "02261" not in ids
    lookup = next(step for step in spec["layer"][1]["transform"] if "lookup" in step)
    values = lookup["from"]["data"]["values"]
    assert {v["fips"] for v in values} <= ids
    assert len(values) == 3143
