from __future__ import annotations

from collections.abc import Iterator

import pytest

from upstream.tasks.jobs import JOBS, Job


@pytest.fixture
def declared_jobs() -> Iterator[dict[str, Job]]:
    """The job registry, restored after a test that declares its own jobs."""
    saved = dict(JOBS)
    yield JOBS
    JOBS.clear()
    JOBS.update(saved)
