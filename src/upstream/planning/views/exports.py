"""Plan downloads. Each download is recorded in the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

from upstream.accounts.decorators import require
from upstream.planning import selectors, services
from upstream.planning.exports import export_name, plan_pdf, plan_xlsx

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require("plan.export")
def export_pdf(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    services.plan_export_record(actor=membership, plan=the_plan, format="pdf", request=request)
    return _download(plan_pdf(the_plan), "application/pdf", export_name(the_plan, "pdf"))


@require("plan.export")
def export_xlsx(request: HttpRequest, membership: Membership, plan: Any) -> HttpResponse:
    the_plan = selectors.plan_get(membership=membership, plan_uuid=plan)
    services.plan_export_record(actor=membership, plan=the_plan, format="xlsx", request=request)
    return _download(plan_xlsx(the_plan), XLSX, export_name(the_plan, "xlsx"))
