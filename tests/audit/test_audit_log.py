"""The audit log: hash-chained, append-only, verifiable, readable by org admins with filters."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import REPO_ROOT, sign_in_as
from upstream.audit.chain import verify_chain
from upstream.audit.models import GENESIS_HASH, AuditEvent
from upstream.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(owner_org: Any, member: Any) -> list[AuditEvent]:
    return [
        audit_record(action="personal.viewed", actor=member.user, organization=owner_org),
        audit_record(
            action="personal.exported",
            actor=member.user,
            organization=owner_org,
            details={"rows": 3, "format": "csv"},
        ),
    ]


def test_each_event_links_to_the_previous_one(events: list[AuditEvent]) -> None:
    chain = list(AuditEvent.objects.order_by("seq"))
    assert chain[0].prev_hash == GENESIS_HASH
    for previous, event in itertools.pairwise(chain):
        assert event.prev_hash == previous.hash
        assert event.seq == previous.seq + 1


def test_verify_passes_on_an_intact_chain(events: list[AuditEvent]) -> None:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit chain intact" in out.getvalue()


def _tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the application's back, as an attacker with database access would
    (on PostgreSQL, as a superuser who switches triggers off)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_verify_names_the_first_edited_event_and_exits_non_zero(
    events: list[AuditEvent],
) -> None:
    target = events[-1]
    _tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["personal.viewed", target.pk])
    with pytest.raises(
        CommandError, match=f"#{target.seq} \\({target.uuid}\\): content was changed"
    ):
        call_command("audit", "verify", stdout=io.StringIO())


def test_verify_detects_a_deleted_event(events: list[AuditEvent]) -> None:
    first_of_org = events[0]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [first_of_org.pk])
    result = verify_chain()
    assert result.broken is not None
    assert result.broken.seq == first_of_org.seq + 1


def test_verify_command_exits_with_status_1_from_the_cli(events: list[AuditEvent]) -> None:
    from django.core.management import execute_from_command_line

    _tamper("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["x", events[0].pk])
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["upstream", "audit", "verify"])
    assert exc.value.code == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only (SQLite relies on audit verify)",
)
def test_postgresql_refuses_update_and_delete_of_audit_events(events: list[AuditEvent]) -> None:
    for statement in (
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert verify_chain().ok


def test_admin_reads_their_organizations_log_filtered_by_person_action_and_date(
    signed_in_admin: Client, owner_org: Any, member: Any, outsider: Any, events: list[AuditEvent]
) -> None:
    audit_record(action="personal.viewed", actor=outsider.user, organization=outsider.organization)
    url = f"/orgs/{owner_org.uuid}/audit/"
    viewed, exported = (
        f'<th scope="row">{label}</th>'
        for label in ("Personal record viewed", "Personal records exported")
    )
    page = signed_in_admin.get(url).content.decode()
    assert exported in page and viewed in page
    assert "admin@outsider.example.org" not in page
    # events are named by their own id, not the global sequence, which would show how busy
    # other organizations are
    newest = AuditEvent.objects.filter(organization=owner_org).first()
    assert newest is not None and str(newest.uuid)[:8] in page
    assert f"#{newest.seq}" not in page
    filtered = signed_in_admin.get(url, {"action": "personal.exported"}).content.decode()
    assert exported in filtered and viewed not in filtered
    by_person = signed_in_admin.get(url, {"person": str(member.user.uuid)}).content.decode()
    assert viewed in by_person
    none = signed_in_admin.get(url, {"date_from": "2000-01-01", "date_to": "2000-01-02"})
    assert "No events match." in none.content.decode()


def test_audit_log_page_keeps_its_query_count_flat(
    signed_in_admin: Client, owner_org: Any, member: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        audit_record(action="personal.viewed", actor=member.user, organization=owner_org)
    with django_assert_max_num_queries(20):
        signed_in_admin.get(f"/orgs/{owner_org.uuid}/audit/")


def test_a_coordinator_cannot_read_the_audit_log(
    client: Client, owner_org: Any, members_by_role: dict[str, Any]
) -> None:
    sign_in_as(client, members_by_role["coordinator"].user)
    assert client.get(f"/orgs/{owner_org.uuid}/audit/").status_code == 403


def test_the_audit_pages_belong_to_the_audit_app_at_the_same_address(owner_org: Any) -> None:
    assert reverse("audit:log", args=[owner_org.uuid]) == f"/orgs/{owner_org.uuid}/audit/"
    # accounts sits below the audit pages: it may write events, never import the pages
    accounts = REPO_ROOT / "src" / "upstream" / "accounts"
    importers = [
        str(path.relative_to(accounts))
        for path in accounts.rglob("*.py")
        if "upstream.audit.views" in path.read_text()
        or "upstream.audit.forms" in path.read_text()
        or "upstream.audit.selectors" in path.read_text()
        or "upstream.audit import views" in path.read_text()
    ]
    assert importers == []
