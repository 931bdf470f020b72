"""The SVI method's vocabulary: the 4 themes and 16 variables, index variables, output names."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

Direction = Literal["higher_more_vulnerable", "lower_more_vulnerable"]
MissingPolicy = Literal["skip", "propagate"]

MISSING: Final = -999
"""CDC's "null / no data" code, in inputs and outputs."""

DECIMALS: Final = 4
MAX_INDEX_WEIGHT: Final = 1000.0
"""Weights are relative; bounding them keeps every theme sum an exact whole number."""
_SCALE: Final = 10**DECIMALS


@dataclass(frozen=True, slots=True)
class SviTheme:
    key: str
    name: str
    variables: tuple[str, ...]


SVI_THEMES: Final[tuple[SviTheme, ...]] = (
    SviTheme(
        "THEME1",
        "Socioeconomic status",
        ("POV150", "UNEMP", "HBURD", "NOHSDP", "UNINSUR"),
    ),
    SviTheme(
        "THEME2",
        "Household characteristics",
        ("AGE65", "AGE17", "DISABL", "SNGPNT", "LIMENG"),
    ),
    SviTheme("THEME3", "Racial and ethnic minority status", ("MINRTY",)),
    SviTheme(
        "THEME4",
        "Housing type and transportation",
        ("MUNIT", "MOBILE", "CROWD", "NOVEH", "GROUPQ"),
    ),
)
"""The 4 themes and 16 variables of SVI 2020 and 2022, in CDC column order."""

SVI_VARIABLES: Final[tuple[str, ...]] = tuple(v for t in SVI_THEMES for v in t.variables)


@dataclass(frozen=True, slots=True)
class IndexVariable:
    """One ranked variable: input ``column``, ``output_name`` used in EPL_/F_ names."""

    column: str
    output_name: str
    direction: Direction = "higher_more_vulnerable"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if self.direction not in ("higher_more_vulnerable", "lower_more_vulnerable"):
            raise ValueError(f"{self.output_name}: unknown direction {self.direction!r}")
        if not (math.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"{self.output_name}: weight must be a positive number")
        if self.weight > MAX_INDEX_WEIGHT:
            raise ValueError(f"{self.output_name}: weight must be at most {MAX_INDEX_WEIGHT:g}")


@dataclass(frozen=True, slots=True)
class OutputNames:
    """Output column templates; ``{name}`` is a variable, ``{theme}`` a theme key."""

    percentile: str = "EPL_{name}"
    flag: str = "F_{name}"
    theme_sum: str = "SPL_{theme}"
    theme_percentile: str = "RPL_{theme}"
    theme_flags: str = "F_{theme}"
    overall_sum: str = "SPL_THEMES"
    overall_percentile: str = "RPL_THEMES"
    flag_total: str = "F_TOTAL"


def svi_theme_spec(prefix: str = "EP_") -> dict[str, list[IndexVariable]]:
    """The SVI themes as a ``compute_index`` spec reading ``{prefix}{variable}`` columns."""
    return {t.key: [IndexVariable(f"{prefix}{v}", v) for v in t.variables] for t in SVI_THEMES}
