"""What background work leaves behind: one row per periodic job (its next due time, the lock two
workers race for), one row per job run, and one row per task a person started (its progress)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Outcome(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class JobSchedule(models.Model):
    """A periodic job's next due time. A worker claims a due run by moving ``next_run_at`` forward
    with a conditional UPDATE; only the worker whose UPDATE matched runs the job."""

    name = models.CharField(max_length=100, unique=True)
    schedule = models.CharField(max_length=100)
    next_run_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JobRun(models.Model):
    """One run of a periodic job. Errors keep the exception's type and a message written for
    operators, never the exception's own text (it can quote personal data)."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", pgettext_lazy("how a job run started", "Schedule")
        COMMAND = "command", _("Command line")
        OPERATOR = "operator", _("Operator page")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, db_index=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RUNNING)
    summary = models.CharField(max_length=300, blank=True)
    error_type = models.CharField(max_length=200, blank=True)
    error_message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} run {self.uuid}"


class TaskRun(models.Model):
    """A background task a person started: its progress (a fraction and a message) for the page
    that polls it, its attempts, and a plain error when it could not be finished."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        RETRYING = "retrying", _("Waiting to try again")
        SUCCEEDED = "succeeded", pgettext_lazy("task status", "Finished")
        FAILED = "failed", _("Could not be finished")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task_path = models.CharField(max_length=200)
    label = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    error_type = models.CharField(max_length=200, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} {self.uuid}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return round(max(0.0, min(1.0, self.progress)) * 100)
