"""Runs whose worker stopped mid-way are marked failed, so operators and users see the truth."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from upstream.tasks.jobs import JOBS, job_run
from upstream.tasks.models import JobRun, Outcome, TaskRun
from upstream.tasks.services import TASK_ABANDONED, WORKER_LOST, stale_runs_abandon

pytestmark = pytest.mark.django_db


def _task(status: str, minutes_ago: int) -> TaskRun:
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return TaskRun.objects.create(
        task_path="x", label="Import", status=status, created_at=moment, updated_at=moment
    )


def _job(minutes_ago: int, outcome: str = Outcome.RUNNING) -> JobRun:
    return JobRun.objects.create(
        name="invitations.expire",
        trigger=JobRun.Trigger.SCHEDULE,
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        outcome=outcome,
    )


def test_a_task_run_without_a_sign_of_life_past_the_bound_is_marked_failed(settings: Any) -> None:
    settings.TASKS_STALE_MINUTES = 60
    dead = _task(TaskRun.Status.RUNNING, 61)
    alive = _task(TaskRun.Status.RUNNING, 59)
    waiting = _task(TaskRun.Status.QUEUED, 600)  # still in the queue: a worker will take it
    done = _task(TaskRun.Status.SUCCEEDED, 600)
    assert stale_runs_abandon() == 1
    dead.refresh_from_db()
    assert dead.status == TaskRun.Status.FAILED
    assert dead.is_finished
    assert dead.error_type == WORKER_LOST
    assert dead.error_message == TASK_ABANDONED
    for run, status in ((alive, "running"), (waiting, "queued"), (done, "succeeded")):
        run.refresh_from_db()
        assert run.status == status


def test_a_job_run_started_long_ago_and_unfinished_is_marked_failed(settings: Any) -> None:
    settings.TASKS_STALE_MINUTES = 30
    dead = _job(31)
    alive = _job(5)
    finished = _job(300, Outcome.SUCCEEDED)
    assert stale_runs_abandon() == 1
    dead.refresh_from_db()
    assert dead.outcome == Outcome.FAILED
    assert dead.finished_at is not None
    assert "worker stopped" in dead.error_message
    alive.refresh_from_db()
    finished.refresh_from_db()
    assert alive.outcome == Outcome.RUNNING
    assert finished.outcome == Outcome.SUCCEEDED


def test_marking_stale_runs_again_changes_nothing_more() -> None:
    _task(TaskRun.Status.RUNNING, 24 * 60)
    _job(24 * 60)
    assert stale_runs_abandon() == 2
    assert stale_runs_abandon() == 0


def test_the_periodic_job_marks_them_and_says_how_many() -> None:
    _task(TaskRun.Status.RUNNING, 24 * 60)
    assert "tasks.abandon_stale" in JOBS
    record = job_run("tasks.abandon_stale", trigger=JobRun.Trigger.COMMAND)
    assert record.outcome == Outcome.SUCCEEDED
    assert record.summary == "1 run whose worker stopped marked failed"
