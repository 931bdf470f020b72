"""Consent pages: record a consent, withdraw one (after confirming), download one as FHIR."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from upstream.accounts.decorators import require
from upstream.core.forms import form_errors
from upstream.people import forms, selectors, services
from upstream.people.policy import ReasonRequired, share_candidates
from upstream.people.views._common import ask_reason, context, stated_reason

if TYPE_CHECKING:
    from upstream.accounts.models import Membership


@require("person.edit")
def consent_add(request: HttpRequest, membership: Membership, person: Any) -> HttpResponse:
    found = selectors.person_for_change(membership=membership, person_uuid=person)
    partners = list(share_candidates(membership=membership))
    form = forms.ConsentForm(
        request.POST or None, partners=[(str(org.uuid), org.name) for org in partners]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data["shared_with"])
        try:
            services.consent_record(
                actor=membership,
                person=found,
                scope=data["scope"],
                method=data["method"],
                given_by=data["given_by"],
                given_at=data["given_at"],
                expires_at=form.expires_at(),
                shared_with=[org for org in partners if str(org.uuid) in chosen],
                note=data["note"],
                request=request,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("Recorded the consent of person %(person)s.") % {"person": found.public_id},
            )
            return redirect("people:detail", membership.organization.uuid, found.uuid)
    return render(request, "people/consent_form.html", context(membership, form=form, person=found))


@require("person.edit")
def consent_withdraw(
    request: HttpRequest, membership: Membership, person: Any, consent: Any
) -> HttpResponse:
    found = selectors.person_for_change(membership=membership, person_uuid=person)
    the_consent = selectors.consent_get(membership=membership, person=found, consent_uuid=consent)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.consent_withdraw(actor=membership, consent=the_consent, request=request)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, gettext("The consent is withdrawn: nothing more is done under it.")
            )
            return redirect("people:detail", membership.organization.uuid, found.uuid)
    return render(
        request,
        "people/consent_withdraw.html",
        context(membership, person=found, consent=the_consent, error=error),
        status=422 if error else 200,
    )


@require("person.export")
def consent_fhir(
    request: HttpRequest, membership: Membership, person: Any, consent: Any
) -> HttpResponse:
    try:
        resource = selectors.consent_export(
            membership=membership,
            person_uuid=person,
            consent_uuid=consent,
            reason=stated_reason(request, membership),
            request=request,
        )
    except ReasonRequired:
        return ask_reason(request, membership)
    response = HttpResponse(
        json.dumps(resource, indent=2, ensure_ascii=False),
        content_type="application/fhir+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="consent-{resource["id"]}.json"'
    response["Cache-Control"] = "no-store"
    return response
