from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from upstream.directory.models import DirectoryImport, Location, Service


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("directory", *args, stdout=out)
    return out.getvalue()


def test_import_with_wait_shows_progress_and_the_report(owner_org: Any, hsds_dir: Path) -> None:
    out = run(
        "import", str(hsds_dir / "samples/ilao_hsds_1.1"), "--org", str(owner_org.uuid), "--wait"
    )
    assert "%]" in out  # progress lines
    assert "service" in out and "429" in out
    assert Service.objects.filter(organization=owner_org).count() == 429
    job = DirectoryImport.objects.get(organization=owner_org)
    assert job.status == "imported" and job.data == b""


def test_import_in_the_background_then_status(
    owner_org: Any, tmp_path: Path, service_full: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path = tmp_path / "services.json"
    path.write_text(json.dumps([service_full]))
    with django_capture_on_commit_callbacks(execute=True):
        out = run("import", str(path), "--org", str(owner_org.uuid))
    job = DirectoryImport.objects.get(organization=owner_org)
    assert str(job.uuid) in out
    status = run("status", str(job.uuid))
    assert "Imported" in status and "added" in status


def test_a_refused_import_lists_every_problem_and_writes_nothing(
    owner_org: Any, tmp_path: Path, service_full: Any
) -> None:
    del service_full["name"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([service_full]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "directory",
            "import",
            str(path),
            "--org",
            str(owner_org.uuid),
            "--wait",
            stderr=err,
            stdout=io.StringIO(),
        )
    assert "'name' is a required property" in err.getvalue()
    assert not Service.objects.exists()
    assert DirectoryImport.objects.get(organization=owner_org).status == "refused"


def test_unknown_organization_is_refused(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="no organization"):
        run("import", str(tmp_path), "--org", "not-a-uuid")


def test_export_and_location_visibility(owner_org: Any, tmp_path: Path, service_full: Any) -> None:
    path = tmp_path / "services.json"
    path.write_text(json.dumps(service_full))
    run("import", str(path), "--org", str(owner_org.uuid), "--wait")
    location_id = service_full["service_at_locations"][0]["location"]["id"]
    run(
        "location-visibility",
        "--org",
        str(owner_org.uuid),
        "--location",
        location_id,
        "--visibility",
        "confidential",
    )
    assert (
        Location.objects.get(hsds_id=location_id, organization=owner_org).visibility
        == "confidential"
    )
    output = tmp_path / "out.zip"
    out = run(
        "export", "--org", str(owner_org.uuid), "--format", "datapackage", "--output", str(output)
    )
    assert "Wrote" in out and output.read_bytes()[:2] == b"PK"
    exported = run("export", "--org", str(owner_org.uuid))
    assert "upstream:confidential-location" in exported


def test_an_import_left_waiting_a_day_is_cleared_by_its_job(owner_org: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from upstream.tasks.jobs import job_run

    old = DirectoryImport.objects.create(
        organization=owner_org, format="hsds-json", name="old.json", data=b"[1]"
    )
    DirectoryImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    fresh = DirectoryImport.objects.create(
        organization=owner_org, format="hsds-json", name="new.json", data=b"[1]"
    )
    job_run("directory.imports_discard", trigger="test")
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == "discarded" and bytes(old.data) == b""
    assert fresh.status == "pending" and bytes(fresh.data) == b"[1]"
