from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.tasks import selectors
from upstream.tasks.background import start
from upstream.tasks.jobs import UnknownJob, job_get, job_in_background, job_run
from upstream.tasks.models import JobRun, Outcome


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "List the periodic jobs and their last runs, or run one now (for cron or a timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help=_("Every job: schedule, next run, last run and its outcome."))
        run = sub.add_parser("run", help=_("Run one job now and record the run."))
        run.add_argument("name")
        run.add_argument(
            "--queue",
            action="store_true",
            help=_("Queue the run for a worker instead of running it here."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if "tasks_jobschedule" not in connection.introspection.table_names():
            raise CommandError(
                _("The database has no job tables yet. Run `upstream migrate` first.")
            )
        if options["action"] == "list":
            self._list()
            return
        name = options["name"]
        try:
            job_get(name)
        except UnknownJob as exc:
            raise CommandError(str(exc)) from None
        if options["queue"]:
            run = start(job_in_background, name=name, trigger=JobRun.Trigger.COMMAND)
            self.stdout.write(
                _("Queued %(name)s (task %(uuid)s).") % {"name": name, "uuid": run.uuid}
            )
            return
        record = job_run(name, trigger=JobRun.Trigger.COMMAND)
        if record.outcome == Outcome.FAILED:
            raise CommandError(
                _("%(name)s failed (%(error_type)s): %(error)s [run %(uuid)s]")
                % {
                    "name": name,
                    "error_type": record.error_type,
                    "error": record.error_message,
                    "uuid": record.uuid,
                }
            )
        self.stdout.write(f"{name}: {record.summary}")

    def _list(self) -> None:
        rows = selectors.jobs_overview()
        if not rows:
            self.stdout.write(_("No periodic jobs are declared."))
            return
        for row in rows:
            last = row.last_run
            last_text = (
                f"{last.outcome} {timezone.localtime(last.started_at):%Y-%m-%d %H:%M}"
                + (f" ({last.error_type})" if last.error_type else "")
                if last
                else _("never run")
            )
            next_text = f"{timezone.localtime(row.next_run_at):%Y-%m-%d %H:%M}"
            self.stdout.write(
                f"{row.name:<28} {row.schedule:<16} "
                + _("next %(next)s   last %(last)s") % {"next": next_text, "last": last_text}
            )
