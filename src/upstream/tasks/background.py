"""Long tasks that a person starts and a page follows.

An app declares one with ``@background(label=...)`` on a function that takes a ``Progress`` first
and JSON-ready keyword arguments after it, and starts it with ``start(task, started_by=user,
**kwargs)``. The run is queued on the configured backend (Django's task framework) and recorded in
a ``TaskRun`` row that ``includes/task_progress.html`` shows and polls. A failed attempt is tried
again after a growing pause, ``max_attempts`` times in all; then the person who started it sees a
plain error: the message of a ``TaskFailed`` the task raised, or a general one (an exception's own
text can quote personal data, so it is never shown or stored).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop
from django_tasks import default_task_backend, task

from upstream.tasks.models import TaskRun

logger = logging.getLogger(__name__)

GENERAL_ERROR = gettext_noop(
    "This could not be finished. Try again later; if it keeps failing, tell your operator."
)


class TaskFailed(Exception):
    """A failure whose message is written for the person who started the task (no personal
    data). It is not tried again: trying again would fail the same way. ``problems`` (JSON-ready
    dicts with ``message`` and, where known, ``row`` and ``column``: an importer's problem list)
    are kept on the run for the page to list."""

    def __init__(self, message: str, *, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class Progress:
    """Reports a running task's progress (a fraction from 0 to 1 and a short message)."""

    def __init__(self, run: TaskRun | None = None) -> None:
        self.run = run
        self.fraction = 0.0
        self.message = ""

    def report(self, fraction: float, message: str = "") -> None:
        self.fraction = max(0.0, min(1.0, float(fraction)))
        self.message = message[:300]
        if self.run is not None:
            TaskRun.objects.filter(pk=self.run.pk).update(
                progress=self.fraction, message=self.message, updated_at=timezone.now()
            )


@dataclass(frozen=True)
class BackgroundTask:
    func: Callable[..., Any]
    label: str
    max_attempts: int = 3
    backoff_seconds: float = 10.0
    path: str = field(default="")

    def __call__(self, progress: Progress, **kwargs: Any) -> Any:
        return self.func(progress, **kwargs)

    def backoff(self, attempt: int) -> timedelta:
        """The pause after failed attempt ``attempt`` (1, 2, ...): doubling each time."""
        return timedelta(seconds=self.backoff_seconds * 2 ** (attempt - 1))


def background(
    *, label: str, max_attempts: int = 3, backoff_seconds: float = 10.0
) -> Callable[[Callable[..., Any]], BackgroundTask]:
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def decorate(func: Callable[..., Any]) -> BackgroundTask:
        return BackgroundTask(
            func=func,
            label=label,
            max_attempts=max_attempts,
            backoff_seconds=backoff_seconds,
            path=f"{func.__module__}.{func.__name__}",
        )

    return decorate


def start(background_task: BackgroundTask, *, started_by: Any = None, **kwargs: Any) -> TaskRun:
    """Record and queue a run of ``background_task``; the queue sees only the run's id."""
    run = TaskRun.objects.create(
        task_path=background_task.path,
        label=background_task.label,
        arguments=kwargs,
        started_by=started_by if getattr(started_by, "is_authenticated", False) else None,
        max_attempts=background_task.max_attempts,
    )
    transaction.on_commit(lambda: execute.enqueue(str(run.uuid)))
    return run


def _load(path: str) -> BackgroundTask:
    target = import_string(path)
    if not isinstance(target, BackgroundTask):
        raise TypeError("not a background task")
    return target


@task()
def execute(run_uuid: str) -> None:
    """The one queued task: runs the attempt of a recorded ``TaskRun``."""
    run = TaskRun.objects.filter(uuid=run_uuid).first()
    if run is None or run.is_finished:
        return  # already done (a repeated delivery changes nothing)
    try:
        background_task = _load(run.task_path)
    except (ImportError, TypeError) as exc:  # the code changed since the run was queued
        logger.warning("task run %s names no background task: %s", run.uuid, type(exc).__name__)
        _finish_failed(run, type(exc), GENERAL_ERROR)
        return
    while True:
        run.attempts += 1
        run.status = TaskRun.Status.RUNNING
        run.updated_at = timezone.now()
        run.save(update_fields=["attempts", "status", "updated_at"])
        try:
            # No transaction around the attempt: progress must be visible while it runs (the
            # services a task calls are atomic themselves).
            result = background_task(Progress(run), **run.arguments)
        except TaskFailed as exc:
            result = {"problems": exc.problems} if exc.problems else {}
            _finish_failed(run, type(exc), str(exc)[:300], result=result)
            return
        except Exception as exc:
            logger.warning(
                "task %s run %s attempt %s failed: %s",
                run.label,
                run.uuid,
                run.attempts,
                type(exc).__name__,
            )
            if run.attempts >= run.max_attempts:
                _finish_failed(run, type(exc), GENERAL_ERROR)
                return
            run.status = TaskRun.Status.RETRYING
            run.error_type = _type_name(type(exc))
            run.updated_at = timezone.now()
            run.save(update_fields=["status", "error_type", "updated_at"])
            backend = default_task_backend
            if backend.supports_defer:
                later = timezone.now() + background_task.backoff(run.attempts)
                execute.using(run_after=later).enqueue(str(run.uuid))
                return
            continue  # a backend that cannot wait (tests): the next attempt now
        run.refresh_from_db(fields=["message"])
        run.status = TaskRun.Status.SUCCEEDED
        run.progress = 1.0
        run.result = result if isinstance(result, dict) else {}
        run.error_type = ""
        run.finished_at = run.updated_at = timezone.now()
        run.save()
        return


def _type_name(exc_type: type[BaseException]) -> str:
    return f"{exc_type.__module__}.{exc_type.__qualname__}"[:200]


def _finish_failed(
    run: TaskRun,
    exc_type: type[BaseException],
    message: str,
    *,
    result: dict[str, Any] | None = None,
) -> None:
    run.status = TaskRun.Status.FAILED
    run.result = result or {}
    run.error_type = _type_name(exc_type)
    run.error_message = message
    run.finished_at = run.updated_at = timezone.now()
    run.save()
