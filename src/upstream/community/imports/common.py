"""What the community importers share: SVI labels, the result, FIPS, numbers and years."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext, ngettext

from upstream.community.models import GeographySet
from upstream.community.problems import CommunityDataError, Problem
from upstream.community.svi import (
    SVI_THEMES,
)
from upstream.core.validators import is_ascii_digits

LONG_COLUMNS = ("fips", "indicator", "year", "value")
FIPS_LENGTHS = {2: 2, 4: 5, 5: 5, 10: 11, 11: 11}  # unpadded 4/10 digits are CDC's habit
MAX_PROBLEMS = 1000

SVI_POPULATION = "svi-totpop"

SVI_LABELS = {
    "POV150": ("Persons below 150% of the poverty level", "THEME1"),
    "UNEMP": ("Civilian population (16+) unemployed", "THEME1"),
    "HBURD": ("Housing cost-burdened occupied housing units", "THEME1"),
    "NOHSDP": ("Persons (25+) with no high school diploma", "THEME1"),
    "UNINSUR": ("Persons without health insurance", "THEME1"),
    "AGE65": ("Persons aged 65 and older", "THEME2"),
    "AGE17": ("Persons aged 17 and younger", "THEME2"),
    "DISABL": ("Civilian non-institutionalized population with a disability", "THEME2"),
    "SNGPNT": ("Single-parent households with children under 18", "THEME2"),
    "LIMENG": ("Persons (5+) who speak English 'less than well'", "THEME2"),
    "MINRTY": ("Racial and ethnic minority persons", "THEME3"),
    "MUNIT": ("Housing in structures with 10 or more units", "THEME4"),
    "MOBILE": ("Mobile homes", "THEME4"),
    "CROWD": ("Households with more people than rooms", "THEME4"),
    "NOVEH": ("Households with no vehicle available", "THEME4"),
    "GROUPQ": ("Persons in group quarters", "THEME4"),
}
THEME_NAMES = {t.key: t.name for t in SVI_THEMES}


def svi_indicator_key(variable: str) -> str:
    return f"svi-{variable.lower()}"


@dataclass
class ImportResult:
    observations: int
    indicators: list[str]
    years: list[int]
    geography_set: GeographySet
    skipped_missing: int = 0
    tracts_added: int = 0
    kind: str = "county"
    notes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = [
            gettext(
                "Imported %(observations)d observations of %(indicators)d indicators "
                "(%(years)s) into %(set)s."
            )
            % {
                "observations": self.observations,
                "indicators": len(self.indicators),
                "years": ", ".join(str(y) for y in self.years),
                "set": self.geography_set.key,
            }
        ]
        if self.tracts_added:
            parts.append(
                ngettext(
                    "Added %(count)d census tract.",
                    "Added %(count)d census tracts.",
                    self.tracts_added,
                )
                % {"count": self.tracts_added}
            )
        if self.skipped_missing:
            parts.append(
                gettext("Left out %(count)d missing values (-999 and ACS codes).")
                % {"count": self.skipped_missing}
            )
        return " ".join(parts + self.notes)


def _add(problems: list[Problem], problem: Problem) -> None:
    if len(problems) < MAX_PROBLEMS:
        problems.append(problem)


def _geography_set(key: str | None) -> GeographySet:
    key = key or settings.COMMUNITY_DEFAULT_SET
    gs = GeographySet.objects.filter(key=key).first()
    if gs is None:
        raise CommunityDataError(
            [
                Problem(
                    gettext(
                        "geography set %(key)s is not loaded "
                        "(run `upstream community load-geographies`)"
                    )
                    % {"key": repr(key)}
                )
            ]
        )
    return gs


def normalise_fips(raw: str) -> str | None:
    """A 2-, 5- or 11-digit FIPS code (unpadded 4- and 10-digit codes are padded), or None."""
    code = raw.strip()
    if not is_ascii_digits(code) or len(code) not in FIPS_LENGTHS:
        return None
    return code.zfill(FIPS_LENGTHS[len(code)])


def _not_in_set(fips: str, gs: GeographySet, extra: str = "") -> str:
    return gettext(
        "FIPS %(fips)s%(extra)s is not in geography set %(set)s (%(vintage)s boundaries); "
        "the data and the boundaries are of different vintages, or the code is wrong"
    ) % {"fips": fips, "extra": extra, "set": gs.key, "vintage": gs.vintage}


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _number(raw: str) -> float | None:
    """A finite number written in ASCII (``float`` alone would take "٣" and "1_000")."""
    if not _NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def _year(raw: str) -> int | None:
    return int(raw) if is_ascii_digits(raw) and len(raw) == 4 else None
