from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from upstream.tasks.models import JobRun, TaskRun
from upstream.tasks.services import task_records_prune

pytestmark = pytest.mark.django_db


def test_old_records_of_finished_work_are_pruned_and_recent_or_running_ones_kept() -> None:
    old = timezone.now() - timedelta(days=91)
    JobRun.objects.create(name="a.old", trigger="schedule", started_at=old, finished_at=old)
    JobRun.objects.create(name="a.running", trigger="schedule", started_at=old)
    JobRun.objects.create(name="a.new", trigger="schedule", finished_at=timezone.now())
    TaskRun.objects.create(task_path="x", label="old", status="succeeded", finished_at=old)
    TaskRun.objects.create(task_path="x", label="waiting", status="queued", created_at=old)
    assert task_records_prune() == 2
    assert sorted(JobRun.objects.values_list("name", flat=True)) == ["a.new", "a.running"]
    assert list(TaskRun.objects.values_list("label", flat=True)) == ["waiting"]
    assert task_records_prune() == 0
