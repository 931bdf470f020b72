"""Downloads of large plans: built in the background, kept per state of the plan, served again
from the kept file; a plan changed or a build failing on the way shows a plain error."""

from __future__ import annotations

import hashlib
import io
import uuid
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.audit.models import AuditEvent
from upstream.planning import services
from upstream.planning.exports import FORMATS, ExportFormat
from upstream.planning.models import Plan, PlanExport
from upstream.planning.tasks import CHANGED, GONE, plan_export_build
from upstream.tasks.background import GENERAL_ERROR, Progress, start
from upstream.tasks.jobs import job_run
from upstream.tasks.models import TaskRun

pytestmark = pytest.mark.django_db


def _url(plan: Any, suffix: str = "") -> str:
    return f"/orgs/{plan.organization.uuid}/plans/{plan.uuid}/{suffix}"


@pytest.fixture
def large(settings: Any) -> None:
    """Every plan with an activity counts as large."""
    settings.EXPORT_BACKGROUND_ACTIVITIES = 0


@pytest.fixture
def worked_plan(plan: Any, coordinator: Any, partner_org: Any) -> Any:
    add_from_framework(coordinator, plan, "school-prevention-education", partners=[partner_org])
    plan.refresh_from_db()
    return plan


@pytest.fixture
def browser(coordinator: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, coordinator.user)
    return client


def _never_built(format: str) -> Any:
    def fail(plan: Any, **_: Any) -> bytes:
        raise AssertionError("built again")

    known = FORMATS[format]
    return mock.patch.dict(
        FORMATS, {format: ExportFormat(format, known.label, known.content_type, fail)}
    )


def _get(client: Client, capture: Any, url: str, *, run: bool = True) -> Any:
    with capture(execute=run):
        return client.get(url)


