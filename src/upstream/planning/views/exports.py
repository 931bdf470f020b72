"""Plan downloads. Each download is recorded in the audit log.

A small plan's file is built while the person waits. A large one's is built in the background:
the download link starts (or joins) the build and shows its progress; when it is done the page
offers the kept file, and every later download of the same state of the plan is served from it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import get_language

from upstream.accounts.decorators import require
from upstream.planning import selectors, services
from upstream.planning.exports import FORMATS, export_name, plan_pdf, plan_xlsx
from upstream.planning.models import PlanExport
from upstream.planning.services.export_builds import plan_export_request

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _language() -> str:
    return get_language() or "en"


def _export(request: HttpRequest, membership: Membership, plan: Any, format: str) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    if not selectors.plan_export_in_background(plan=the_plan):
        build = plan_pdf if format == "pdf" else plan_xlsx
        services.plan_export_record(actor=membership, plan=the_plan, format=format, request=request)
        body = build(the_plan)
        return _download(body, FORMATS[format].content_type, export_name(the_plan, format))
    outcome = plan_export_request(
        actor=membership, plan=the_plan, format=format, language=_language()
    )
    if isinstance(outcome, PlanExport):
        services.plan_export_record(actor=membership, plan=the_plan, format=format, request=request)
        body = selectors.plan_export_content(membership=membership, plan=the_plan, export=outcome)
        return _download(body, outcome.content_type, export_name(the_plan, format))
    statuses = selectors.plan_export_statuses(
        membership=membership,
        plan=the_plan,
        language=_language(),
        formats={format: FORMATS[format].label},
        followed=str(outcome.uuid),
    )
    return render(
        request,
        "planning/export_preparing.html",
        {
            "org": membership.organization,
            "plan": the_plan,
            "format": FORMATS[format],
            **_status_context(statuses, followed=str(outcome.uuid)),
        },
        status=202,
    )


def _status_context(
    statuses: list[selectors.ExportStatus], followed: str | None = None
) -> dict[str, Any]:
    return {
        "statuses": statuses,
        "followed": followed,
        "export_statuses_loaded": True,
        "polling": any(s.preparing for s in statuses),
    }


@require("plan.export")
def export_pdf(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    return _export(request, membership, plan, "pdf")


@require("plan.export")
def export_xlsx(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    return _export(request, membership, plan, "xlsx")


@require("plan.export")
def export_status(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    """The htmx partial: the downloads of the plan's current state being prepared or ready."""
    # the plan first: another organization's plan is a 404 whatever the method
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    followed = _uuid_or_none(request.GET.get("run", ""))
    statuses = selectors.plan_export_statuses(
        membership=membership,
        plan=the_plan,
        language=_language(),
        formats={name: f.label for name, f in FORMATS.items()},
        followed=followed,
    )
    return render(
        request,
        "planning/includes/export_status.html",
        {
            "org": membership.organization,
            "plan": the_plan,
            **_status_context(statuses, followed=followed),
        },
    )


def _uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None
