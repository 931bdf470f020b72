"""Reads for instance operators (staff): jobs and their runs. Task runs are read per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils import timezone

from upstream.tasks.jobs import JOBS
from upstream.tasks.models import JobRun, JobSchedule, TaskRun


@dataclass(frozen=True)
class JobRow:
    name: str
    label: str
    schedule: str
    next_run_at: datetime
    last_run: JobRun | None


def jobs_overview() -> list[JobRow]:
    schedules = {row.name: row for row in JobSchedule.objects.filter(name__in=list(JOBS))}
    now = timezone.now()
    rows = []
    for name, job in sorted(JOBS.items()):
        stored = schedules.get(name)
        next_run_at = (
            stored.next_run_at
            if stored is not None and stored.schedule == job.schedule
            else job.next_after(now)
        )
        rows.append(
            JobRow(
                name=name,
                label=job.label,
                schedule=job.schedule,
                next_run_at=next_run_at,
                last_run=JobRun.objects.filter(name=name).first(),
            )
        )
    return rows


def job_runs_recent(*, limit: int = 50) -> list[JobRun]:
    return list(JobRun.objects.all()[:limit])


def task_run_for(*, user: Any, run_uuid: Any) -> TaskRun:
    """A task run, only for the person who started it (anyone else: 404)."""
    run = TaskRun.objects.filter(uuid=run_uuid, started_by_id=user.pk).first()
    if run is None:
        raise Http404("no such task")
    return run
