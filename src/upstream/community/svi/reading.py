"""Reading CDC/ATSDR SVI CSV files into Polars frames, with every problem listed."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import polars as pl

from upstream.community.svi.method import SVI_VARIABLES
from upstream.core.text import count

# Census/ACS "jam values" that may stand in an estimate or MOE field.  -555555555
# (MOE of a controlled estimate: no sampling error) is the one the SVI county
# files contain; the others are listed so a tract file cannot slip one through.
ACS_SENTINELS: Final[tuple[float, ...]] = (
    -999.0,
    -222222222.0,
    -333333333.0,
    -555555555.0,
    -666666666.0,
    -888888888.0,
    -999999999.0,
)

SENTINEL_COLUMN: Final = "SVI_SENTINELS"
"""Column added by :func:`read_svi_csv`: the ``COLUMN=code`` sentinels it nulled."""


# ---------------------------------------------------------------------------
# reading CDC files
# ---------------------------------------------------------------------------


class SviFileError(ValueError):
    """A CDC SVI CSV cannot be used; ``problems`` lists every reason found."""

    def __init__(self, path: str | Path, problems: Sequence[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{self.path}: {count(len(self.problems), 'problem')}\n{lines}")


ID_COLUMNS: Final = ("ST", "STCNTY", "FIPS")
REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    *ID_COLUMNS,
    "E_TOTPOP",
    *(f"EP_{v}" for v in SVI_VARIABLES),
)
_NUMERIC_PREFIXES: Final = ("E_", "M_", "EP_", "MP_", "EPL_", "SPL_", "RPL_", "F_")
_SENTINEL_PREFIXES: Final = ("E_", "M_", "EP_", "MP_")
_MAX_ROWS_LISTED: Final = 20


def _is_numeric_column(name: str) -> bool:
    return name == "AREA_SQMI" or name.startswith(_NUMERIC_PREFIXES)


def _rows(mask: pl.Series) -> list[int]:
    """1-based data row numbers where ``mask`` is true."""
    return list((mask.arg_true() + 1).to_list())


def _row_list(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_MAX_ROWS_LISTED])
    more = len(rows) - _MAX_ROWS_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def read_svi_csv(path: str | Path, *, sentinels_to_null: bool = True) -> pl.DataFrame:
    """Read a CDC/ATSDR SVI county or tract CSV (any release from 2020 on).

    * UTF-8 with or without BOM, LF or CRLF.
    * ``ST``, ``STCNTY`` and ``FIPS`` become zero-padded strings (2, 5, and 5 for
      counties / 11 for tracts; the 2022 files are not padded).
    * Numeric columns (``AREA_SQMI`` and every ``E_ M_ EP_ MP_ EPL_ SPL_ RPL_ F_``
      column) become Float64; other columns stay strings.
    * In estimate/MOE columns (``E_ M_ EP_ MP_``) the sentinels ``-999`` and the
      ACS codes (``-555555555``, ...) become null, and each row's
      ``SVI_SENTINELS`` list keeps ``"COLUMN=code"`` for what was nulled, so the
      raw file stays auditable.  Published results (EPL_, SPL_, RPL_, F_) keep
      CDC's ``-999``.  ``sentinels_to_null=False`` returns the raw values.

    Raises :class:`SviFileError` listing every problem: missing required columns,
    non-numeric values (with 1-based data row numbers; CSV line = row + 1), bad or
    duplicate FIPS codes.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SviFileError(path, [f"cannot read file: {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise SviFileError(path, [f"not UTF-8 text: {exc}"]) from exc
    return read_svi_text(text, source=str(path), sentinels_to_null=sentinels_to_null)


def read_svi_text(text: str, *, source: str, sentinels_to_null: bool = True) -> pl.DataFrame:
    """:func:`read_svi_csv` of text already read (an upload, say); ``source`` names it in
    problems."""
    path = source
    if not text.strip():
        raise SviFileError(path, ["file is empty"])
    try:
        raw = pl.read_csv(io.StringIO(text), infer_schema=False, raise_if_empty=True)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise SviFileError(path, [f"not a readable CSV: {exc}"]) from exc

    problems: list[str] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        problems.append(f"missing required columns ({len(missing)}): " + ", ".join(missing))

    numeric = [c for c in raw.columns if _is_numeric_column(c)]
    text_cols = raw.select(
        pl.when(pl.col(c).str.strip_chars() == "")
        .then(None)
        .otherwise(pl.col(c).str.strip_chars())
        .alias(c)
        for c in raw.columns
    )
    parsed = text_cols.with_columns(pl.col(c).cast(pl.Float64, strict=False) for c in numeric)
    # "nan"/"inf" parse as floats but are not values a CDC file may hold
    bad = text_cols.select(
        (pl.col(c).is_not_null() & ~pl.col(c).cast(pl.Float64, strict=False).is_finite())
        .fill_null(True)
        .alias(c)
        for c in numeric
    )
    for c in numeric:
        rows = _rows(bad.get_column(c))
        if rows:
            problems.append(f"column {c}: non-numeric values in rows {_row_list(rows)}")

    fips_width = 5
    if "FIPS" in raw.columns:
        fips = parsed.get_column("FIPS")
        not_digits = (~fips.str.contains(r"^[0-9]+$")).fill_null(True)
        if not_digits.any():
            problems.append(
                f"column FIPS: empty or non-digit codes in rows {_row_list(_rows(not_digits))}"
            )
        if (fips.str.len_chars() > 5).any():
            fips_width = 11
        too_long = (fips.str.len_chars() > fips_width).fill_null(False)
        if too_long.any():
            problems.append(
                f"column FIPS: codes longer than {fips_width} digits in rows "
                + _row_list(_rows(too_long))
            )
        padded = fips.str.zfill(fips_width)
        dupes = padded.is_duplicated() & padded.is_not_null()
        if dupes.any():
            problems.append(f"column FIPS: duplicate codes in rows {_row_list(_rows(dupes))}")
    if problems:
        raise SviFileError(path, problems)

    frame = parsed.with_columns(
        pl.col("ST").str.zfill(2),
        pl.col("STCNTY").str.zfill(5),
        pl.col("FIPS").str.zfill(fips_width),
    )
    if not sentinels_to_null:
        return frame
    cleanable = [c for c in numeric if c.startswith(_SENTINEL_PREFIXES)]
    codes = list(ACS_SENTINELS)
    found = [
        pl.when(pl.col(c).is_in(codes))
        .then(pl.format("{}={}", pl.lit(c), pl.col(c).cast(pl.Int64)))
        .otherwise(None)
        for c in cleanable
    ]
    audit = (
        pl.concat_list(found).list.drop_nulls() if found else pl.lit([], dtype=pl.List(pl.String))
    )
    return frame.with_columns(audit.alias(SENTINEL_COLUMN)).with_columns(
        pl.when(pl.col(c).is_in(codes)).then(None).otherwise(pl.col(c)).alias(c) for c in cleanable
    )
