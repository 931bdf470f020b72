"""Periodic jobs: declared in code with a cron schedule, run by the worker when due.

An app declares a job in its ``jobs.py``::

    @periodic("invitations.expire", schedule="15 * * * *", label=gettext_noop("Expire invitations"))
    def expire_invitations(progress: Progress) -> str:
        ...
        return "3 invitations expired"  # a summary for operators, no personal data

The schedule arithmetic is cronsim's (see docs/decisions/0015). Each job has one ``JobSchedule``
row; a worker claims a due run with a conditional UPDATE that moves ``next_run_at`` forward, so
two workers never run the same due run. Every run, however started, is recorded in ``JobRun``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cronsim import CronSim, CronSimError
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from upstream.tasks.background import Progress, TaskFailed, background
from upstream.tasks.models import JobRun, JobSchedule, Outcome
from upstream.tasks.services import stale_runs_abandon, task_records_prune

logger = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
GENERAL_ERROR = "The job stopped with an error; see the worker's log for the run id."


class UnknownJob(LookupError):
    def __init__(self, name: str) -> None:
        known = ", ".join(sorted(JOBS)) or "none"
        super().__init__(f"There is no job named {name!r}. Known jobs: {known}.")


@dataclass(frozen=True)
class Job:
    name: str
    schedule: str
    label: str
    func: Callable[[Progress], str]

    def next_after(self, moment: datetime) -> datetime:
        """The first due time after ``moment``, in the instance's time zone."""
        local = timezone.localtime(moment).replace(second=0, microsecond=0)
        return next(CronSim(self.schedule, local))


JOBS: dict[str, Job] = {}


def schedule_problem(schedule: str) -> str | None:
    """Why a cron expression cannot be used, or None."""
    try:
        CronSim(schedule, timezone.now())
    except CronSimError as exc:
        return f"{schedule!r} is not a cron schedule ({exc})"
    return None


def periodic(
    name: str, *, schedule: str, label: str
) -> Callable[[Callable[[Progress], str]], Callable[[Progress], str]]:
    """Declare a periodic job. Bad names and schedules are reported by ``upstream check``."""

    def decorate(func: Callable[[Progress], str]) -> Callable[[Progress], str]:
        JOBS[name] = Job(name=name, schedule=schedule, label=label, func=func)
        return func

    return decorate


def job_get(name: str) -> Job:
    try:
        return JOBS[name]
    except KeyError:
        raise UnknownJob(name) from None


def job_run(name: str, *, trigger: str, progress: Progress | None = None) -> JobRun:
    """Run one job now and record the run (whatever the outcome)."""
    job = job_get(name)
    record = JobRun.objects.create(name=name, trigger=trigger)
    try:
        summary = job.func(progress or Progress())
    except Exception as exc:
        record.outcome = Outcome.FAILED
        record.error_type = f"{type(exc).__module__}.{type(exc).__qualname__}"[:200]
        record.error_message = str(exc)[:300] if isinstance(exc, TaskFailed) else GENERAL_ERROR
        logger.warning("job %s run %s failed: %s", name, record.uuid, type(exc).__name__)
    else:
        record.outcome = Outcome.SUCCEEDED
        record.summary = (summary or "")[:300]
    record.finished_at = timezone.now()
    record.save()
    return record


def schedules_sync(now: datetime | None = None) -> None:
    """One ``JobSchedule`` row per declared job; a changed schedule is due at its new time."""
    now = now or timezone.now()
    for job in JOBS.values():
        row = JobSchedule.objects.filter(name=job.name).first()
        if row is None:
            JobSchedule.objects.get_or_create(
                name=job.name,
                defaults={"schedule": job.schedule, "next_run_at": job.next_after(now)},
            )
        elif row.schedule != job.schedule:
            JobSchedule.objects.filter(pk=row.pk, schedule=row.schedule).update(
                schedule=job.schedule, next_run_at=job.next_after(now)
            )


def due_jobs_claim(now: datetime | None = None) -> list[str]:
    """Claim every due job (moving its next run forward); returns the names this caller won."""
    now = now or timezone.now()
    schedules_sync(now)
    due = JobSchedule.objects.filter(name__in=list(JOBS), next_run_at__lte=now)
    return [row.name for row in due if schedule_claim(row, now)]


def schedule_claim(row: JobSchedule, now: datetime) -> bool:
    """Move a due job's next run forward, if no other worker has since ``row`` was read. The
    UPDATE matches only while ``next_run_at`` is still the value read, so of two workers that
    read the same due row, exactly one wins (the database serialises the two UPDATEs)."""
    following = JOBS[row.name].next_after(now)
    won = JobSchedule.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        next_run_at=following
    )
    return won == 1


def due_jobs_run(now: datetime | None = None) -> list[JobRun]:
    """What the worker's scheduler does on each tick: claim due jobs, then run them."""
    return [job_run(name, trigger=JobRun.Trigger.SCHEDULE) for name in due_jobs_claim(now)]


@background(label=gettext_noop("Run a periodic job"), max_attempts=1)
def job_in_background(
    progress: Progress, *, name: str, trigger: str = JobRun.Trigger.OPERATOR
) -> dict[str, Any]:
    """An operator's "run now": the job runs on a worker and its page shows progress."""
    record = job_run(name, trigger=trigger, progress=progress)
    if record.outcome == Outcome.FAILED:
        raise TaskFailed(record.error_message)
    progress.report(1.0, record.summary)
    return {"job_run": str(record.uuid)}


def scheduler_seconds() -> int:
    return int(getattr(settings, "TASKS_SCHEDULER_SECONDS", 30))


@periodic(
    "tasks.prune", schedule="41 3 * * *", label=gettext_noop("Delete old records of finished work")
)
def prune_task_records(progress: Progress) -> str:
    count = task_records_prune()
    return f"{count} old record{'' if count == 1 else 's'} deleted"


@periodic(
    "tasks.abandon_stale",
    schedule="*/10 * * * *",
    label=gettext_noop("Mark runs whose worker stopped as failed"),
)
def abandon_stale_runs(progress: Progress) -> str:
    count = stale_runs_abandon()
    return f"{count} run{'' if count == 1 else 's'} whose worker stopped marked failed"
