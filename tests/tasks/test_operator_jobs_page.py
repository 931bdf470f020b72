from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tests.conftest import sign_in_as
from upstream.accounts import services
from upstream.accounts.models import Invitation
from upstream.audit.models import AuditEvent
from upstream.core.models import InstanceOperator
from upstream.tasks.models import JobRun, Outcome, TaskRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(member: Any) -> Any:
    call_command("operator", "grant", member.user.email)
    return member.user


def test_an_operator_sees_every_job_with_its_schedule(client: Client, operator: Any) -> None:
    sign_in_as(client, operator)
    response = client.get("/operators/jobs/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "invitations.expire" in body and "17 * * * *" in body


def test_an_operator_runs_a_job_now_and_follows_its_progress(
    client: Client, operator: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, _ = services.invitation_create(
        actor=member, email="late@example.org", role="viewer"
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    sign_in_as(client, operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/operators/jobs/invitations.expire/run")
    run = TaskRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/operators/jobs/?task={run.uuid}"
    assert run.started_by == operator and run.status == TaskRun.Status.SUCCEEDED
    record = JobRun.objects.get()
    assert record.trigger == JobRun.Trigger.OPERATOR and record.outcome == Outcome.SUCCEEDED
    assert not Invitation.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert f'id="task-{run.uuid}"' in page and "1 expired invitation deleted" in page


def test_running_a_job_that_does_not_exist_from_the_page_is_404(
    client: Client, operator: Any
) -> None:
    sign_in_as(client, operator)
    assert client.post("/operators/jobs/nope.never/run").status_code == 404
    assert not TaskRun.objects.exists()


def test_an_organization_admin_who_is_not_an_operator_is_refused(
    client: Client, member: Any
) -> None:
    sign_in_as(client, member.user)
    assert client.get("/operators/jobs/").status_code == 403
    assert client.post("/operators/jobs/invitations.expire/run").status_code == 403
    assert not TaskRun.objects.exists()


def test_granting_and_revoking_operators_is_audited(member: Any) -> None:
    call_command("operator", "grant", member.user.email)
    call_command("operator", "revoke", member.user.email)
    assert not InstanceOperator.objects.exists()
    events = AuditEvent.objects.filter(action__startswith="operator.").order_by("pk")
    assert list(events.values_list("action", flat=True)) == ["operator.granted", "operator.revoked"]


def test_granting_operator_rights_to_an_unknown_address_stops_with_a_message(db: None) -> None:
    with pytest.raises(CommandError, match="No active account"):
        call_command("operator", "grant", "nobody@example.org")


def test_the_jobs_page_shows_only_the_progress_of_ones_own_run(
    client: Client, operator: Any, members_by_role: dict[str, Any]
) -> None:
    other = members_by_role["analyst"].user
    call_command("operator", "grant", other.email)
    run = TaskRun.objects.create(task_path="x", label="Someone else's run", started_by=other)
    sign_in_as(client, operator)
    page = client.get(f"/operators/jobs/?task={run.uuid}").content.decode()
    assert f'id="task-{run.uuid}"' not in page
    assert client.get("/operators/jobs/?task=not-a-uuid").status_code == 200


def test_the_jobs_page_names_jobs_and_outcomes_in_the_readers_language(
    client: Client, operator: Any
) -> None:
    from django.utils import translation

    call_command("jobs", "run", "invitations.expire")
    sign_in_as(client, operator)
    client.cookies["django_language"] = "es"
    with translation.override("es"):
        page = client.get("/operators/jobs/").content.decode()
    assert "Eliminar las invitaciones vencidas" in page  # the job's label
    assert "<code>invitations.expire</code>" in page  # its name stays a name
    assert "Eliminar los registros antiguos de trabajos terminados" in page
    assert "Terminó bien" in page  # the last run's outcome
