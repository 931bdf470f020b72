"""Directory pages: import an HSDS file (in the background, followed on the page) and export."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from upstream.accounts.decorators import require
from upstream.core.problems import DataError
from upstream.core.readers import read_stream, table_limit
from upstream.directory import selectors, services
from upstream.directory.forms import ImportForm
from upstream.tasks.selectors import task_run_for


@require("directory.import")
def import_page(request: HttpRequest, membership: Any) -> HttpResponse:
    """An administrator or coordinator uploads an HSDS file; it is imported in the background
    and this page follows it (``?task=``) to its report or its problem list."""
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        handle = form.cleaned_data["file"]
        try:
            data = read_stream(handle, limit=table_limit(), file=handle.name)
            _job, run = services.directory_import_receive(
                actor=membership,
                name=handle.name,
                data=data,
                format=form.cleaned_data["format"],
                request=request,
            )
        except DataError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            url = reverse("directory:import", kwargs={"org": membership.organization.uuid})
            return redirect(f"{url}?task={run.uuid}")
    run_shown: Any = None
    if request.method == "GET" and request.GET.get("task"):
        try:
            run_shown = task_run_for(user=request.user, run_uuid=request.GET["task"])
        except (Http404, ValidationError):
            run_shown = None
    return render(
        request,
        "directory/import.html",
        {
            "org": membership.organization,
            "form": form,
            "problems": problems,
            "run": run_shown,
            "imports": selectors.imports_for(membership=membership)[:20],
        },
        status=422 if request.method == "POST" else 200,
    )


def _export(request: HttpRequest, membership: Any, format: str) -> HttpResponse:
    content, media_type, filename = services.directory_export(
        actor=membership, format=format, request=request
    )
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require("directory.export")
def export_json(request: HttpRequest, membership: Any) -> HttpResponse:
    return _export(request, membership, "json")


@require("directory.export")
def export_datapackage(request: HttpRequest, membership: Any) -> HttpResponse:
    return _export(request, membership, "datapackage")
