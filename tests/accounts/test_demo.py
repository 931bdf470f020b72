"""Demo data: a county coalition across sectors and one demo user per role."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from upstream.accounts.demo import COALITION, DEMO_PASSWORD, demo_email, load_demo
from upstream.accounts.models import Coalition, Membership
from upstream.accounts.policy import Role

pytestmark = pytest.mark.django_db


def test_demo_has_a_county_coalition_of_eight_organizations_across_six_sectors() -> None:
    out = io.StringIO()
    load_demo(out)
    load_demo(out)  # safe to run again
    coalition = Coalition.objects.get(name=COALITION)
    orgs = [m.organization for m in coalition.members.filter(left_at__isnull=True)]
    assert len(orgs) >= 8
    assert len({sector for org in orgs for sector in org.sectors}) >= 6
    roles = set(
        Membership.active.filter(user__email__endswith="demo.example.org").values_list(
            "role", flat=True
        )
    )
    assert roles == set(Role.values)
    assert DEMO_PASSWORD in out.getvalue()


def test_demo_code_prints_a_code_that_signs_the_demo_admin_in(client: Any, settings: Any) -> None:
    settings.DEMO_MODE = True
    load_demo(io.StringIO())
    response = client.post(
        "/account/sign-in/", {"email": demo_email("admin"), "password": DEMO_PASSWORD}
    )
    assert response["Location"].startswith("/account/two-factor/verify/")
    out = io.StringIO()
    call_command("demo", "code", demo_email("admin"), stdout=out)
    client.post("/account/two-factor/verify/", {"code": out.getvalue().strip()})
    assert client.get("/orgs/").status_code == 302
    dashboard = client.get("/orgs/", follow=True)
    assert "Riverbend Public Health District" in dashboard.content.decode()


def test_demo_code_is_refused_outside_demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("demo", "code", demo_email("admin"), stdout=io.StringIO())
