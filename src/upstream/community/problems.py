"""Problems found in community data: the shared :mod:`upstream.core.problems` types."""

from __future__ import annotations

from upstream.core.problems import DataError, Problem

CommunityDataError = DataError
"""The name community code has always used for :class:`~upstream.core.problems.DataError`."""

__all__ = ["CommunityDataError", "DataError", "Problem"]
