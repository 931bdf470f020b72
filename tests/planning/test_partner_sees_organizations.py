"""Coalition partners see which organization changed a plan, never who: names and e-mail
addresses are for the plan's own organization. Walked over every place a partner can read a
person's trace: history, comparison of versions, the plan page, gap analysis, PDF, XLSX, and the
plan API (document and JSON export)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.planning import services

pytestmark = pytest.mark.django_db

COORDINATOR_NAME = "Casey Coordinator"


def _url(org: Any, plan: Any, suffix: str = "") -> str:
    return f"/orgs/{org.uuid}/plans/{plan.uuid}/{suffix}"


@pytest.fixture
def changed_plan(plan: Any, coordinator: Any, partner_org: Any) -> Any:
    """A plan changed by the lead's coordinator and by a partner's staff member, published
    and followed by a draft, so that history and comparison have something to show."""
    coordinator.user.full_name = COORDINATOR_NAME
    coordinator.user.save()
    theirs = add_from_framework(
        coordinator, plan, "social-emotional-learning", lead_organization=partner_org
    )
    partner_staff = make_member(partner_org, "staff", email="partner-staff@partner.example.org")
    services.plan_activity_set_status(
        actor=partner_staff, activity=theirs, status="in_progress", revision=theirs.revision
    )
    plan.refresh_from_db()
    services.plan_publish(actor=coordinator, plan=plan, revision=plan.revision)
    return services.plan_new_draft(actor=coordinator, plan=plan)


def _texts(client: Client, org: Any, plan: Any) -> dict[str, str]:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    pages = {
        suffix or "plan": client.get(_url(org, plan, suffix)).content.decode()
        for suffix in ("", "history/", "diff/", "gaps/")
    }
    pdf = client.get(_url(org, plan, "export.pdf")).content
    pages["pdf"] = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    book = load_workbook(io.BytesIO(client.get(_url(org, plan, "export.xlsx")).content))
    pages["xlsx"] = " ".join(
        str(cell.value) for ws in book for row in ws.iter_rows() for cell in row if cell.value
    )
    api = f"/api/v1/plans/{org.uuid}/{plan.uuid}"
    pages["api"] = client.get(api).content.decode()
    pages["api export"] = client.get(f"{api}/export.json").content.decode()
    return pages


def test_partner_viewer_sees_organizations_not_people_anywhere(
    client: Client, changed_plan: Any, coordinator: Any, partner_org: Any, owner_org: Any
) -> None:
    viewer = make_member(partner_org, "viewer")
    sign_in_as(client, viewer.user)
    pages = _texts(client, partner_org, changed_plan)
    for where, text in pages.items():
        for person in (coordinator.user.email, COORDINATOR_NAME, "partner-staff@partner"):
            assert person not in text, f"{person} shown to a partner on the {where}"
    history = pages["history/"]
    assert owner_org.name in history  # the lead's changes, by organization
    assert "Partner Shelter" in history  # the partner's own status change, by organization
    assert "Planned → In progress" in history


def test_the_plans_own_members_see_who_made_each_change(
    client: Client, changed_plan: Any, coordinator: Any, owner_org: Any
) -> None:
    viewer = make_member(owner_org, "viewer")
    sign_in_as(client, viewer.user)
    history = client.get(_url(owner_org, changed_plan, "history/")).content.decode()
    assert f"{COORDINATOR_NAME} ({coordinator.user.email})" in history
    assert "partner-staff@partner.example.org" in history


def test_history_written_before_organizations_were_recorded_still_names_the_organization(
    client: Client, plan: Any, coordinator: Any, partner_org: Any, owner_org: Any
) -> None:
    from upstream.audit.models import AuditEvent
    from upstream.audit.services import audit_record

    audit_record(
        action="plan.updated",
        actor=coordinator.user,
        organization=owner_org,
        target=plan,
        target_label=plan.title,
        details={"plan": str(plan.uuid)},
    )
    assert AuditEvent.objects.filter(details__by__isnull=True).exists()
    viewer = make_member(partner_org, "viewer")
    sign_in_as(client, viewer.user)
    history = client.get(_url(partner_org, plan, "history/")).content.decode()
    assert coordinator.user.email not in history
    assert owner_org.name in history
