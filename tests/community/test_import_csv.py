"""The long CSV import reports every problem with its row number and writes nothing on any."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.community.conftest import write
from upstream.community.imports import import_long_csv
from upstream.community.models import GeographySet, Observation
from upstream.community.problems import CommunityDataError


def problems_of(text: str, **kwargs: object) -> list[str]:
    with pytest.raises(CommunityDataError) as caught:
        import_long_csv(text=text, **kwargs)  # type: ignore[arg-type]
    assert Observation.objects.count() == 0
    return [str(p) for p in caught.value.problems]


def test_good_rows_are_stored_with_margins_of_error(
    us2023: GeographySet, youth_indicator: str
) -> None:
    text = "fips,indicator,year,value,moe\n42001,youth-idle,2022,7.5,1.2\n6037,youth-idle,2022,9,\n"
    result = import_long_csv(text=text)
    assert result.observations == 2
    stored = {
        o.geography.fips: (o.value, o.moe) for o in Observation.objects.select_related("geography")
    }
    assert stored == {"42001": (7.5, 1.2), "06037": (9.0, None)}


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_written(
    us2023: GeographySet, youth_indicator: str
) -> None:
    text = (
        "fips,indicator,year,value,moe\n"
        "42001,youth-idle,2022,7.5,1\n"  # row 1: fine
        "4200X,youth-idle,2022,7.5,1\n"  # row 2: malformed FIPS
        "72001,youth-idle,2022,3,\n"  # row 3: Puerto Rico is not in the set
        "42003,no-such-indicator,2022,3,\n"  # row 4: unknown indicator
        "42005,youth-idle,2022,n/a,\n"  # row 5: not a number
        "42001,youth-idle,2022,8,\n"  # row 6: duplicate of row 1
        "42007,youth-idle,twenty,8,\n"  # row 7: bad year
        "42009,youth-idle,2022,-999,\n"  # row 8: missing-value code
        "42011,youth-idle,2022,4,wide\n"  # row 9: bad moe
    )
    problems = problems_of(text)
    assert [p.split(":")[0] for p in problems] == [
        "row 2, column fips",
        "row 3, column fips",
        "row 4, column indicator",
        "row 5, column value",
        "row 6",
        "row 7, column year",
        "row 8, column value",
        "row 9, column moe",
    ]
    assert problems[0] == "row 2, column fips: malformed FIPS '4200X' (2, 5 or 11 digits)"
    assert "FIPS 72001 is not in geography set us-2023" in problems[1]
    assert "unknown indicator 'no-such-indicator'" in problems[2]
    assert problems[3] == "row 5, column value: value 'n/a' is not a number"
    assert "duplicate observation of youth-idle for 42001 in 2022 (first in row 1)" in problems[4]
    assert problems[5] == "row 7, column year: year 'twenty' is not a year"
    assert "missing-value code" in problems[6]
    assert problems[7] == "row 9, column moe: moe 'wide' is not a number"


def test_join_problems_are_reported_once_the_cells_are_well_formed(
    us2023: GeographySet, youth_indicator: str
) -> None:
    text = (
        "fips,indicator,year,value\n"
        "42001,youth-idle,2022,7.5\n"
        "72001,youth-idle,2022,3\n"
        "42003,no-such-indicator,2022,3\n"
        "42001,youth-idle,2022,8\n"
    )
    problems = problems_of(text)
    assert problems[0].startswith("row 2, column fips: FIPS 72001 is not in geography set us-2023")
    assert problems[1].startswith("row 3, column indicator: unknown indicator 'no-such-indicator'")
    assert problems[2] == (
        "row 4: duplicate observation of youth-idle for 42001 in 2022 (first in row 1)"
    )
    assert len(problems) == 3


def test_a_csv_without_the_required_columns_is_refused(us2023: GeographySet) -> None:
    problems = problems_of("geoid,measure,value\n42001,x,1\n")
    assert problems == [
        "missing required columns: fips, indicator, year (found: geoid, measure, value)"
    ]


def test_data_of_another_vintage_is_reported_per_row(
    us2017: GeographySet, youth_indicator: str
) -> None:
    text = (
        "fips,indicator,year,value\n"
        "09110,youth-idle,2022,1\n02063,youth-idle,2022,2\n09001,youth-idle,2022,3\n"
    )
    problems = problems_of(text, geography_set="us-2017")
    assert [p.split(":")[0] for p in problems] == ["row 1, column fips", "row 2, column fips"]
    assert "us-2017 (2017 boundaries)" in problems[0]


def test_observations_already_stored_need_replace(
    us2023: GeographySet, youth_indicator: str
) -> None:
    import_long_csv(text="fips,indicator,year,value\n42001,youth-idle,2022,1\n")
    with pytest.raises(CommunityDataError, match="already stored"):
        import_long_csv(text="fips,indicator,year,value\n42001,youth-idle,2022,2\n")
    import_long_csv(text="fips,indicator,year,value\n42001,youth-idle,2022,2\n", replace=True)
    assert list(Observation.objects.values_list("value", flat=True)) == [2.0]


def test_the_command_prints_every_problem_and_exits_with_an_error(
    us2023: GeographySet, youth_indicator: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.csv", "fips,indicator,year,value\n1,youth-idle,2022,x\n")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("community", "import-csv", str(path))
    err = capsys.readouterr().err
    assert "row 1, column fips: malformed FIPS '1'" in err
    assert "row 1, column value: value 'x' is not a number" in err
    assert Observation.objects.count() == 0


def test_replace_overwrites_only_the_named_values_in_a_few_queries(
    us2023: GeographySet, youth_indicator: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from upstream.community.models import Geography

    counties = list(
        Geography.objects.filter(geography_set=us2023, kind="county")
        .order_by("fips")
        .values_list("fips", flat=True)[:300]
    )
    rows = "".join(f"{fips},youth-idle,2022,1\n" for fips in counties)
    import_long_csv(text="fips,indicator,year,value\n" + rows)
    import_long_csv(text=f"fips,indicator,year,value\n{counties[0]},youth-idle,2021,7\n")

    def replace(count: int) -> int:
        again = "".join(f"{fips},youth-idle,2022,2\n" for fips in counties[:count])
        with CaptureQueriesContext(connection) as queries:
            import_long_csv(text="fips,indicator,year,value\n" + again, replace=True)
        return len(queries)

    few, many = replace(10), replace(250)
    assert many - few <= 3  # batched inserts may split; one DELETE per row would add 240
    values = dict(Observation.objects.filter(year=2022).values_list("geography__fips", "value"))
    assert [values[f] for f in counties[:250]] == [2.0] * 250
    assert [values[f] for f in counties[250:]] == [1.0] * 50
    assert Observation.objects.get(year=2021).value == 7.0
