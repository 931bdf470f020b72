"""Importing the CDC SVI file, then computing the index from the stored observations,
reproduces CDC's published results exactly; vintage mismatches are reported per row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.community.conftest import write
from upstream.community.imports import import_svi_csv
from upstream.community.models import (
    Geography,
    GeographySet,
    IndexDefinition,
    IndexResult,
    Observation,
)
from upstream.community.problems import CommunityDataError
from upstream.community.services import index_compute, svi_index_ensure
from upstream.community.svi import SVI_THEMES, SVI_VARIABLES, read_svi_csv

THEME_KEYS = [t.key for t in SVI_THEMES]


def published(path: Path) -> dict[str, dict[str, float]]:
    frame = read_svi_csv(path)
    columns = ["RPL_THEMES", "SPL_THEMES", "F_TOTAL"]
    columns += [f"RPL_{k}" for k in THEME_KEYS] + [f"SPL_{k}" for k in THEME_KEYS]
    columns += [f"EPL_{v}" for v in SVI_VARIABLES]
    return {row["FIPS"]: row for row in frame.select("FIPS", *columns).to_dicts()}


def stored(index: IndexDefinition, scope: str) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for r in IndexResult.objects.filter(index=index, scope=scope).select_related("geography"):
        row: dict[str, float | None] = {
            "RPL_THEMES": r.percentile,
            "SPL_THEMES": r.score,
            "F_TOTAL": r.flag_total,
        }
        for k in THEME_KEYS:
            row[f"RPL_{k}"] = r.themes[k]["percentile"]
            row[f"SPL_{k}"] = r.themes[k]["score"]
        for v in SVI_VARIABLES:
            row[f"EPL_{v}"] = r.variables[f"svi-{v.lower()}"]["percentile"]
        out[r.geography.fips] = row
    return out


def differences(
    theirs: dict[str, dict[str, float]], ours: dict[str, dict[str, float | None]]
) -> int:
    assert set(theirs) <= set(ours)
    return sum(
        1
        for fips, row in theirs.items()
        for column, value in row.items()
        if column != "FIPS" and float(value) != ours[fips][column]
    )


@pytest.mark.django_db
def test_stored_2022_observations_reproduce_every_published_national_result(
    us2023: GeographySet, svi_2022_file: Path
) -> None:
    result = import_svi_csv(path=svi_2022_file)
    assert result.years == [2022]
    assert result.observations == 3144 * 17
    index = svi_index_ensure(year=2022, geography_set=us2023)
    theirs = published(svi_2022_file)
    ours = stored(index, "national")
    assert len(ours) == 3144
    assert differences(theirs, ours) == 0
    assert index.provenance["computed"]["ranked_nationally"] == 3144


@pytest.mark.django_db
def test_within_state_ranking_reproduces_cdc_pennsylvania_file(
    us2023: GeographySet, svi_2022_file: Path, shared_data: Path
) -> None:
    import_svi_csv(path=svi_2022_file)
    index = svi_index_ensure(year=2022, geography_set=us2023)
    theirs = published(shared_data / "svi" / "SVI_2022_PENNSYLVANIA_county.csv")
    assert len(theirs) == 67
    assert differences(theirs, stored(index, "state")) == 0


@pytest.mark.django_db
def test_recomputing_from_the_saved_definition_gives_the_same_results(
    us2023: GeographySet, svi_2022_file: Path
) -> None:
    import_svi_csv(path=svi_2022_file)
    index = svi_index_ensure(year=2022, geography_set=us2023)
    before = stored(index, "national")
    digest = index.provenance["computed"]["inputs_digest"]
    index_compute(index=IndexDefinition.objects.get(pk=index.pk))
    index.refresh_from_db()
    assert stored(index, "national") == before
    assert index.provenance["computed"]["inputs_digest"] == digest


@pytest.mark.django_db
def test_svi_2022_against_2017_boundaries_reports_connecticut_and_alaska_rows(
    us2017: GeographySet, svi_2022_file: Path
) -> None:
    with pytest.raises(CommunityDataError) as caught:
        import_svi_csv(path=svi_2022_file, geography_set="us-2017")
    *problems, hint = [str(p) for p in caught.value.problems]
    fips = sorted(p.split("FIPS ")[1][:5] for p in problems)
    assert fips == ["02063", "02066"] + [f"09{n}" for n in range(110, 200, 10)]
    assert all(p.startswith("row ") for p in problems)
    assert hint.startswith("these counties are those of geography set us-2023")
    assert any("Capitol Planning Region" in p for p in problems)
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_svi_2020_against_2017_boundaries_reports_only_the_new_alaska_areas(
    us2017: GeographySet, shared_data: Path
) -> None:
    with pytest.raises(CommunityDataError) as caught:
        import_svi_csv(path=shared_data / "svi" / "SVI_2020_US_county.csv", geography_set="us-2017")
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 3
    assert "FIPS 02063" in problems[0] and "FIPS 02066" in problems[1]
    assert "--set us-2020" in problems[2]
    assert Observation.objects.count() == 0


HEADER = "ST,STCNTY,FIPS,COUNTY,STATE,E_TOTPOP," + ",".join(f"EP_{v}" for v in SVI_VARIABLES)


def small_svi(rows: list[tuple[str, float, list[float]]]) -> str:
    lines = [HEADER]
    for fips, pop, values in rows:
        lines.append(
            f"{fips[:2]},{fips[:5]},{fips},Test,State,{pop}," + ",".join(str(v) for v in values)
        )
    return "\ufeff" + "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_sentinels_and_zero_population_are_left_out_of_the_ranking(
    us2023: GeographySet, tmp_path: Path
) -> None:
    values = [[float(i + j) for j in range(16)] for i in range(4)]
    values[1][0] = -999
    path = write(
        tmp_path,
        "SVI_2022_test.csv",
        small_svi(
            [
                ("1001", 100, values[0]),
                ("1003", 100, values[1]),
                ("1005", 0, values[2]),
                ("1007", 100, values[3]),
            ]
        ),
    )
    result = import_svi_csv(path=path)
    assert result.skipped_missing == 1
    index = svi_index_ensure(year=2022, geography_set=us2023)
    rows = stored(index, "national")
    assert rows["01005"]["RPL_THEMES"] is None  # zero population: not ranked
    assert rows["01003"]["EPL_POV150"] is None  # -999: not ranked on that variable
    assert rows["01003"]["RPL_THEMES"] is not None
    assert [rows[f]["EPL_UNEMP"] for f in ("01001", "01003", "01007")] == [0.0, 0.5, 1.0]


@pytest.mark.django_db
def test_a_broken_svi_file_reports_every_problem(us2023: GeographySet, tmp_path: Path) -> None:
    text = "ST,STCNTY,FIPS,E_TOTPOP\n01,01001,01001,abc\n01,01001,01001,5\n"
    path = write(tmp_path, "SVI_2022_broken.csv", text)
    with pytest.raises(CommunityDataError) as caught:
        import_svi_csv(path=path)
    text_problems = " | ".join(str(p) for p in caught.value.problems)
    assert "missing required columns (16)" in text_problems
    assert "column E_TOTPOP: non-numeric values in rows 1" in text_problems
    assert "duplicate codes in rows 1, 2" in text_problems
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_a_tract_file_adds_tracts_under_their_counties(
    us2023: GeographySet, tmp_path: Path
) -> None:
    values = [[float(i * 2 + j) for j in range(16)] for i in range(3)]
    path = write(
        tmp_path,
        "SVI_2022_tracts.csv",
        small_svi(
            [
                ("1001020100", 900, values[0]),
                ("1001020200", 800, values[1]),
                ("99999000100", 5, values[2]),
            ]
        ),
    )
    with pytest.raises(CommunityDataError, match="FIPS 99999"):
        import_svi_csv(path=path)
    assert not Geography.objects.filter(kind="tract").exists()
    path = write(
        tmp_path,
        "SVI_2022_tracts.csv",
        small_svi([("1001020100", 900, values[0]), ("1001020200", 800, values[1])]),
    )
    result = import_svi_csv(path=path)
    assert result.tracts_added == 2
    tract = Geography.objects.select_related("parent").get(fips="01001020100")
    assert tract.kind == "tract" and tract.parent is not None and tract.parent.fips == "01001"


@pytest.mark.django_db
def test_fetch_svi_with_a_local_file_imports_and_computes(
    us2023: GeographySet, svi_2022_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("community", "fetch-svi", "--year", "2022", "--file", str(svi_2022_file))
    out = capsys.readouterr().out
    assert "Imported 53448 observations" in out
    assert "Computed index svi-2022 (3144 counties ranked)" in out
    assert IndexResult.objects.filter(index__key="svi-2022").count() == 2 * 3144


@pytest.mark.django_db
def test_fetch_svi_offline_says_how_to_use_a_local_file(
    us2023: GeographySet, monkeypatch: pytest.MonkeyPatch
) -> None:
    import urllib.error
    import urllib.request

    from django.core.management import CommandError

    def offline(*args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(CommandError, match=r"offline.*fetch-svi --year 2022 --file PATH"):
        call_command("community", "fetch-svi", "--year", "2022")
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_fetch_svi_downloads_from_the_configured_address(
    us2023: GeographySet,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    import io
    import urllib.request

    values = [[float(i + j) for j in range(16)] for i in range(3)]
    body = small_svi([("1001", 10, values[0]), ("1003", 10, values[1]), ("1005", 10, values[2])])
    asked: list[str] = []

    def fake_urlopen(url: str, timeout: float) -> io.BytesIO:
        asked.append(url)
        return io.BytesIO(body.encode("utf-8"))

    settings.COMMUNITY_SVI_URL = "https://example.invalid/SVI_{year}.csv"
    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    call_command("community", "fetch-svi", "--year", "2022")
    assert asked == ["https://example.invalid/SVI_2022.csv"]
    assert IndexResult.objects.filter(index__key="svi-2022", scope="national").count() == 3


@pytest.mark.django_db
def test_importing_a_tract_file_again_does_not_compute_a_county_index(
    us2023: GeographySet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = [[float(i + j) for j in range(16)] for i in range(2)]
    path = write(
        tmp_path,
        "SVI_2022_tracts.csv",
        small_svi([("1001020100", 900, values[0]), ("1001020200", 800, values[1])]),
    )
    call_command("community", "import-svi", str(path))
    call_command("community", "import-svi", str(path))
    out = capsys.readouterr().out
    assert out.count("Define a tract index with `kind: tract`") == 2
    assert not IndexDefinition.objects.exists()
    assert Observation.objects.count() == 2 * 17


@pytest.mark.django_db
def test_a_tract_index_ranks_the_imported_tracts(us2023: GeographySet, tmp_path: Path) -> None:
    from upstream.community.services import index_define, svi_spec

    values = [[float(i + j) for j in range(16)] for i in range(3)]
    rows = [("1001020100", 900, values[0]), ("1001020200", 800, values[1])]
    rows.append(("1003010100", 700, values[2]))
    import_svi_csv(path=write(tmp_path, "SVI_2022_tracts.csv", small_svi(rows)))
    tract_spec = {**svi_spec(year=2022, geography_set="us-2023", key="svi-2022-tracts")}
    tract_spec["kind"] = "tract"
    index = index_define(spec=tract_spec)
    index_compute(index=index)
    ours = stored(index, "national")
    assert [ours[f]["RPL_THEMES"] for f in sorted(ours)] == [0.0, 0.5, 1.0]
