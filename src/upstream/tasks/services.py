"""Writes of the tasks app: pruning old records of finished work."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from upstream.tasks.models import JobRun, TaskRun


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
