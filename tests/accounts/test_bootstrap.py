"""An operator starts a real installation: the first organization and its first administrator."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from upstream.accounts.models import Invitation, Membership, Organization

pytestmark = pytest.mark.django_db


def test_bootstrap_creates_the_organization_and_an_admin_invitation_that_works(
    django_capture_on_commit_callbacks: Any,
) -> None:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "accounts",
            "bootstrap",
            "--org",
            "County Health",
            "--sector",
            "health-care",
            "--state",
            "39",
            "--admin-email",
            "First@Example.org",
            stdout=out,
        )
    org = Organization.objects.get(name="County Health")
    invitation = Invitation.objects.get(organization=org)
    assert invitation.role == "admin" and invitation.email == "first@example.org"
    link = re.search(r"(/invitations/[^/\s]+/)", out.getvalue())
    assert link
    password = "first-admin-password-1"
    Client().post(
        link.group(1), {"full_name": "First", "password1": password, "password2": password}
    )
    assert Membership.active.get(organization=org).role == "admin"


def test_bootstrap_refuses_an_unknown_sector_and_a_duplicate_name(owner_org: Any) -> None:
    with pytest.raises(CommandError):
        call_command(
            "accounts",
            "bootstrap",
            "--org",
            "X",
            "--sector",
            "spaceflight",
            "--state",
            "39",
            "--admin-email",
            "a@example.org",
        )
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "accounts",
            "bootstrap",
            "--org",
            owner_org.name,
            "--sector",
            "other",
            "--state",
            "39",
            "--admin-email",
            "a@example.org",
        )
