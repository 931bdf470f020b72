"""CDC/ATSDR Social Vulnerability Index (SVI) engine: Polars frames in and out, NumPy inside.

The method reproduces the published CDC/ATSDR SVI county files exactly (2020 and
2022, national and state rankings); see ``tests/community/test_svi_method.py``.

Method (CDC/ATSDR SVI documentation, checked against the files)
----------------------------------------------------------------
* Percentile rank of a value: ``(rank - 1) / (N - 1)``, ranks in ascending order,
  ties take the lowest rank (Excel ``PERCENTRANK.INC``, SQL ``PERCENT_RANK``),
  ``N`` = units in the ranking universe that have a value.  The result is rounded
  to 4 decimals.  Rounding is done on the *exact* rational value with integer
  arithmetic, half away from zero (Excel ``ROUND``), so it never depends on
  binary floating-point noise.  The published files cannot tell half rules apart
  (no exact half occurs with N = 3143, 3144 or 67), so Polars' float ``round``
  (half to even) and Python's ``round`` reproduce them too; the exact rule only
  matters for universes where ``N - 1`` is a multiple of 32.
* A universe with a single ranked unit has no defined percentile: the value is
  missing (``-999``).
* Variables where a *lower* value is more vulnerable (per-capita income up to
  SVI 2018) use the CDC formula ``1 - PERCENTRANK.INC``: ``EPL = 1 - EPL_asc``.
  Tied values therefore share the *highest* percentile of their tie group (not the
  one obtained by ranking the negated value with the "min" method).
* ``SPL_THEMEn = sum(weight * EPL)`` of the theme's variables (rounded EPL values;
  all SVI weights are 1).  Sums are kept as exact integers of ten-thousandths, so
  equal sums tie exactly when they are ranked; a weighted sum is accumulated left to
  right in double precision and rounded to the nearest ten-thousandth (half to even).
  ``RPL_THEMEn`` is the percentile rank of ``SPL_THEMEn``; ``SPL_THEMES`` is the sum
  of the theme sums and ``RPL_THEMES`` its percentile rank.
* Flags: ``F_x = 1`` if ``EPL_x >= 0.90`` else 0; ``F_THEMEn`` counts the theme's
  flags and ``F_TOTAL`` the four theme counts.

Missing data and exclusions (CDC: "-999 means null / no data; units with zero
population are removed from the ranking and their RPL_ values set to -999; any
other -999 field is not used in later calculations, e.g. flag totals skip it")
-------------------------------------------------------------------------------
* A unit whose population is 0, negative, null or -999 is *excluded*: it is not
  ranked, does not count in ``N``, and every output (EPL, F, SPL, RPL, F_THEME,
  F_TOTAL) is ``-999``.
* An input value that is null, NaN, infinite or ``-999`` is missing: the unit is left out
  of that variable's ranking (``N`` counts valid units only) and gets
  ``EPL_x = F_x = -999``.
* Theme sums with a missing variable (``missing_in_sums``):
  ``"skip"`` (default, the CDC rule) sums the variables that are present, so
  the theme is ranked on fewer terms; the sum is only missing when *every*
  variable of the theme is missing.  Beware: skipping a variable contributes
  nothing to the sum, so such a unit looks less vulnerable than it may be.
  ``"propagate"`` makes the theme sum missing as soon as one variable is
  missing, so the unit is not ranked on that theme (nor overall).
  ``SPL_THEMES`` follows the same policy over the theme sums.
* Flag totals always skip missing flags (CDC); a total is missing only when all
  of its flags are missing.
* ``sentinel`` (default ``-999``) is written in place of every missing output;
  pass ``sentinel=None`` to get nulls instead.
"""

from upstream.community.svi.engine import compute_index, compute_svi
from upstream.community.svi.method import (
    DECIMALS,
    MAX_INDEX_WEIGHT,
    MISSING,
    SVI_THEMES,
    SVI_VARIABLES,
    Direction,
    IndexVariable,
    MissingPolicy,
    OutputNames,
    SviTheme,
    svi_theme_spec,
)
from upstream.community.svi.ranks import _Groups as _Groups
from upstream.community.svi.ranks import _Ranker as _Ranker
from upstream.community.svi.ranks import percentile_rank
from upstream.community.svi.reading import (
    ACS_SENTINELS,
    ID_COLUMNS,
    REQUIRED_COLUMNS,
    SENTINEL_COLUMN,
    SviFileError,
    read_svi_csv,
    read_svi_text,
)

__all__ = [
    "ACS_SENTINELS",
    "DECIMALS",
    "ID_COLUMNS",
    "MAX_INDEX_WEIGHT",
    "MISSING",
    "REQUIRED_COLUMNS",
    "SENTINEL_COLUMN",
    "SVI_THEMES",
    "SVI_VARIABLES",
    "Direction",
    "IndexVariable",
    "MissingPolicy",
    "OutputNames",
    "SviFileError",
    "SviTheme",
    "compute_index",
    "compute_svi",
    "percentile_rank",
    "read_svi_csv",
    "read_svi_text",
    "svi_theme_spec",
]