def test_a_large_plans_pdf_is_prepared_in_the_background_then_served_from_the_kept_file(
    browser: Client,
    worked_plan: Any,
    large: None,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    first = _get(browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"))
    assert first.status_code == 202
    page = first.content.decode()
    assert "Preparing the PDF" in page and 'id="plan-exports"' in page
    run = TaskRun.objects.get()
    assert run.status == TaskRun.Status.SUCCEEDED and run.attempts == 1
    kept = PlanExport.objects.get()
    body = bytes(kept.content)
    assert body.startswith(b"%PDF") and kept.size == len(body)
    assert kept.sha256 == hashlib.sha256(body).hexdigest()
    assert (kept.revision, kept.content_at) == (worked_plan.revision, worked_plan.updated_at)
    assert kept.format == "pdf" and kept.language == "en"  # the request's language
    assert not AuditEvent.objects.filter(action="plan.exported").exists()  # nothing downloaded yet

    status = browser.get(_url(worked_plan, "exports/status/")).content.decode()
    assert "The PDF of this version of the plan is ready" in status
    assert "every 2s" not in status  # nothing left to wait for

    with _never_built("pdf"), django_assert_max_num_queries(20):  # the same for any size
        second = browser.get(_url(worked_plan, "export.pdf"))
    assert second.status_code == 200 and second["Content-Type"] == "application/pdf"
    assert second.content == body
    assert second["Content-Disposition"].endswith('-v1-2026-2028.pdf"')
    event = AuditEvent.objects.get(action="plan.exported")
    assert event.details["format"] == "pdf" and event.details["plan"] == str(worked_plan.uuid)
    assert TaskRun.objects.count() == 1


def test_the_xlsx_of_a_large_plan_is_kept_and_served_as_a_workbook(
    browser: Client, worked_plan: Any, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    from openpyxl import load_workbook

    _get(browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.xlsx"))
    response = browser.get(_url(worked_plan, "export.xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == FORMATS["xlsx"].content_type
    book = load_workbook(io.BytesIO(response.content))
    assert book["Activities"]["B2"].value == "School-based prevention education"
    assert PlanExport.objects.get().format == "xlsx"


def test_a_second_request_while_the_file_is_prepared_joins_the_build(
    browser: Client,
    worked_plan: Any,
    coordinator: Any,
    large: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    colleague = Client(enforce_csrf_checks=True)
    sign_in_as(colleague, make_member(coordinator.organization, "viewer").user)
    first = _get(
        browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"), run=False
    )
    again = _get(
        colleague, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"), run=False
    )
    assert first.status_code == again.status_code == 202
    assert TaskRun.objects.count() == 1  # joined, not started twice
    status = colleague.get(_url(worked_plan, "exports/status/")).content.decode()
    assert "Preparing the PDF: Waiting to start" in status and "<progress" in status
    assert "every 2s" in status  # the partial asks again until the file is ready
    run = TaskRun.objects.get()
    assert f"exports/status/?run={run.uuid}" in first.content.decode()  # the page follows it
    other_format = _get(
        browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.xlsx"), run=False
    )
    assert other_format.status_code == 202 and TaskRun.objects.count() == 2


def test_a_small_plan_is_still_built_at_once_and_not_kept(
    browser: Client, worked_plan: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = _get(browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not PlanExport.objects.exists() and not TaskRun.objects.exists()
    assert AuditEvent.objects.filter(action="plan.exported", details__format="pdf").count() == 1


def test_an_edit_makes_a_new_file_and_the_old_one_is_pruned(
    browser: Client,
    worked_plan: Any,
    coordinator: Any,
    large: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _get(browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"))
    old = PlanExport.objects.get()
    activity = worked_plan.activities.get()
    services.plan_activity_update(
        actor=coordinator, activity=activity, revision=activity.revision, budget=Decimal("9000")
    )
    response = _get(browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"))
    assert response.status_code == 202  # the kept file is of another state: built again
    new = PlanExport.objects.get()  # and the old one is gone
    assert new.pk != old.pk and new.content_at > old.content_at
    assert b"9,000" in bytes(new.content) or new.sha256 != old.sha256


def test_a_plan_changed_while_its_file_is_built_discards_the_file(
    browser: Client,
    worked_plan: Any,
    coordinator: Any,
    large: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def build_while_someone_edits(plan: Any, **_: Any) -> bytes:
        services.plan_update(actor=coordinator, plan=plan, revision=plan.revision, title="New")
        return b"%PDF-stale"

    changing = ExportFormat("pdf", "PDF", "application/pdf", build_while_someone_edits)
    with mock.patch.dict(FORMATS, {"pdf": changing}):
        _get(browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"))
    run = TaskRun.objects.get()
    assert run.status == TaskRun.Status.FAILED and run.error_message == CHANGED
    assert run.attempts == 1  # not tried again: it would build the old state
    assert not PlanExport.objects.exists()
    status = browser.get(_url(worked_plan, "exports/status/")).content.decode()
    # the plan page's status is of the plan's new state: nothing prepared for it yet
    assert "could not be prepared" not in status and "ready" not in status
    # the "preparing" page follows its build, and so shows why it stopped
    followed = browser.get(_url(worked_plan, f"exports/status/?run={run.uuid}")).content
    assert "The PDF could not be prepared" in followed.decode()
    assert "download was being prepared" in followed.decode()
    assert browser.get(_url(worked_plan, "exports/status/?run=nonsense")).status_code == 200


def test_a_failing_build_is_tried_again_then_shows_a_plain_error_to_its_starter(
    browser: Client, worked_plan: Any, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(plan: Any, **_: Any) -> bytes:
        raise RuntimeError(f"font cache broken for {plan.organization.name} x@example.org")

    with mock.patch.dict(FORMATS, {"pdf": ExportFormat("pdf", "PDF", "application/pdf", broken)}):
        _get(browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"))
    run = TaskRun.objects.get()
    assert run.status == TaskRun.Status.FAILED and run.attempts == 3  # bounded retries
    assert run.error_message == GENERAL_ERROR
    status = browser.get(_url(worked_plan, "exports/status/")).content.decode()
    assert "The PDF could not be prepared" in status and "Try again" in status
    assert "example.org" not in status and worked_plan.organization.name not in status
    assert not PlanExport.objects.exists()
    # asking again starts a new build rather than joining the failed one
    _get(browser, django_capture_on_commit_callbacks, _url(worked_plan, "export.pdf"))
    assert TaskRun.objects.count() == 2 and PlanExport.objects.count() == 1


def test_a_build_for_a_plan_that_is_gone_fails_plainly(
    coordinator: Any, worked_plan: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = start(
            plan_export_build,
            started_by=coordinator.user,
            plan=str(uuid.uuid4()),
            membership=coordinator.pk,
            revision=1,
            content_at=worked_plan.updated_at.isoformat(),
            format="pdf",
            language="en",
        )
    run.refresh_from_db()
    assert run.status == TaskRun.Status.FAILED and run.error_message == GONE


def test_the_build_task_is_idempotent(coordinator: Any, worked_plan: Any) -> None:
    arguments = {
        "plan": str(worked_plan.uuid),
        "membership": coordinator.pk,
        "revision": worked_plan.revision,
        "content_at": worked_plan.updated_at.isoformat(),
        "format": "xlsx",
        "language": "en",
    }
    plan_export_build(Progress(), **arguments)
    with _never_built("xlsx"):
        plan_export_build(Progress(), **arguments)
    assert PlanExport.objects.count() == 1


def test_outsiders_get_404_and_roles_that_may_not_download_are_refused(
    worked_plan: Any, outsider: Any, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, outsider.user)
    for suffix in ("export.pdf", "exports/status/"):
        own_org_url = f"/orgs/{outsider.organization.uuid}/plans/{worked_plan.uuid}/{suffix}"
        assert _get(client, django_capture_on_commit_callbacks, own_org_url).status_code == 404
        assert (
            _get(client, django_capture_on_commit_callbacks, _url(worked_plan, suffix)).status_code
            == 404
        )
    screener = make_member(worked_plan.organization, "screener")
    sign_in_as(client, screener.user)
    for suffix in ("export.pdf", "export.xlsx", "exports/status/"):
        response = _get(client, django_capture_on_commit_callbacks, _url(worked_plan, suffix))
        assert response.status_code == 403
    assert not TaskRun.objects.exists() and not PlanExport.objects.exists()


def test_a_member_who_lost_access_gets_no_file_from_the_build(
    coordinator: Any, worked_plan: Any
) -> None:
    from upstream.tasks.background import TaskFailed

    viewer = make_member(worked_plan.organization, "viewer")
    viewer.role = "screener"
    viewer.save()
    with pytest.raises(TaskFailed):
        plan_export_build(
            Progress(),
            plan=str(worked_plan.uuid),
            membership=viewer.pk,
            revision=worked_plan.revision,
            content_at=worked_plan.updated_at.isoformat(),
            format="pdf",
            language="en",
        )
    assert not PlanExport.objects.exists()


def test_the_plan_page_asks_for_the_download_status(browser: Client, worked_plan: Any) -> None:
    page = browser.get(_url(worked_plan)).content.decode()
    assert f'hx-get="{_url(worked_plan, "exports/status/")}"' in page
    empty = browser.get(_url(worked_plan, "exports/status/")).content.decode()
    assert "<progress" not in empty and "every 2s" not in empty


def test_the_prune_job_deletes_files_of_states_the_plan_has_left(
    coordinator: Any, worked_plan: Any
) -> None:
    arguments = {
        "plan": str(worked_plan.uuid),
        "membership": coordinator.pk,
        "revision": worked_plan.revision,
        "content_at": worked_plan.updated_at.isoformat(),
        "language": "en",
    }
    plan_export_build(Progress(), format="xlsx", **arguments)
    assert job_run("planning.exports_prune", trigger="command").summary == (
        "0 outdated plan downloads deleted"
    )
    Plan.objects.filter(pk=worked_plan.pk).update(revision=worked_plan.revision + 1)
    record = job_run("planning.exports_prune", trigger="command")
    assert record.summary == "1 outdated plan download deleted"
    assert not PlanExport.objects.exists()


def test_the_services_and_reads_refuse_a_role_that_may_not_download(
    coordinator: Any, worked_plan: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    from upstream.planning import selectors
    from upstream.planning.services.export_builds import plan_export_request
    from upstream.planning.services.exports import plan_export_store

    plan_export_build(
        Progress(),
        plan=str(worked_plan.uuid),
        membership=coordinator.pk,
        revision=worked_plan.revision,
        content_at=worked_plan.updated_at.isoformat(),
        format="xlsx",
        language="en",
    )
    kept = PlanExport.objects.get()
    screener = make_member(worked_plan.organization, "screener")
    with pytest.raises(PermissionDenied):
        plan_export_request(actor=screener, plan=worked_plan, format="pdf", language="en")
    with pytest.raises(PermissionDenied):
        selectors.plan_export_content(membership=screener, plan=worked_plan, export=kept)
    with pytest.raises(PermissionDenied):
        selectors.plan_export_statuses(
            membership=screener, plan=worked_plan, language="en", formats={"pdf": "PDF"}
        )
    with pytest.raises(PermissionDenied):
        plan_export_store(
            actor=screener,
            plan=worked_plan,
            revision=worked_plan.revision,
            content_at=worked_plan.updated_at,
            format="pdf",
            language="en",
            body=b"%PDF",
        )
    assert not TaskRun.objects.exists() and PlanExport.objects.count() == 1
