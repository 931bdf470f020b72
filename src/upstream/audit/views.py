"""The organization's audit log, for its administrators: who did what and when, on the page and
as a CSV download."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from upstream.accounts import selectors as account_selectors
from upstream.accounts.decorators import require
from upstream.accounts.two_factor import sudo_active
from upstream.audit.actions import action_label
from upstream.audit.forms import AuditFilterForm
from upstream.audit.selectors import audit_events_for
from upstream.audit.services import audit_log_export_record

CSV_COLUMNS = (
    "event_id",
    "sequence",
    "when_utc",
    "who",
    "action",
    "action_label",
    "about_type",
    "about_id",
    "about",
    "ip_address",
    "details",
    "previous_hash",
    "hash",
)
# Cells a spreadsheet would run as a formula (labels are typed by people: plan titles, names).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

if TYPE_CHECKING:  # annotations only: views reach accounts through its selectors
    from upstream.accounts.models import Membership


def _filter_form(request: HttpRequest, membership: Membership) -> AuditFilterForm:
    people = [
        (str(m.user.uuid), m.user.get_full_name())
        for m in account_selectors.members_of(membership=membership)
    ]
    return AuditFilterForm(request.GET or None, people=people)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require("audit.view")
def audit_log(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = _filter_form(request, membership)
    events = audit_events_for(membership=membership, **form.filters())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = _query(request)
    export_url = reverse("audit:export", args=[membership.organization.uuid])
    if query:
        export_url += f"?{query}"
    if not sudo_active(request):
        # confirm first, then come back to this very download, filters included
        export_url = reverse("accounts:confirm_identity") + "?" + urlencode({"next": export_url})
    return render(
        request,
        "audit/audit_log.html",
        {
            "org": membership.organization,
            "form": form,
            "page": page,
            "rows": [(event, action_label(event.action)) for event in page],
            "query": query,
            "export_url": export_url,
        },
    )


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


@require("audit.export")
def audit_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The filtered log as CSV, oldest first. The download is recorded before any row is sent,
    and the rows are those that existed when it was recorded."""
    form = _filter_form(request, membership)
    events = audit_events_for(membership=membership, purpose="audit.export", **form.filters())
    snapshot = events.order_by().aggregate(rows=Count("id"), last=Max("id"))
    recorded = {
        name: str(value)
        for name, value in (form.cleaned_data if form.is_valid() else {}).items()
        if value
    }
    audit_log_export_record(
        actor=membership.user,
        organization=membership.organization,
        rows=snapshot["rows"],
        filters=recorded,
        request=request,
    )
    rows = events.filter(id__lte=snapshot["last"] or 0).order_by("seq")
    name = f"audit-log-{slugify(membership.organization.name) or 'organization'}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.now().date().isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for event in rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                _cell(value)
                for value in (
                    event.uuid,
                    event.seq,
                    event.created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
                    event.actor_label,
                    event.action,
                    action_label(event.action),
                    event.target_type,
                    event.target_id,
                    event.target_label,
                    event.ip_address,
                    json.dumps(event.details, sort_keys=True, ensure_ascii=False)
                    if event.details
                    else "",
                    event.prev_hash,
                    event.hash,
                )
            ]
        )
    return response
