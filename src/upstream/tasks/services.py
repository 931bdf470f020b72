"""Writes of the tasks app: pruning old records of finished work, and marking runs whose worker
stopped."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from upstream.tasks.models import JobRun, Outcome, TaskRun


@transaction.atomic
def task_records_prune() -> int:
    """Delete job runs, finished task runs and finished queue entries older than
    ``TASKS_RECORD_DAYS``; returns how many rows went. Running it twice deletes nothing more."""
    cutoff = timezone.now() - timedelta(days=settings.TASKS_RECORD_DAYS)
    deleted = JobRun.objects.filter(started_at__lt=cutoff).exclude(finished_at=None).delete()[0]
    finished = [TaskRun.Status.SUCCEEDED, TaskRun.Status.FAILED]
    deleted += TaskRun.objects.filter(status__in=finished, finished_at__lt=cutoff).delete()[0]
    deleted += DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff
    ).delete()[0]
    return deleted


WORKER_LOST = "upstream.tasks.WorkerLost"
TASK_ABANDONED = (
    "This stopped before it finished (the worker running it went away). Start it again; if it "
    "keeps happening, tell your operator."
)
JOB_ABANDONED = (
    "The run did not finish: its worker stopped (no result {minutes} minutes after it started)."
)


def stale_runs_abandon(*, now: datetime | None = None) -> int:
    """Mark as failed every task run that has shown no sign of life (an attempt starting, a
    progress report) for ``TASKS_STALE_MINUTES``, and every job run started that long ago and
    still unfinished: their worker stopped, and they would otherwise read "running" forever.
    Returns how many runs were marked; running it again marks nothing more. Each UPDATE matches
    only runs still stale when it runs, so a run that reports progress meanwhile is left alone.
    """
    now = now or timezone.now()
    minutes = settings.TASKS_STALE_MINUTES
    cutoff = now - timedelta(minutes=minutes)
    tasks = TaskRun.objects.filter(status=TaskRun.Status.RUNNING, updated_at__lt=cutoff).update(
        status=TaskRun.Status.FAILED,
        error_type=WORKER_LOST,
        error_message=TASK_ABANDONED,
        finished_at=now,
        updated_at=now,
    )
    jobs = JobRun.objects.filter(
        outcome=Outcome.RUNNING, finished_at=None, started_at__lt=cutoff
    ).update(
        outcome=Outcome.FAILED,
        error_type=WORKER_LOST,
        error_message=JOB_ABANDONED.format(minutes=minutes),
        finished_at=now,
    )
    return tasks + jobs
