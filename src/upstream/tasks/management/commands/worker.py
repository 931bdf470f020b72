from __future__ import annotations

import logging
import threading
from typing import Any

import django_rq
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, close_old_connections, connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_rq import Job
from redis.exceptions import RedisError

from upstream.tasks.jobs import due_jobs_run, scheduler_seconds

logger = logging.getLogger("upstream.tasks.worker")


def _redacted(url: str) -> str:
    """A Redis address without its password, for messages."""
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://…@{rest.rpartition('@')[2]}"
    return url


def queue_backend_problem() -> str | None:
    """Why a worker could not reach its queue, or None."""
    backend = settings.TASKS_BACKEND
    if backend == "immediate":
        return _(
            "UPSTREAM_TASKS_BACKEND=immediate runs every task at once, so a worker has "
            "nothing to do. Use database (the default) or rq."
        )
    if backend == "rq":
        try:
            django_rq.get_connection("default").ping()
        except RedisError as exc:
            return _(
                "Redis at %(url)s does not answer (%(error)s). "
                "Start Redis or set UPSTREAM_REDIS_URL."
            ) % {"url": _redacted(settings.REDIS_URL), "error": type(exc).__name__}
        return None
    try:
        connection.ensure_connection()
        tables = connection.introspection.table_names()
    except OperationalError as exc:
        return _("The database does not answer (%(error)s). Check DATABASE_URL.") % {
            "error": type(exc).__name__
        }
    if "django_tasks_database_dbtaskresult" not in tables or "tasks_jobschedule" not in tables:
        return _("The database has no task tables yet. Run `upstream migrate` first.")
    return None


class Scheduler(threading.Thread):
    """Runs due periodic jobs every few seconds, beside the worker's own loop."""

    def __init__(self, seconds: float) -> None:
        super().__init__(name="upstream-scheduler", daemon=True)
        self.seconds = seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()
            try:
                due_jobs_run()
            except Exception as exc:  # keep ticking: the next tick may succeed
                logger.warning("scheduler tick failed: %s", type(exc).__name__)
            finally:
                close_old_connections()
            self.stopped.wait(self.seconds)


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Run a background worker: queued tasks, and periodic jobs when they are due."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--burst",
            action="store_true",
            help=_("Run the due jobs and every queued task, then stop."),
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help=_("Only run queued tasks (another worker, cron or a timer runs the jobs)."),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("Seconds between looks at an empty database queue (default 1)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = queue_backend_problem()
        if problem:
            raise CommandError(problem)
        burst = options["burst"]
        backend = settings.TASKS_BACKEND
        self.stdout.write(
            (
                _("Upstream worker: %(backend)s queue (burst)")
                if burst
                else _("Upstream worker: %(backend)s queue")
            )
            % {"backend": backend}
        )
        scheduler = None
        if not options["no_scheduler"]:
            if burst:
                due_jobs_run()
            else:
                scheduler = Scheduler(scheduler_seconds())
                scheduler.start()
        try:
            if backend == "rq":
                worker = django_rq.get_worker("default", job_class=Job)
                worker.work(burst=burst, with_scheduler=not burst)
            else:
                worker_args = ["--queue-name", "default", "--no-reload", "--no-startup-delay"]
                worker_args += ["--interval", str(options["interval"])]
                call_command("db_worker", *worker_args, *(["--batch"] if burst else []))
        finally:
            if scheduler is not None:
                scheduler.stopped.set()
