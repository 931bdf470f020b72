"""An analyst uploads a small real SVI file in the browser: the page shows the task waiting for a
worker, then, once a worker has run it, the rows imported; every state is axe-clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_planning_journey import _check, _sign_in
from upstream.community.geo import geography_set_load
from upstream.community.models import Observation, Upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _subset(shared_data: Path, folder: Path, rows: int) -> Path:
    """The header and the first ``rows`` counties of CDC's Pennsylvania 2022 file."""
    lines = (shared_data / "svi" / "SVI_2022_PENNSYLVANIA_county.csv").read_text(
        encoding="utf-8-sig"
    )
    target = folder / "SVI_2022_PENNSYLVANIA_county.csv"
    target.write_text("\n".join(lines.splitlines()[: rows + 1]) + "\n", encoding="utf-8")
    return target


def test_analyst_uploads_an_svi_file_and_follows_it_to_the_result(
    live_server: Any, page: Any, owner_org: Any, shared_data: Path, tmp_path: Path
) -> None:
    geography_set_load(key="us-2023")
    analyst = make_member(owner_org, "analyst", email="e2e-upload@owner.example.org")
    path = _subset(shared_data, tmp_path, rows=4)
    with override_settings(TASKS=QUEUE):
        _sign_in(page, live_server, analyst.user)
        page.goto(live_server.url + "/community/indices/")
        page.get_by_role("link", name="Upload community data").click()
        assert page.locator("h1").inner_text() == "Upload community data"
        assert_accessible(page)

        _check(page, "CDC/ATSDR SVI CSV")
        page.locator("input[type=file]").set_input_files(str(path))
        page.get_by_role("button", name="Upload and import").click()
        page.wait_for_url("**/uploads/?task=*")
        progress = page.locator(".upstream-task-progress")
        assert "Waiting to start" in progress.inner_text()
        assert page.locator(".upstream-task-progress progress").count() == 1
        assert_accessible(page)
        assert not Observation.objects.exists()  # nothing happens until a worker takes it

        call_command(
            "db_worker", "--queue-name", "default", "--batch", "--no-reload", "--no-startup-delay"
        )
        page.get_by_text("Imported 68 observations of 17 indicators").wait_for()
        assert "Computed index svi-2022" in progress.inner_text()
        assert page.locator(".upstream-task-progress progress").count() == 0
        assert_accessible(page)
    assert Observation.objects.filter(indicator__key="svi-pov150").count() == 4
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.IMPORTED
    assert bytes(upload.data) == b""
