"""Administrators download their organization's audit log as CSV; the download is audited."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.conftest import sign_in_as
from upstream.audit.models import AuditEvent
from upstream.audit.selectors import audit_events_for
from upstream.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _url(org: Any) -> str:
    return f"/orgs/{org.uuid}/audit/export.csv"


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def logged(owner_org: Any, member: Any, outsider: Any) -> list[AuditEvent]:
    audit_record(action="personal.viewed", actor=outsider.user, organization=outsider.organization)
    return [
        audit_record(
            action="personal.exported",
            actor=member.user,
            organization=owner_org,
            target_label='=HYPERLINK("http://evil.example")',
            details={"rows": 3, "format": "csv"},
        ),
        audit_record(action="personal.viewed", actor=member.user, organization=owner_org),
    ]


def test_admin_downloads_their_organizations_events_and_reads_them_back(
    signed_in_admin: Client, owner_org: Any, logged: list[AuditEvent]
) -> None:
    rows = _rows(signed_in_admin.get(_url(owner_org)))
    ours = list(AuditEvent.objects.filter(organization=owner_org).order_by("seq"))
    # every event of the organization, oldest first, except the download's own record
    assert [row["event_id"] for row in rows] == [str(e.uuid) for e in ours[:-1]]
    assert ours[-1].action == "audit.log_exported"
    exported = next(row for row in rows if row["event_id"] == str(logged[0].uuid))
    assert exported["action"] == "personal.exported"
    assert exported["action_label"] == "Personal records exported"
    assert exported["who"] == logged[0].actor_label
    assert exported["sequence"] == str(logged[0].seq)
    assert exported["hash"] == logged[0].hash and exported["previous_hash"] == logged[0].prev_hash
    assert exported["details"] == '{"format": "csv", "rows": 3}'
    assert "admin@outsider.example.org" not in {row["who"] for row in rows}


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(
    signed_in_admin: Client, owner_org: Any, logged: list[AuditEvent]
) -> None:
    rows = _rows(signed_in_admin.get(_url(owner_org)))
    exported = next(row for row in rows if row["event_id"] == str(logged[0].uuid))
    assert exported["about"] == '\'=HYPERLINK("http://evil.example")'


def test_the_download_is_recorded_with_its_row_count_and_filters(
    signed_in_admin: Client, owner_org: Any, member: Any, logged: list[AuditEvent]
) -> None:
    rows = _rows(signed_in_admin.get(_url(owner_org), {"action": "personal.viewed"}))
    assert [row["action"] for row in rows] == ["personal.viewed"]
    record = AuditEvent.objects.get(action="audit.log_exported")
    assert record.organization_id == owner_org.pk and record.actor_id == member.user_id
    assert record.details == {
        "rows": 1,
        "format": "csv",
        "filters": {"action": "personal.viewed"},
    }


def test_the_audit_page_offers_the_download_with_its_filters(
    signed_in_admin: Client, owner_org: Any, logged: list[AuditEvent]
) -> None:
    page = signed_in_admin.get(f"/orgs/{owner_org.uuid}/audit/", {"action": "personal.viewed"})
    assert f'href="{_url(owner_org)}?action=personal.viewed"' in page.content.decode()


def test_without_a_fresh_confirmation_the_page_links_to_confirming_first(
    client: Client, owner_org: Any, member: Any
) -> None:
    sign_in_as(client, member.user)
    page = client.get(f"/orgs/{owner_org.uuid}/audit/", {"action": "personal.viewed"})
    assert "/account/confirm/?next=" in page.content.decode()


def test_exporting_asks_to_confirm_identity_first(
    client: Client, owner_org: Any, member: Any, logged: list[AuditEvent]
) -> None:
    sign_in_as(client, member.user)
    response = client.get(_url(owner_org))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/confirm/")
    assert not AuditEvent.objects.filter(action="audit.log_exported").exists()


@pytest.mark.parametrize("role", ["coordinator", "staff", "analyst", "viewer"])
def test_a_member_below_admin_cannot_export_the_audit_log(
    client: Client, owner_org: Any, members_by_role: dict[str, Any], role: str
) -> None:
    sign_in_as(client, members_by_role[role].user, sudo=True)
    assert client.get(_url(owner_org)).status_code == 403
    page = client.get(f"/orgs/{owner_org.uuid}/audit/")
    assert page.status_code == 403
    assert not AuditEvent.objects.filter(action="audit.log_exported").exists()


def test_an_outsider_admin_cannot_export_another_organizations_log(
    client: Client, owner_org: Any, outsider: Any, logged: list[AuditEvent]
) -> None:
    sign_in_as(client, outsider.user, sudo=True)
    assert client.get(_url(owner_org)).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.log_exported").exists()


def test_the_export_keeps_its_query_count_flat(
    signed_in_admin: Client,
    owner_org: Any,
    member: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(60):
        audit_record(action="personal.viewed", actor=member.user, organization=owner_org)
    with django_assert_max_num_queries(20):
        assert signed_in_admin.get(_url(owner_org)).status_code == 200


def test_the_export_read_itself_refuses_a_member_below_admin(
    owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    assert audit_events_for(membership=members_by_role["admin"], purpose="audit.export").exists()
    with pytest.raises(PermissionDenied):
        audit_events_for(membership=members_by_role["coordinator"], purpose="audit.export")
    with pytest.raises(ValueError, match="not a purpose"):
        audit_events_for(membership=members_by_role["admin"], purpose="plan.view")
