"""Background tasks used by the tests (importable by a worker, like an app's own tasks)."""

from __future__ import annotations

from typing import Any

from upstream.tasks.background import Progress, TaskFailed, background
from upstream.tasks.models import TaskRun

ATTEMPTS: list[int] = []
SEEN: list[tuple[float, str]] = []


@background(label="Count to three", max_attempts=3)
def count_to_three(progress: Progress, *, upto: int) -> dict[str, Any]:
    for step in range(1, upto + 1):
        progress.report(step / upto, f"step {step} of {upto}")
        run = TaskRun.objects.get(pk=progress.run.pk) if progress.run else None
        SEEN.append((run.progress, run.message) if run else (0.0, ""))
    return {"counted": upto}


@background(label="Flaky", max_attempts=3, backoff_seconds=0)
def flaky(progress: Progress, *, failures: int) -> None:
    ATTEMPTS.append(len(ATTEMPTS) + 1)
    if len(ATTEMPTS) <= failures:
        raise ConnectionError("mail server at survivor@example.org refused")


@background(label="Import", max_attempts=3)
def refuses(progress: Progress) -> None:
    ATTEMPTS.append(1)
    raise TaskFailed("Row 3: the county code is not a county.")


@background(label="Flaky, with a pause", max_attempts=2, backoff_seconds=60)
def flaky_with_pause(progress: Progress, *, failures: int) -> None:
    ATTEMPTS.append(len(ATTEMPTS) + 1)
    if len(ATTEMPTS) <= failures:
        raise ConnectionError("refused")
