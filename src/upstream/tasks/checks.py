"""Start-up checks: every periodic job has a usable name and a schedule that parses."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from upstream.tasks.jobs import JOBS, NAME_PATTERN, schedule_problem


@register()
def check_periodic_jobs(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name, job in sorted(JOBS.items()):
        if not NAME_PATTERN.match(name):
            errors.append(
                Error(
                    f"Periodic job name {name!r} is not of the form app.verb (lower case).",
                    id="upstream.E201",
                )
            )
        problem = schedule_problem(job.schedule)
        if problem:
            errors.append(
                Error(
                    f"Periodic job {name!r}: {problem}.",
                    hint="Use five cron fields: minute hour day-of-month month day-of-week.",
                    id="upstream.E202",
                )
            )
    return errors
