"""Importers of indicator observations, each ``parse → validate → write``, all or nothing.

* :func:`import_long_csv`: ``fips,indicator,year,value[,moe]``.
* :func:`import_svi_csv`: a CDC/ATSDR SVI county or tract CSV (read by ``svi.read_svi_csv``).

Every problem is collected with its 1-based data row number (the CSV line is row + 1), and on any
problem nothing is written: the caller gets a :class:`~upstream.core.problems.DataError` listing
them all. Files are read through :mod:`upstream.core.readers` (bounded in size, UTF-8 only, no
control characters); numbers, years and codes must be written in ASCII digits.

The package: ``common`` (shared parts), ``long_csv`` (the long indicator CSV) and ``svi_csv``
(the CDC/ATSDR SVI file).
"""

from __future__ import annotations

from upstream.community.imports.common import (
    SVI_LABELS,
    SVI_POPULATION,
    THEME_NAMES,
    ImportResult,
    normalise_fips,
    svi_indicator_key,
)
from upstream.community.imports.long_csv import (
    header_problems,
    import_long_csv,
    import_long_csv_file,
)
from upstream.community.imports.svi_csv import import_svi_csv, import_svi_text, svi_year_from

__all__ = [
    "SVI_LABELS",
    "SVI_POPULATION",
    "THEME_NAMES",
    "ImportResult",
    "header_problems",
    "import_long_csv",
    "import_long_csv_file",
    "import_svi_csv",
    "import_svi_text",
    "normalise_fips",
    "svi_indicator_key",
    "svi_year_from",
]
