"""The SVI engine reproduces CDC/ATSDR's published files and documented edge rules.

Published files are read from the shared data folder (never copied into the repo).
Each file test compares every EPL_, SPL_THEME, RPL_THEME, SPL_THEMES, RPL_THEMES and
F_ value, recomputed from the raw EP_ columns, and asserts how many were compared.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from upstream.community.svi import (
    SENTINEL_COLUMN,
    SVI_THEMES,
    SVI_VARIABLES,
    IndexVariable,
    SviFileError,
    compute_index,
    compute_svi,
    percentile_rank,
    read_svi_csv,
)

DC = "11001"
RESULT_COLUMNS = (
    [f"EPL_{v}" for v in SVI_VARIABLES]
    + [f"SPL_{t.key}" for t in SVI_THEMES]
    + [f"RPL_{t.key}" for t in SVI_THEMES]
    + ["SPL_THEMES", "RPL_THEMES"]
)
FLAG_COLUMNS = [f"F_{v}" for v in SVI_VARIABLES] + [f"F_{t.key}" for t in SVI_THEMES] + ["F_TOTAL"]


def svi_file(shared_data: Path, name: str) -> Path:
    return shared_data / "svi" / name


@pytest.fixture(scope="module")
def us_2022(shared_data: Path) -> pl.DataFrame:
    return read_svi_csv(svi_file(shared_data, "SVI_2022_US_county.csv"))


@pytest.fixture(scope="module")
def us_2020(shared_data: Path) -> pl.DataFrame:
    return read_svi_csv(svi_file(shared_data, "SVI_2020_US_county.csv"))


@pytest.fixture(scope="module")
def pa_2022(shared_data: Path) -> pl.DataFrame:
    return read_svi_csv(svi_file(shared_data, "SVI_2022_PENNSYLVANIA_county.csv"))


def inputs_only(published: pl.DataFrame) -> pl.DataFrame:
    """The raw inputs of a published file: IDs, population and the 16 EP_ columns."""
    return published.select("ST", "FIPS", "E_TOTPOP", *[f"EP_{v}" for v in SVI_VARIABLES])


def mismatches(
    published: pl.DataFrame, computed: pl.DataFrame, columns: list[str]
) -> tuple[int, dict[str, list[str]]]:
    """Compare ``columns`` row by row (joined on FIPS): (values compared, FIPS that differ)."""
    joined = published.select("FIPS", *columns).join(
        computed.select("FIPS", *[pl.col(c).cast(pl.Float64) for c in columns]),
        on="FIPS",
        how="inner",
        suffix="__ours",
        validate="1:1",
    )
    assert joined.height == published.height == computed.height
    differ: dict[str, list[str]] = {}
    for c in columns:
        theirs, ours = joined.get_column(c), joined.get_column(f"{c}__ours")
        assert theirs.null_count() == 0 and ours.null_count() == 0
        bad = joined.filter(theirs != ours).get_column("FIPS").to_list()
        if bad:
            differ[c] = bad
    return joined.height * len(columns), differ


# ---------------------------------------------------------------------------
# reading the CDC files
# ---------------------------------------------------------------------------


def test_reads_the_2022_county_file_despite_bom_unpadded_fips_and_acs_codes(
    us_2022: pl.DataFrame,
) -> None:
    assert us_2022.height == 3144
    assert us_2022.columns[0] == "ST"  # the BOM is not part of the first name
    assert us_2022.width == 158 + 1  # + the sentinel audit column
    assert us_2022.get_column("FIPS").str.len_chars().unique().to_list() == [5]
    assert us_2022.get_column("ST").str.len_chars().unique().to_list() == [2]
    assert us_2022.filter(pl.col("FIPS") == "01001").get_column("ST").item() == "01"
    assert us_2022.schema["EP_POV150"] == pl.Float64
    assert us_2022.schema["F_TOTAL"] == pl.Float64
    assert us_2022.schema["COUNTY"] == pl.String

    # DC's M_GROUPQ is the ACS "no MOE" code: nulled, and the audit column keeps it.
    audited = us_2022.filter(pl.col(SENTINEL_COLUMN).list.len() > 0)
    assert audited.get_column("FIPS").to_list() == [DC]
    assert audited.get_column(SENTINEL_COLUMN).to_list() == [["M_GROUPQ=-555555555"]]
    assert audited.get_column("M_GROUPQ").to_list() == [None]
    assert us_2022.get_column("M_GROUPQ").null_count() == 1


def test_raw_mode_keeps_sentinels_as_published(shared_data: Path) -> None:
    raw = read_svi_csv(svi_file(shared_data, "SVI_2022_US_county.csv"), sentinels_to_null=False)
    assert SENTINEL_COLUMN not in raw.columns
    assert raw.filter(pl.col("FIPS") == DC).get_column("M_GROUPQ").item() == -555555555.0


def test_2020_file_keeps_cdc_minus_999_in_published_flag_columns(us_2020: pl.DataFrame) -> None:
    assert us_2020.height == 3143
    assert us_2020.get_column("FIPS").str.len_chars().unique().to_list() == [5]
    dc = us_2020.filter(pl.col("FIPS") == DC)
    assert [dc.get_column(c).item() for c in FLAG_COLUMNS] == [-999.0] * 21


# ---------------------------------------------------------------------------
# reproducing the published files
# ---------------------------------------------------------------------------


def test_reproduces_every_value_in_the_2022_us_county_file(us_2022: pl.DataFrame) -> None:
    computed = compute_svi(inputs_only(us_2022))
    compared, differ = mismatches(us_2022, computed, RESULT_COLUMNS + FLAG_COLUMNS)
    assert differ == {}
    assert compared == 3144 * 47 == 147_768


def test_reproduces_every_value_in_the_2020_us_county_file_except_dc_flag_quirk(
    us_2020: pl.DataFrame,
) -> None:
    computed = compute_svi(inputs_only(us_2020))

    # Percentiles and sums: every row, DC included (its EPL values are valid).
    compared, differ = mismatches(us_2020, computed, RESULT_COLUMNS)
    assert differ == {}
    assert compared == 3143 * 26

    # Flags: CDC wrote -999 in all 21 F_ columns for DC in 2020, although DC was
    # ranked normally. Compare the flags of every other county ...
    others = us_2020.filter(pl.col("FIPS") != DC)
    compared, differ = mismatches(others, computed.filter(pl.col("FIPS") != DC), FLAG_COLUMNS)
    assert differ == {}
    assert compared == 3142 * 21

    # ... and check that our DC flags follow from CDC's own DC percentiles.
    dc_file = us_2020.filter(pl.col("FIPS") == DC).row(0, named=True)
    dc_ours = computed.filter(pl.col("FIPS") == DC).row(0, named=True)
    assert all(dc_ours[f"EPL_{v}"] == dc_file[f"EPL_{v}"] for v in SVI_VARIABLES)
    for v in SVI_VARIABLES:
        assert dc_ours[f"F_{v}"] == int(dc_file[f"EPL_{v}"] >= 0.90)
    assert dc_ours["F_TOTAL"] == 3  # MINRTY, MUNIT and NOVEH
    assert dc_ours["F_TOTAL"] == sum(dc_ours[f"F_{t.key}"] for t in SVI_THEMES)


def test_reranking_the_national_file_within_pennsylvania_reproduces_the_state_file(
    us_2022: pl.DataFrame, pa_2022: pl.DataFrame
) -> None:
    by_state = compute_svi(inputs_only(us_2022), group_by="ST")
    pa_ours = by_state.filter(pl.col("ST") == "42")
    compared, differ = mismatches(pa_2022, pa_ours, RESULT_COLUMNS + FLAG_COLUMNS)
    assert differ == {}
    assert compared == 67 * 47

    # The national ranking differs from the state ranking, so this is no accident.
    national = compute_svi(inputs_only(us_2022)).filter(pl.col("ST") == "42")
    _, national_differ = mismatches(pa_2022, national, ["RPL_THEMES"])
    assert len(national_differ["RPL_THEMES"]) > 50


def test_pennsylvania_file_is_reproduced_from_its_own_ep_values(pa_2022: pl.DataFrame) -> None:
    compared, differ = mismatches(
        pa_2022, compute_svi(inputs_only(pa_2022)), RESULT_COLUMNS + FLAG_COLUMNS
    )
    assert differ == {}
    assert compared == 67 * 47


def test_a_state_with_a_single_county_cannot_be_ranked_within_itself(
    us_2022: pl.DataFrame,
) -> None:
    dc = compute_svi(inputs_only(us_2022), group_by="ST").filter(pl.col("FIPS") == DC)
    assert dc.get_column("RPL_THEMES").item() == -999.0
    assert dc.get_column("EPL_POV150").item() == -999.0
    assert dc.get_column("F_TOTAL").item() == -999


# ---------------------------------------------------------------------------
# percentile rule on synthetic rows
# ---------------------------------------------------------------------------

XY = {"A": [IndexVariable("x", "X"), IndexVariable("y", "Y")], "B": [IndexVariable("z", "Z")]}


def index(frame: dict[str, list[object]], **kwargs: object) -> pl.DataFrame:
    kwargs.setdefault("themes", XY)
    kwargs.setdefault("population", "pop")
    return compute_index(pl.DataFrame(frame), **kwargs)  # type: ignore[arg-type]


def test_ties_take_the_lowest_rank() -> None:
    values = pl.DataFrame({"v": [10.0, 20.0, 20.0, 20.0, 30.0]})
    ranks = values.select(percentile_rank(pl.col("v"))).to_series().to_list()
    assert ranks == [0.0, 0.25, 0.25, 0.25, 1.0]


def test_percentile_is_rounded_half_away_from_zero_on_the_exact_fraction() -> None:
    # 33 units: rank 2 is exactly 1/32 = 0.03125. Excel/SQL ROUND gives 0.0313;
    # Polars' default float round (half to even) and Python's round give 0.0312.
    values = pl.DataFrame({"v": list(range(33))})
    ranks = values.select(percentile_rank(pl.col("v"))).to_series()
    assert ranks[1] == 0.0313
    assert ranks[3] == 0.0938  # 3/32 = 0.09375
    assert round(1 / 32, 4) == 0.0312
    assert values.select(((pl.col("v").rank("min") - 1) / 32).round(4)).item(1, 0) == 0.0312


def test_percentile_values_are_the_same_floats_as_the_printed_decimals() -> None:
    # Polars divides by a scalar through its reciprocal (3621 / 10000 -> 0.36210000000000003);
    # the engine must still equal the value parsed from "0.3621".
    values = pl.DataFrame({"v": list(range(3144))})
    ranks = values.select(percentile_rank(pl.col("v"))).to_series().to_list()
    assert ranks == [float(f"{round(i / 3143, 4):.4f}") for i in range(3144)]


def test_flag_is_set_at_exactly_the_90th_percentile() -> None:
    out = index(
        {"pop": [1] * 11, "x": list(range(11)), "y": [0] * 11, "z": [0] * 11},
    )
    assert out.get_column("EPL_X").to_list()[8:] == [0.8, 0.9, 1.0]
    assert out.get_column("F_X").to_list()[8:] == [0, 1, 1]
    assert out.get_column("F_TOTAL").to_list()[8:] == [0, 1, 1]


def test_zero_population_units_are_excluded_from_ranking_and_marked_minus_999() -> None:
    out = index(
        {
            "pop": [100, 0, 100, 100, 100],
            "x": [1.0, 99.0, 2.0, 3.0, 4.0],
            "y": [4.0, 99.0, 3.0, 2.0, 1.0],
            "z": [1.0, 99.0, 1.0, 2.0, 2.0],
        }
    )
    # N = 4: the zero-population unit neither ranks nor counts.
    assert out.get_column("EPL_X").to_list() == [0.0, -999.0, 0.3333, 0.6667, 1.0]
    assert out.get_column("EPL_Z").to_list() == [0.0, -999.0, 0.0, 0.6667, 0.6667]
    zero = out.row(1, named=True)
    assert {k: v for k, v in zero.items() if v != -999} == {}
    assert out.get_column("SPL_A").to_list() == [1.0, -999.0, 1.0, 1.0, 1.0]
    assert out.get_column("RPL_A").to_list() == [0.0, -999.0, 0.0, 0.0, 0.0]


def test_null_or_negative_population_also_excludes_the_unit() -> None:
    out = index(
        {
            "pop": [None, -999, 5, 5],
            "x": [1.0, 2.0, 3.0, 4.0],
            "y": [1.0, 2.0, 3.0, 4.0],
            "z": [1.0, 2.0, 3.0, 4.0],
        }
    )
    assert out.get_column("EPL_X").to_list() == [-999.0, -999.0, 0.0, 1.0]


def test_missing_values_are_left_out_of_n_and_skipped_in_sums_and_flag_totals() -> None:
    out = index(
        {
            "pop": [10] * 6,
            "x": [1.0, -999.0, 3.0, None, 5.0, 6.0],
            "y": [60.0, 50.0, 40.0, 30.0, 20.0, 10.0],
            "z": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    # x: 4 valid values, so N = 4; -999 and null are missing.
    assert out.get_column("EPL_X").to_list() == [0.0, -999.0, 0.3333, -999.0, 0.6667, 1.0]
    assert out.get_column("F_X").to_list() == [0, -999, 0, -999, 0, 1]
    epl_y = [1.0, 0.8, 0.6, 0.4, 0.2, 0.0]
    assert out.get_column("EPL_Y").to_list() == epl_y
    # CDC: a -999 field "is not used in later calculations": the theme sum of a
    # unit with a missing variable is the sum of the variables that are present.
    assert out.get_column("SPL_A").to_list() == [1.0, 0.8, 0.9333, 0.4, 0.8667, 1.0]
    assert out.get_column("RPL_A").to_list() == [0.8, 0.2, 0.6, 0.0, 0.4, 0.8]
    assert out.get_column("F_A").to_list() == [1, 0, 0, 0, 0, 1]  # -999 flags are skipped
    assert out.get_column("SPL_THEMES").to_list() == [1.0, 1.0, 1.3333, 1.0, 1.6667, 2.0]
    assert out.get_column("F_TOTAL").to_list() == [1, 0, 0, 0, 0, 2]


def test_nan_and_infinite_inputs_are_missing_too() -> None:
    out = index(
        {
            "pop": [10] * 4,
            "x": [1.0, float("nan"), float("inf"), 2.0],
            "y": [1.0] * 4,
            "z": [1.0] * 4,
        }
    )
    assert out.get_column("EPL_X").to_list() == [0.0, -999.0, -999.0, 1.0]


def test_propagate_policy_leaves_a_theme_with_a_missing_variable_unranked() -> None:
    out = index(
        {
            "pop": [10] * 4,
            "x": [1.0, -999.0, 3.0, 4.0],
            "y": [4.0, 3.0, 2.0, 1.0],
            "z": [1.0, 2.0, 3.0, 4.0],
        },
        missing_in_sums="propagate",
    )
    assert out.get_column("SPL_A").to_list() == [1.0, -999.0, 0.8333, 1.0]
    assert out.get_column("RPL_A").to_list() == [0.5, -999.0, 0.0, 0.5]  # N = 3
    assert out.get_column("SPL_THEMES").to_list()[1] == -999.0
    assert out.get_column("RPL_THEMES").to_list()[1] == -999.0
    assert out.get_column("F_TOTAL").to_list()[1] == 0  # flag totals still skip


def test_a_theme_with_every_variable_missing_has_no_sum() -> None:
    out = index(
        {
            "pop": [10] * 3,
            "x": [None, 1.0, 2.0],
            "y": [None, 1.0, 2.0],
            "z": [1.0, 2.0, 3.0],
        }
    )
    first = out.row(0, named=True)
    assert (first["SPL_A"], first["RPL_A"], first["F_A"]) == (-999.0, -999.0, -999)
    assert first["SPL_THEMES"] == 0.0  # only theme B, at the bottom
    assert first["F_TOTAL"] == 0


def test_inverted_variable_uses_cdc_one_minus_percentrank() -> None:
    # CDC <= 2018: EPL_PCI = 1 - PERCENTRANK.INC(EP_PCI). Lower income, higher EPL;
    # tied incomes share the top percentile of their tie group.
    themes = {"T": [IndexVariable("income", "PCI", "lower_more_vulnerable")]}
    out = index({"pop": [1] * 4, "income": [10.0, 20.0, 20.0, 30.0]}, themes=themes)
    assert out.get_column("EPL_PCI").to_list() == [1.0, 0.6667, 0.6667, 0.0]
    assert out.get_column("F_PCI").to_list() == [1, 0, 0, 0]
    assert out.get_column("RPL_T").to_list() == [1.0, 0.3333, 0.3333, 0.0]


def test_weights_multiply_percentiles_in_the_theme_sum() -> None:
    themes = {
        "T": [IndexVariable("a", "A", weight=2.0), IndexVariable("b", "B", weight=0.5)],
    }
    out = index({"pop": [1] * 3, "a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]}, themes=themes)
    assert out.get_column("SPL_T").to_list() == [0.5, 1.25, 2.0]
    assert out.get_column("RPL_T").to_list() == [0.0, 0.5, 1.0]
    # a weighted sum is rounded to the nearest ten-thousandth
    third = {"T": [IndexVariable("a", "A", weight=1 / 3)]}
    out = index({"pop": [1] * 3, "a": [1.0, 2.0, 3.0]}, themes=third)
    assert out.get_column("SPL_T").to_list() == [0.0, 0.1667, 0.3333]
    # unweighted, the three sums would tie at 1.0
    plain = {"T": [IndexVariable("a", "A"), IndexVariable("b", "B")]}
    tied = index({"pop": [1] * 3, "a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]}, themes=plain)
    assert tied.get_column("RPL_T").to_list() == [0.0, 0.0, 0.0]


def test_within_group_ranking_uses_each_groups_own_universe() -> None:
    out = index(
        {
            "st": ["01", "01", "01", "02", "02", "02", "02", "02"],
            "pop": [1, 1, 1, 1, 1, 1, 0, 1],
            "x": [5.0, 1.0, 9.0, 100.0, 300.0, 200.0, 999.0, -999.0],
            "y": [1.0] * 8,
            "z": [1.0] * 8,
        },
        group_by="st",
        keep=["st"],
    )
    assert out.columns[0] == "st"
    assert out.get_column("EPL_X").to_list() == [0.5, 0.0, 1.0, 0.0, 1.0, 0.5, -999.0, -999.0]


def test_sentinel_none_returns_nulls_instead_of_minus_999() -> None:
    out = index(
        {"pop": [0, 1, 1], "x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0], "z": [1.0, 2.0, 3.0]},
        sentinel=None,
    )
    assert out.row(0) == (None,) * out.width
    assert out.get_column("EPL_X").to_list() == [None, 0.0, 1.0]


def test_output_columns_follow_cdc_order(us_2022: pl.DataFrame) -> None:
    computed = compute_svi(inputs_only(us_2022))
    published = [c for c in us_2022.columns if c in set(RESULT_COLUMNS + FLAG_COLUMNS)]
    assert computed.columns == ["ST", "FIPS", *published]


def test_engine_rejects_an_invalid_specification() -> None:
    with pytest.raises(ValueError, match=r"missing columns: nope, w") as err:
        index(
            {"pop": [1], "x": [1.0], "y": [1.0], "z": [1.0]},
            themes={"A": [IndexVariable("nope", "X"), IndexVariable("w", "X")]},
        )
    assert "duplicate output columns: EPL_X, F_X" in str(err.value)
    with pytest.raises(ValueError, match="weight"):
        IndexVariable("x", "X", weight=0.0)
    with pytest.raises(ValueError, match="direction"):
        IndexVariable("x", "X", direction="sideways")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# malformed files
# ---------------------------------------------------------------------------

HEADER = ["ST", "STATE", "STCNTY", "COUNTY", "FIPS", "E_TOTPOP"] + [
    f"EP_{v}" for v in SVI_VARIABLES
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = True) -> Path:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def good_row(fips: str) -> list[str]:
    return [fips[:-3], "Somewhere", fips, "X County", fips, "1000"] + ["1.5"] * 16


def test_malformed_file_lists_missing_columns_by_name(tmp_path: Path) -> None:
    header = [c for c in HEADER if c not in ("FIPS", "EP_CROWD", "E_TOTPOP")]
    rows = [[v for c, v in zip(HEADER, good_row("1001"), strict=True) if c in header]]
    with pytest.raises(SviFileError) as err:
        read_svi_csv(write_csv(tmp_path / "svi.csv", header, rows))
    assert err.value.problems == [
        "missing required columns (3): FIPS, E_TOTPOP, EP_CROWD",
    ]


def test_malformed_file_lists_every_non_numeric_value_with_its_row(tmp_path: Path) -> None:
    rows = [good_row(f) for f in ("1001", "1003", "1005", "1007")]
    rows[1][HEADER.index("EP_POV150")] = "n/a"
    rows[3][HEADER.index("EP_POV150")] = "12;5"
    rows[2][HEADER.index("E_TOTPOP")] = "lots"
    rows[0][HEADER.index("EP_AGE65")] = ""  # empty is missing, not malformed
    rows[0][HEADER.index("EP_NOVEH")] = "NaN"
    with pytest.raises(SviFileError) as err:
        read_svi_csv(write_csv(tmp_path / "svi.csv", HEADER, rows))
    assert err.value.problems == [
        "column E_TOTPOP: non-numeric values in rows 3",
        "column EP_POV150: non-numeric values in rows 2, 4",
        "column EP_NOVEH: non-numeric values in rows 1",
    ]
    assert "3 problems" in str(err.value)


def test_malformed_file_reports_bad_and_duplicate_fips(tmp_path: Path) -> None:
    rows = [good_row("1001"), good_row("1001"), good_row("1005")]
    rows[2][HEADER.index("FIPS")] = "10O5"
    with pytest.raises(SviFileError) as err:
        read_svi_csv(write_csv(tmp_path / "svi.csv", HEADER, rows))
    assert err.value.problems == [
        "column FIPS: empty or non-digit codes in rows 3",
        "column FIPS: duplicate codes in rows 1, 2",
    ]


def test_empty_and_non_utf8_files_are_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\n")
    with pytest.raises(SviFileError, match="file is empty"):
        read_svi_csv(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("ST,COUNTY\n01,Do\xf1a Ana\n".encode("latin-1"))
    with pytest.raises(SviFileError, match="not UTF-8"):
        read_svi_csv(latin)


def test_tract_fips_are_padded_to_11_digits_without_a_bom(tmp_path: Path) -> None:
    rows = [good_row("1001020100"), good_row("48201100000")]
    rows[0][HEADER.index("ST")], rows[0][HEADER.index("STCNTY")] = "1", "1001"
    rows[1][HEADER.index("ST")], rows[1][HEADER.index("STCNTY")] = "48", "48201"
    rows[1][HEADER.index("EP_GROUPQ")] = "-999"
    frame = read_svi_csv(write_csv(tmp_path / "tracts.csv", HEADER, rows, bom=False))
    assert frame.get_column("FIPS").to_list() == ["01001020100", "48201100000"]
    assert frame.get_column("ST").to_list() == ["01", "48"]
    assert frame.get_column("STCNTY").to_list() == ["01001", "48201"]
    assert frame.get_column("EP_GROUPQ").to_list() == [1.5, None]
    assert frame.get_column(SENTINEL_COLUMN).to_list() == [[], ["EP_GROUPQ=-999"]]


def test_every_ranking_path_agrees_with_polars_rank_on_random_data() -> None:
    """The engine ranks by counting (exact decimals in dense buckets), by a packed value sort
    (sparse integers) or by a lexicographic sort (anything else); each gives exactly the
    percentiles of Polars' sorting rank, nationally and by group, with ties, missing values,
    negative values and lower-is-worse columns."""
    import numpy as np

    from upstream.community.svi import _Groups, _Ranker, percentile_rank

    rng = np.random.default_rng(7)
    n = 5000
    frame = pl.DataFrame(
        {
            "g": rng.choice(["01", "02", "42", "99"], n),
            "pct": np.round(rng.random(n) * 100, 1),  # counting
            "cnt": rng.integers(-50, 50, n).astype(float),  # counting, negative
            "sparse": rng.integers(0, 4, n) * 1_000_000.0,  # too sparse: packed sort
            "real": rng.random(n) / 3,  # not exact decimals: lexsort
        }
    ).with_columns(
        pl.when(pl.int_range(pl.len()) % 17 == 0).then(None).otherwise(pl.col("pct")).alias("pct"),
        pl.when(pl.int_range(pl.len()) % 13 == 0)
        .then(None)
        .otherwise(pl.col("real"))
        .alias("real"),
    )
    checked = 0
    for group in (None, "g"):
        ranker = _Ranker(_Groups.of(frame, group), n)
        for column in ("pct", "cnt", "sparse", "real"):
            values = frame.get_column(column).to_numpy()
            for lower in (False, True):
                units, ranked = np.empty(n), np.empty(n, dtype=bool)
                ranker.rank(values, ranker.load(values, None), units, ranked, lower=lower)
                ours = [u / 10_000 if ok else None for u, ok in zip(units, ranked, strict=True)]
                direction = "lower_more_vulnerable" if lower else "higher_more_vulnerable"
                theirs = frame.select(
                    percentile_rank(pl.col(column), group_by=group, direction=direction)
                ).to_series()
                assert ours == theirs.to_list(), (group, column, lower)
                checked += 1
        # whole numbers (theme sums) take the integral path, dense or sparse
        sums = np.where(frame.get_column("cnt").to_numpy() > 0, 1.0, 0.0) * 70_000
        units, ranked = np.empty(n), np.empty(n, dtype=bool)
        ranker.rank(sums, np.ones(n, dtype=bool), units, ranked, integral=True)
        theirs = frame.with_columns(s=sums).select(percentile_rank(pl.col("s"), group_by=group))
        assert (units / 10_000).tolist() == theirs.to_series().to_list()
    assert checked == 16
    ranker = _Ranker(_Groups.of(frame, None), n)
    ok = np.ones(n, dtype=bool)
    assert ranker._keys(frame.get_column("real").fill_null(0.5).to_numpy(), ok) is None
    width = ranker._keys(frame.get_column("sparse").to_numpy(), ok)
    assert width is not None and ranker.groups * width > 4 * n
    pct = frame.get_column("pct").fill_null(0).to_numpy()
    # one bucket per tenth, and bucket 0 for what is not ranked
    assert ranker._keys(pct, ok) == round(pct.max() * 10) + 2
    assert ranker.keys.min() == 1
