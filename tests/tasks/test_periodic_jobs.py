from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from upstream.tasks.background import Progress, TaskFailed
from upstream.tasks.checks import check_periodic_jobs
from upstream.tasks.jobs import due_jobs_claim, due_jobs_run, job_run, periodic, schedule_claim
from upstream.tasks.models import JobRun, JobSchedule, Outcome

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


def _declare_counting_job(name: str = "demo.count", schedule: str = "*/5 * * * *") -> None:
    @periodic(name, schedule=schedule, label="Count")
    def count(progress: Progress) -> str:
        CALLS.append(name)
        return "counted"


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    CALLS.clear()


def test_a_due_job_is_run_by_the_scheduler_and_not_again_before_its_next_time(
    declared_jobs: Any,
) -> None:
    _declare_counting_job()
    with time_machine.travel(datetime(2026, 3, 2, 10, 1, tzinfo=UTC), tick=False):
        assert due_jobs_run() == []  # first sight: scheduled for 10:05
    with time_machine.travel(datetime(2026, 3, 2, 10, 5, 30, tzinfo=UTC), tick=False):
        runs = due_jobs_run()
        assert [run.name for run in runs] == ["demo.count"]
        assert due_jobs_run() == []
    assert CALLS == ["demo.count"]
    schedule = JobSchedule.objects.get(name="demo.count")
    assert schedule.next_run_at == datetime(2026, 3, 2, 10, 10, tzinfo=UTC)


def test_two_workers_that_read_the_same_due_job_run_it_once(declared_jobs: Any) -> None:
    _declare_counting_job()
    start = datetime(2026, 3, 2, 10, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        due_jobs_claim()
    now = start + timedelta(minutes=10)
    first_read = JobSchedule.objects.get(name="demo.count")
    second_read = JobSchedule.objects.get(name="demo.count")  # a second worker, same moment
    assert schedule_claim(first_read, now) is True
    assert schedule_claim(second_read, now) is False


def test_a_changed_schedule_is_due_at_its_new_time(declared_jobs: Any) -> None:
    _declare_counting_job(schedule="0 3 * * *")
    moment = datetime(2026, 3, 2, 10, 1, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        due_jobs_claim()
        _declare_counting_job(schedule="*/5 * * * *")
        due_jobs_claim()
    row = JobSchedule.objects.get(name="demo.count")
    assert row.schedule == "*/5 * * * *"
    assert row.next_run_at == datetime(2026, 3, 2, 10, 5, tzinfo=UTC)


def test_every_run_is_recorded_with_its_outcome(declared_jobs: Any) -> None:
    _declare_counting_job()
    record = job_run("demo.count", trigger=JobRun.Trigger.COMMAND)
    record.refresh_from_db()
    assert record.outcome == Outcome.SUCCEEDED
    assert record.summary == "counted"
    assert record.finished_at is not None and record.finished_at >= record.started_at


def test_a_failed_run_records_the_error_type_but_not_the_exceptions_text(
    declared_jobs: Any,
) -> None:
    @periodic("demo.broken", schedule="* * * * *", label="Broken")
    def broken(progress: Progress) -> str:
        raise ValueError("could not mail survivor@example.org")

    record = job_run("demo.broken", trigger=JobRun.Trigger.SCHEDULE)
    record.refresh_from_db()
    assert record.outcome == Outcome.FAILED
    assert record.error_type == "builtins.ValueError"
    assert "example.org" not in record.error_message
    assert record.error_message


def test_a_job_failure_written_for_operators_keeps_its_message(declared_jobs: Any) -> None:
    @periodic("demo.refused", schedule="* * * * *", label="Refused")
    def refused(progress: Progress) -> str:
        raise TaskFailed("The retention period is not configured.")

    record = job_run("demo.refused", trigger=JobRun.Trigger.COMMAND)
    assert record.error_message == "The retention period is not configured."


def test_jobs_run_with_an_unknown_name_stops_with_a_clear_message() -> None:
    with pytest.raises(CommandError, match=r"no job named 'nope'.*invitations\.expire"):
        call_command("jobs", "run", "nope")
    assert not JobRun.objects.exists()


def test_jobs_run_reports_a_failed_run_and_exits_non_zero(declared_jobs: Any) -> None:
    @periodic("demo.broken", schedule="* * * * *", label="Broken")
    def broken(progress: Progress) -> str:
        raise RuntimeError("boom")

    with pytest.raises(CommandError, match=r"demo.broken failed \(builtins.RuntimeError\)"):
        call_command("jobs", "run", "demo.broken")
    assert JobRun.objects.get().outcome == Outcome.FAILED


def test_jobs_list_shows_each_job_with_its_schedule_and_last_run(
    declared_jobs: Any, capsys: Any
) -> None:
    _declare_counting_job()
    call_command("jobs", "run", "demo.count")
    call_command("jobs", "list")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("demo.count "))
    assert "*/5 * * * *" in line
    assert "succeeded" in line
    assert "invitations.expire" in out


def test_a_schedule_that_cannot_be_parsed_fails_the_start_up_check(declared_jobs: Any) -> None:
    assert check_periodic_jobs(None) == []
    _declare_counting_job(schedule="every five minutes")
    errors = check_periodic_jobs(None)
    assert [error.id for error in errors] == ["upstream.E202"]
    assert "demo.count" in errors[0].msg


def test_a_badly_formed_job_name_fails_the_start_up_check(declared_jobs: Any) -> None:
    _declare_counting_job(name="Count Things")
    assert [error.id for error in check_periodic_jobs(None)] == ["upstream.E201"]


def test_jobs_on_a_database_without_tables_says_to_migrate(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "UPSTREAM_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [str(Path(sys.executable).with_name("upstream")), "jobs", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Run `upstream migrate` first" in done.stderr
    assert "Traceback" not in done.stderr
