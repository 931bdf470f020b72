"""People pages: the list (public ids only), a person's page with their consents, recording and
editing a person, the stated reason administrators give, and the organization's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from upstream.accounts.decorators import require
from upstream.accounts.policy import may
from upstream.core.forms import form_errors
from upstream.people import forms, selectors, services
from upstream.people.policy import ReasonRequired, reason_needed
from upstream.people.views._common import ask_reason, context, remember_reason, stated_reason

if TYPE_CHECKING:
    from upstream.accounts.models import Membership


@require("person.view")
def person_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    try:
        page = selectors.persons_for(
            membership=membership,
            reason=stated_reason(request, membership),
            page=request.GET.get("page", 1),
            request=request,
        )
    except ReasonRequired:
        return ask_reason(request, membership)
    return render(
        request,
        "people/person_list.html",
        context(
            membership,
            page=page,
            can_record=may(membership, "person.edit"),
            can_configure=may(membership, "person.configure"),
            recorded=selectors.recorded_fields(membership=membership),
        ),
    )


@require("person.view")
def person_reason(request: HttpRequest, membership: Membership) -> HttpResponse:
    """An administrator states why they read personal records (kept for 30 minutes)."""
    if not reason_needed(membership):
        return redirect("people:list", membership.organization.uuid)
    form = forms.ReasonForm(request.POST or None)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if request.method == "POST" and form.is_valid():
        remember_reason(request, membership, " ".join(form.cleaned_data["reason"].split()))
        return redirect(back or "people:list", *([] if back else [membership.organization.uuid]))
    return ask_reason(request, membership, form)


@require("person.edit")
def person_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    recorded = selectors.recorded_fields(membership=membership)
    form = forms.PersonForm(request.POST or None, recorded=recorded)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=membership, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, gettext("Recorded person %(person)s.") % {"person": person.public_id}
            )
            return redirect("people:detail", membership.organization.uuid, person.uuid)
    return render(
        request, "people/person_form.html", context(membership, form=form, recorded=recorded)
    )


@require("person.view")
def person_detail(request: HttpRequest, membership: Membership, person: Any) -> HttpResponse:
    try:
        found = selectors.person_get(
            membership=membership,
            person_uuid=person,
            reason=stated_reason(request, membership),
            request=request,
        )
    except ReasonRequired:
        return ask_reason(request, membership)
    return render(
        request,
        "people/person_detail.html",
        context(
            membership,
            person=found,
            consents=list(found.consents.all()),
            recorded=selectors.recorded_fields(membership=membership),
            can_record=may(membership, "person.edit"),
            can_export=may(membership, "person.export"),
        ),
    )


@require("person.edit")
def person_edit(request: HttpRequest, membership: Membership, person: Any) -> HttpResponse:
    found = selectors.person_for_change(membership=membership, person_uuid=person)
    recorded = selectors.recorded_fields(membership=membership)
    initial = {name: getattr(found, name) for name in recorded}
    form = forms.PersonForm(request.POST or None, recorded=recorded, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=membership, person=found, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, gettext("Saved person %(person)s.") % {"person": found.public_id}
            )
            return redirect("people:detail", membership.organization.uuid, found.uuid)
    return render(
        request,
        "people/person_form.html",
        context(membership, form=form, person=found, recorded=recorded),
    )


@require("person.configure")
def people_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    current = selectors.people_settings(organization_id=membership.organization_id)
    form = forms.PeopleSettingsForm(
        request.POST or None, initial={"recorded_fields": current.recorded_fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.people_settings_update(
                actor=membership,
                recorded_fields=form.cleaned_data["recorded_fields"],
                request=request,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("Saved which identifying fields are recorded."))
            return redirect("people:settings", membership.organization.uuid)
    return render(request, "people/settings.html", context(membership, form=form))
