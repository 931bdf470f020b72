"""Invented demo people of the lead demo organization: pseudonymous records with a preferred
language and consents (one active, one withdrawn). Safe to run again: it adds them only once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from upstream.accounts.demo import LEAD, demo_email
from upstream.accounts.models import Membership
from upstream.accounts.policy import Role
from upstream.people import services
from upstream.people.models import Person


def load_demo(stdout: Any) -> None:
    admin = Membership.active.filter(
        user__email=demo_email(Role.ADMIN), organization__name=LEAD
    ).first()
    screener = Membership.active.filter(
        user__email=demo_email(Role.SCREENER), organization__name=LEAD
    ).first()
    if (
        admin is None
        or screener is None
        or Person.objects.filter(organization_id=screener.organization_id).exists()
    ):
        return
    services.people_settings_update(actor=admin, recorded_fields=["preferred_language"])
    now = timezone.now()
    first = services.person_create(actor=screener, preferred_language="es")
    services.consent_record(
        actor=screener,
        person=first,
        scope="screening",
        method="verbal",
        given_at=now - dt.timedelta(days=2),
        expires_at=now + dt.timedelta(days=180),
    )
    second = services.person_create(actor=screener, preferred_language="en")
    withdrawn = services.consent_record(
        actor=screener, person=second, scope="referral", method="written"
    )
    services.consent_withdraw(actor=screener, consent=withdrawn)
    stdout.write("Demo people: 2 pseudonymous records with consents (sign in as the screener).\n")
