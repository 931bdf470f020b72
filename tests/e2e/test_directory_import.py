"""A coordinator uploads the official HSDS service example in the browser: the page shows the
task waiting for a worker, then, once a worker has run it, the records added; every state is
axe-clean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_planning_journey import _sign_in
from upstream.directory.models import DirectoryImport, Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_coordinator_uploads_hsds_json_and_follows_it_to_the_report(
    live_server: Any, page: Any, owner_org: Any, shared_data: Path, tmp_path: Path
) -> None:
    coordinator = make_member(owner_org, "coordinator", email="e2e-directory@owner.example.org")
    example = shared_data / "hsds" / "hsds-3.0" / "examples" / "service_full.json"
    path = tmp_path / "services.json"
    path.write_text(json.dumps([json.loads(example.read_text(encoding="utf-8"))]))
    with override_settings(TASKS=QUEUE):
        _sign_in(page, live_server, coordinator.user)
        page.goto(f"{live_server.url}/orgs/{owner_org.uuid}/")
        page.get_by_role("link", name="Directory", exact=True).click()
        assert page.locator("h1").inner_text() == "Import into the resource directory"
        assert_accessible(page)

        page.locator("input[type=file]").set_input_files(str(path))
        page.get_by_role("button", name="Upload and import").click()
        page.wait_for_url("**/directory/import/?task=*")
        progress = page.locator(".upstream-task-progress")
        assert "Waiting to start" in progress.inner_text()
        assert_accessible(page)
        assert not Service.objects.exists()

        call_command(
            "db_worker", "--queue-name", "default", "--batch", "--no-reload", "--no-startup-delay"
        )
        page.get_by_text("records added").wait_for()
        assert "records added" in progress.inner_text(), progress.inner_text()
        assert_accessible(page)
    assert Service.objects.filter(organization=owner_org).count() == 1
    job = DirectoryImport.objects.get()
    assert job.status == DirectoryImport.Status.IMPORTED
    assert bytes(job.data) == b""
