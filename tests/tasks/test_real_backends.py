"""The same tasks on the two real queue backends: the database (a worker process against a file
database) and RQ on Redis at 127.0.0.1:6379."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.tasks.sample_tasks import ATTEMPTS, count_to_three, flaky_with_pause
from upstream.tasks.background import start
from upstream.tasks.models import TaskRun

REDIS_URL = "redis://127.0.0.1:6379/0"
UPSTREAM = [sys.executable, "-m", "upstream.cli"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("UPSTREAM_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'upstream.sqlite3'}",
        UPSTREAM_VAR_DIR=str(tmp_path),
        UPSTREAM_SECRET_KEY="worker-test-key-" + "x" * 40,
        UPSTREAM_TASKS_BACKEND="database",
        UPSTREAM_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def _upstream(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*UPSTREAM, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_worker_process_runs_queued_tasks_and_due_jobs_from_a_file_database(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path, UPSTREAM_SCHEDULER_SECONDS="1")
    assert _upstream(["migrate", "-v", "0"], env).returncode == 0
    queued = _upstream(["jobs", "run", "invitations.expire", "--queue"], env)
    assert queued.returncode == 0, queued.stderr
    database = sqlite3.connect(tmp_path / "upstream.sqlite3")
    with database:  # the job's next run is long past: the worker's scheduler must run it
        database.execute(
            "INSERT INTO tasks_jobschedule (name, schedule, next_run_at) "
            "VALUES ('invitations.expire', '17 * * * *', '2000-01-01 00:00:00')"
        )
    worker = subprocess.Popen(
        [*UPSTREAM, "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        runs: list[tuple[str, str]] = []
        for _ in range(300):  # a bound, not a speed check: the worker is polled until done
            runs = database.execute(
                "SELECT trigger, outcome FROM tasks_jobrun ORDER BY trigger"
            ).fetchall()
            if len(runs) == 2 and "running" not in {o for _, o in runs}:
                break
            if worker.poll() is not None:
                break
            time.sleep(0.2)
        assert runs == [("command", "succeeded"), ("schedule", "succeeded")], (
            worker.stderr.read() if worker.poll() is not None else runs
        )
        status = database.execute("SELECT status FROM tasks_taskrun").fetchone()[0]
        assert status == "succeeded"
        next_run = database.execute(
            "SELECT next_run_at FROM tasks_jobschedule WHERE name = 'invitations.expire'"
        ).fetchone()[0]
        assert next_run > "2000-01-01 00:00:00"
    finally:
        database.close()
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert worker.returncode == 0


def test_a_worker_without_its_task_tables_stops_with_a_clear_message(tmp_path: Path) -> None:
    result = _upstream(["worker", "--burst"], _env(tmp_path))
    assert result.returncode != 0
    assert "Run `upstream migrate` first" in result.stderr


def test_a_worker_whose_redis_does_not_answer_stops_with_a_clear_message(
    tmp_path: Path,
) -> None:
    env = _env(
        tmp_path,
        UPSTREAM_TASKS_BACKEND="rq",
        UPSTREAM_REDIS_URL="redis://:secret@127.0.0.1:1/0",
    )
    result = _upstream(["worker", "--burst"], env)
    assert result.returncode != 0
    assert "Redis at redis://…@127.0.0.1:1/0 does not answer" in result.stderr
    assert "secret" not in result.stderr


@pytest.mark.django_db
def test_a_failed_attempt_on_the_database_queue_is_queued_again_after_a_pause(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    ATTEMPTS.clear()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            run = start(flaky_with_pause, failures=1)
        # The database worker's own step (its loop would close this test's connection).
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        queued = DBTaskResult.objects.ready().get()
        queued.claim("test-worker")
        worker.run_task(queued)
        run.refresh_from_db()
        assert ATTEMPTS == [1]
        assert run.status == TaskRun.Status.RETRYING
        later = DBTaskResult.objects.filter(status="READY").get()
        assert later.run_after is not None and later.run_after > timezone.now()


def _redis_or_skip() -> Any:
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as exc:
        reason = f"Redis does not answer at 127.0.0.1:6379 ({type(exc).__name__})"
        if os.environ.get("UPSTREAM_REQUIRE_REDIS") == "1":
            pytest.fail(reason + " and UPSTREAM_REQUIRE_REDIS=1")
        pytest.skip(reason)
    return connection


@pytest.mark.django_db
def test_a_task_queued_on_redis_is_run_by_an_rq_worker_with_its_progress(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _redis_or_skip()
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            run = start(count_to_three, upto=4)
        run.refresh_from_db()
        assert run.status == TaskRun.Status.QUEUED  # waiting in Redis, not run at once
        assert queue.count == 1
        # A worker in this process (no fork) so that it sees this test's database.
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    run.refresh_from_db()
    assert run.status == TaskRun.Status.SUCCEEDED
    assert run.message == "step 4 of 4" and run.result == {"counted": 4}


def test_an_upstream_worker_on_redis_runs_a_task_queued_by_another_process(
    tmp_path: Path,
) -> None:
    _redis_or_skip()
    import redis

    url = "redis://127.0.0.1:6379/9"  # a database of its own, emptied first
    redis.Redis.from_url(url).flushdb()
    env = _env(tmp_path, UPSTREAM_TASKS_BACKEND="rq", UPSTREAM_REDIS_URL=url)
    assert _upstream(["migrate", "-v", "0"], env).returncode == 0
    queued = _upstream(["jobs", "run", "invitations.expire", "--queue"], env)
    assert queued.returncode == 0, queued.stderr
    assert redis.Redis.from_url(url).llen("rq:queue:default") == 1  # waiting in Redis
    worked = _upstream(["worker", "--burst", "--no-scheduler"], env)
    assert worked.returncode == 0, worked.stderr
    database = sqlite3.connect(tmp_path / "upstream.sqlite3")
    try:
        assert database.execute("SELECT status FROM tasks_taskrun").fetchall() == [("succeeded",)]
        assert redis.Redis.from_url(url).llen("rq:queue:default") == 0
    finally:
        database.close()


@pytest.mark.django_db
def test_a_failed_attempt_on_redis_is_scheduled_again_after_a_pause(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _redis_or_skip()
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    registry = ScheduledJobRegistry(queue=queue)
    for job_id in registry.get_job_ids():
        registry.remove(job_id, delete_job=True)
    ATTEMPTS.clear()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            run = start(flaky_with_pause, failures=1)
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
        run.refresh_from_db()
        assert ATTEMPTS == [1]
        assert run.status == TaskRun.Status.RETRYING
        [job_id] = registry.get_job_ids()
        assert registry.get_scheduled_time(job_id) > timezone.now()
        registry.remove(job_id, delete_job=True)
