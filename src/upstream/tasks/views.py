"""The operators' jobs page and the progress partial a page polls (for the person who started
the task only)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from upstream.accounts.decorators import operator_only, signed_in
from upstream.tasks import selectors
from upstream.tasks.background import start
from upstream.tasks.jobs import JOBS, job_in_background


@operator_only
@require_GET
def jobs_page(request: HttpRequest) -> HttpResponse:
    run = None
    if request.GET.get("task"):
        try:
            run = selectors.task_run_for(user=request.user, run_uuid=request.GET["task"])
        except (Http404, ValidationError):
            run = None
    return render(
        request,
        "tasks/jobs.html",
        {"jobs": selectors.jobs_overview(), "runs": selectors.job_runs_recent(), "run": run},
    )


@operator_only
@require_POST
def job_run_now(request: HttpRequest, name: str) -> HttpResponse:
    if name not in JOBS:
        raise Http404("no such job")
    run = start(job_in_background, started_by=request.user, name=name)
    return redirect(reverse("tasks:jobs") + f"?task={run.uuid}")


@signed_in
@require_GET
def task_status(request: HttpRequest, run: Any) -> HttpResponse:
    task_run = selectors.task_run_for(user=request.user, run_uuid=run)
    return render(request, "includes/task_progress.html", {"run": task_run})
