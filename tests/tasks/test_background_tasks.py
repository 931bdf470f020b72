from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import sign_in_as
from tests.tasks.sample_tasks import ATTEMPTS, SEEN, count_to_three, flaky, refuses
from upstream.tasks.background import GENERAL_ERROR, BackgroundTask, execute, start
from upstream.tasks.models import TaskRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    ATTEMPTS.clear()
    SEEN.clear()


def _start(task: BackgroundTask, capture: Any, user: Any = None, **kwargs: Any) -> TaskRun:
    with capture(execute=True):
        run = start(task, started_by=user, **kwargs)
    run.refresh_from_db()
    return run


def test_a_task_reports_its_progress_while_it_runs(
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _start(count_to_three, django_capture_on_commit_callbacks, upto=3)
    assert SEEN == [(1 / 3, "step 1 of 3"), (2 / 3, "step 2 of 3"), (1.0, "step 3 of 3")]
    assert run.status == TaskRun.Status.SUCCEEDED
    assert run.result == {"counted": 3}
    assert run.percent == 100


def test_a_failing_task_is_tried_again_and_succeeds(
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _start(flaky, django_capture_on_commit_callbacks, failures=2)
    assert ATTEMPTS == [1, 2, 3]
    assert run.status == TaskRun.Status.SUCCEEDED
    assert run.attempts == 3


def test_after_its_last_attempt_a_task_shows_a_plain_error_without_the_exceptions_text(
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _start(flaky, django_capture_on_commit_callbacks, failures=10)
    assert ATTEMPTS == [1, 2, 3]  # bounded
    assert run.status == TaskRun.Status.FAILED
    assert run.error_message == GENERAL_ERROR
    assert run.error_type == "builtins.ConnectionError"
    assert "example.org" not in run.error_message


def test_a_task_that_refuses_its_input_is_not_tried_again_and_says_why(
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _start(refuses, django_capture_on_commit_callbacks)
    assert ATTEMPTS == [1]
    assert run.status == TaskRun.Status.FAILED
    assert run.error_message == "Row 3: the county code is not a county."


def test_running_a_finished_task_again_changes_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _start(flaky, django_capture_on_commit_callbacks, failures=0)
    execute.call(str(run.uuid))
    assert ATTEMPTS == [1]


def test_backoff_doubles_after_each_failed_attempt() -> None:
    assert [flaky.backoff(n).total_seconds() for n in (1, 2, 3)] == [0, 0, 0]
    assert [count_to_three.backoff(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]


def test_the_person_who_started_a_task_sees_its_progress_partial(
    client: Client, member: Any
) -> None:
    run = TaskRun.objects.create(
        task_path="x",
        label="Count to three",
        started_by=member.user,
        progress=0.5,
        message="step 2 of 4",
        status=TaskRun.Status.RUNNING,
    )
    sign_in_as(client, member.user)
    response = client.get(f"/tasks/{run.uuid}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="50"' in body and "step 2 of 4" in body
    assert f'hx-get="/tasks/{run.uuid}/"' in body  # keeps polling while it runs


def test_a_finished_task_stops_polling_and_a_failed_one_shows_its_error(
    client: Client, member: Any
) -> None:
    run = TaskRun.objects.create(
        task_path="x",
        label="Import",
        started_by=member.user,
        status=TaskRun.Status.FAILED,
        error_message="Row 3: the county code is not a county.",
    )
    sign_in_as(client, member.user)
    body = client.get(f"/tasks/{run.uuid}/").content.decode()
    assert "hx-get" not in body
    assert "Row 3: the county code is not a county." in body


def test_nobody_else_sees_a_task_someone_started(
    client: Client, member: Any, members_by_role: dict[str, Any]
) -> None:
    run = TaskRun.objects.create(task_path="x", label="Private", started_by=member.user)
    sign_in_as(client, members_by_role["viewer"].user)
    assert client.get(f"/tasks/{run.uuid}/").status_code == 404
    client.logout()
    assert client.get(f"/tasks/{run.uuid}/").status_code == 302


def test_a_queued_run_whose_task_no_longer_exists_fails_plainly() -> None:
    run = TaskRun.objects.create(task_path="upstream.tasks.models.TaskRun", label="Gone")
    execute.call(str(run.uuid))
    run.refresh_from_db()
    assert run.status == TaskRun.Status.FAILED
    assert run.error_message == GENERAL_ERROR
