"""The organization's audit log, for its administrators: who did what and when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from upstream.accounts import selectors as account_selectors
from upstream.accounts.decorators import require
from upstream.accounts.forms import AuditFilterForm
from upstream.audit.actions import ACTIONS
from upstream.audit.selectors import audit_events_for

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership


@require("audit.view")
def audit_log(request: HttpRequest, membership: Membership) -> HttpResponse:
    people = [
        (str(m.user.uuid), m.user.get_full_name())
        for m in account_selectors.members_of(membership=membership)
    ]
    form = AuditFilterForm(request.GET or None, people=people)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_for(
        membership=membership,
        actor_uuid=filters.get("person") or None,
        action=filters.get("action") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {
            "org": membership.organization,
            "form": form,
            "page": page,
            "rows": [(event, ACTIONS.get(event.action, event.action)) for event in page],
            "query": query.urlencode(),
        },
    )
