"""Administrators and analysts upload SVI and indicator CSVs in the browser; a background task
imports them all or nothing, with the command line's importers, and the page shows the outcome."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from tests.conftest import make_member, sign_in_as
from upstream.audit.models import AuditEvent
from upstream.community.models import GeographySet, IndexDefinition, Observation, Upload
from upstream.community.services import uploads
from upstream.tasks.background import GENERAL_ERROR, Progress, TaskFailed, execute
from upstream.tasks.models import TaskRun

pytestmark = pytest.mark.django_db

GOOD = "fips,indicator,year,value,moe\n42001,youth-idle,2022,12.5,1.5\n42003,youth-idle,2022,9\n"
BAD = (
    "fips,indicator,year,value\n"
    "42001,youth-idle,2022,12.5\n"
    "4200X,youth-idle,2022,3\n"
    "42005,no-such-indicator,2022,4\n"
    "42007,youth-idle,20x2,five\n"
)


def _url(org: Any) -> str:
    return f"/community/orgs/{org.uuid}/uploads/"


def _file(text: str | bytes, name: str = "idle.csv") -> io.BytesIO:
    handle = io.BytesIO(text.encode() if isinstance(text, str) else text)
    handle.name = name
    return handle


def _post(client: Client, org: Any, text: str | bytes, capture: Any, **fields: str) -> Any:
    data = {
        "kind": "indicators",
        "if_stored": "refuse",
        "file": _file(text, fields.pop("name", "idle.csv")),
    }
    data.update(fields)
    with capture(execute=True):
        return client.post(_url(org), data)


def _run(response: Any) -> TaskRun:
    assert response.status_code == 302, response.content.decode()[:2000]
    return TaskRun.objects.get(uuid=response["Location"].split("?task=")[1])


@pytest.fixture
def analyst(owner_org: Any, client: Client) -> Any:
    analyst = make_member(owner_org, "analyst", email="uploads-analyst@owner.example.org")
    sign_in_as(client, analyst.user)
    return analyst


def test_an_analyst_uploads_an_indicator_csv_and_sees_the_rows_imported(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    youth_indicator: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _run(_post(client, owner_org, GOOD, django_capture_on_commit_callbacks))
    assert run.status == TaskRun.Status.SUCCEEDED
    assert run.progress == 1.0
    assert run.started_by == analyst.user
    stored = dict(Observation.objects.values_list("geography__fips", "value"))
    assert stored == {"42001": 12.5, "42003": 9.0}
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.IMPORTED
    assert bytes(upload.data) == b""  # the stored file is gone once imported
    assert upload.organization == owner_org
    assert "Imported 2 observations of 1 indicators" in upload.summary
    page = client.get(f"{_url(owner_org)}?task={run.uuid}").content.decode()
    assert "Imported 2 observations of 1 indicators" in page
    actions = set(
        AuditEvent.objects.filter(organization=owner_org).values_list("action", flat=True)
    )
    assert {"community.upload_received", "community.upload_imported"} <= actions


def test_an_admin_uploads_a_real_svi_file_and_its_index_is_computed(
    client: Client,
    owner_org: Any,
    member: Any,
    us2023: GeographySet,
    shared_data: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sign_in_as(client, member.user)
    lines = (shared_data / "svi" / "SVI_2022_PENNSYLVANIA_county.csv").read_text().splitlines()
    text = "\n".join(lines[:6]) + "\n"
    response = _post(
        client,
        owner_org,
        text,
        django_capture_on_commit_callbacks,
        kind="svi",
        name="SVI_2022_PENNSYLVANIA_county.csv",
    )
    run = _run(response)
    assert run.status == TaskRun.Status.SUCCEEDED, run.error_message
    assert Observation.objects.filter(indicator__key="svi-pov150").count() == 5
    assert IndexDefinition.objects.filter(key="svi-2022").exists()
    assert "Computed index svi-2022" in Upload.objects.get().summary


def test_a_malformed_file_fails_with_the_importers_problem_list_and_writes_nothing(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    youth_indicator: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _run(_post(client, owner_org, BAD, django_capture_on_commit_callbacks))
    assert run.status == TaskRun.Status.FAILED
    assert run.attempts == 1  # a refused file is not tried again
    problems = run.result["problems"]
    located = {(p.get("row"), p.get("column")) for p in problems}
    assert {(2, "fips"), (3, "indicator"), (4, "year"), (4, "value")} <= located
    assert "nothing was written" in run.error_message
    assert not Observation.objects.exists()
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.REFUSED
    assert bytes(upload.data) == b""
    page = client.get(f"{_url(owner_org)}?task={run.uuid}").content.decode()
    assert "Problems found (4)" in page
    assert "unknown indicator &#x27;no-such-indicator&#x27;" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty"),
        (b"   \n\n", "the file is empty"),
        ("fips,indicator,year,value\n42001,caf\xe9,2022,1\n".encode("latin-1"), "not UTF-8 text"),
        (b"county,measure,value\n42001,x,1\n", "missing required columns: fips, indicator, year"),
        (b"fips,indicator,year,value\n42001,a\x00b,2022,1\n", "control character U+0000"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_at_once_and_nothing_is_kept(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    django_capture_on_commit_callbacks: Any,
    content: bytes,
    message: str,
) -> None:
    response = _post(client, owner_org, content, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Upload.objects.exists()
    assert not TaskRun.objects.exists()


def test_a_file_over_the_table_limit_is_refused(
    client: Client,
    owner_org: Any,
    analyst: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAX_TABLE_BYTES = 40
    response = _post(client, owner_org, GOOD, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    assert "larger than 40 bytes" in response.content.decode()
    assert not Upload.objects.exists()


def test_an_svi_upload_without_the_cdc_columns_is_refused(
    client: Client, owner_org: Any, analyst: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = _post(client, owner_org, GOOD, django_capture_on_commit_callbacks, kind="svi")
    assert response.status_code == 422
    assert "missing required columns: ST, STCNTY, FIPS, E_TOTPOP" in response.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "staff", "viewer", "screener", "provider"])
def test_roles_below_analyst_cannot_open_or_post_the_upload_page(
    client: Client,
    owner_org: Any,
    role: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_member(owner_org, role, email=f"uploads-{role}@owner.example.org")
    sign_in_as(client, person.user)
    assert client.get(_url(owner_org)).status_code == 403
    assert _post(client, owner_org, GOOD, django_capture_on_commit_callbacks).status_code == 403
    assert not Upload.objects.exists()


def test_an_outsider_and_an_anonymous_visitor_cannot_upload(
    client: Client, owner_org: Any, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anonymous = client.get(_url(owner_org))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/account/sign-in/")
    sign_in_as(client, outsider.user)
    assert client.get(_url(owner_org)).status_code == 404
    assert _post(client, owner_org, GOOD, django_capture_on_commit_callbacks).status_code == 404
    assert not Upload.objects.exists()


def test_someone_else_cannot_follow_the_uploaders_task(
    client: Client,
    owner_org: Any,
    analyst: Any,
    member: Any,
    us2023: GeographySet,
    youth_indicator: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _run(_post(client, owner_org, GOOD, django_capture_on_commit_callbacks))
    sign_in_as(client, member.user)
    page = client.get(f"{_url(owner_org)}?task={run.uuid}").content.decode()
    assert "Your upload" not in page
    assert client.get(f"/tasks/{run.uuid}/").status_code == 404


def test_running_the_task_again_changes_nothing_more(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    youth_indicator: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _run(_post(client, owner_org, GOOD, django_capture_on_commit_callbacks))
    upload = Upload.objects.get()
    events = AuditEvent.objects.count()
    again = uploads.upload_import_in_background(Progress(), upload=str(upload.uuid))
    assert again["status"] == Upload.Status.IMPORTED
    execute.call(str(run.uuid))  # a repeated delivery of the finished run
    assert Observation.objects.count() == 2
    assert AuditEvent.objects.count() == events
    run.refresh_from_db()
    assert run.attempts == 1


def test_running_a_refused_upload_again_repeats_its_problems(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    youth_indicator: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _run(_post(client, owner_org, BAD, django_capture_on_commit_callbacks))
    upload = Upload.objects.get()
    with pytest.raises(TaskFailed) as failed:
        uploads.upload_import_in_background(Progress(), upload=str(upload.uuid))
    assert len(failed.value.problems) == 4
    assert not Observation.objects.exists()


def test_a_failed_attempt_is_tried_again_and_imports_once(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    youth_indicator: str,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    real = uploads._import
    calls: list[int] = []

    def flaky(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(*args)

    monkeypatch.setattr(uploads, "_import", flaky)
    run = _run(_post(client, owner_org, GOOD, django_capture_on_commit_callbacks))
    assert run.status == TaskRun.Status.SUCCEEDED
    assert run.attempts == 2
    assert Observation.objects.count() == 2


def test_after_the_last_attempt_the_uploader_sees_a_plain_error_and_the_file_is_dropped(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    youth_indicator: str,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broken(*args: Any) -> Any:
        raise OperationalError("SELECT secret FROM people")  # never shown

    monkeypatch.setattr(uploads, "_import", broken)
    run = _run(_post(client, owner_org, GOOD, django_capture_on_commit_callbacks))
    assert run.status == TaskRun.Status.FAILED
    assert run.attempts == 3
    assert run.error_message == GENERAL_ERROR
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.DISCARDED
    assert bytes(upload.data) == b""
    page = client.get(f"/tasks/{run.uuid}/").content.decode()
    assert "secret" not in page
    assert not Observation.objects.exists()


def test_an_uploader_who_lost_the_role_before_the_import_imports_nothing(
    owner_org: Any, analyst: Any, us2023: GeographySet, youth_indicator: str
) -> None:
    upload = Upload.objects.create(
        organization=owner_org,
        uploaded_by=analyst.user,
        kind="indicators",
        name="idle.csv",
        data=GOOD.encode(),
    )
    analyst.role = "viewer"
    analyst.save()
    with pytest.raises(TaskFailed, match="no longer import"):
        uploads.upload_import_in_background(Progress(), upload=str(upload.uuid))
    assert not Observation.objects.exists()
    upload.refresh_from_db()
    assert upload.status == Upload.Status.DISCARDED
    assert bytes(upload.data) == b""


def _uploads(org: Any, user: Any, n: int) -> None:
    Upload.objects.bulk_create(
        Upload(organization=org, uploaded_by=user, kind="indicators", name=f"f{i}.csv")
        for i in range(n)
    )


def test_the_upload_page_lists_recent_uploads_in_a_fixed_number_of_queries(
    client: Client, owner_org: Any, analyst: Any, django_assert_max_num_queries: Any
) -> None:
    _uploads(owner_org, analyst.user, 2)
    client.get(_url(owner_org))
    with django_assert_max_num_queries(12) as small:
        client.get(_url(owner_org))
    _uploads(owner_org, analyst.user, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(_url(owner_org)).content.decode()
    assert page.count('<th scope="row">f') == 20


def test_the_upload_page_lists_only_the_organizations_own_uploads(
    client: Client, owner_org: Any, analyst: Any, outsider: Any
) -> None:
    Upload.objects.create(
        organization=outsider.organization, uploaded_by=outsider.user, kind="svi", name="theirs.csv"
    )
    Upload.objects.create(
        organization=owner_org, uploaded_by=analyst.user, kind="svi", name="ours.csv"
    )
    page = client.get(_url(owner_org)).content.decode()
    assert "ours.csv" in page
    assert "theirs.csv" not in page


def test_an_upload_left_waiting_a_day_is_cleared_and_its_task_says_so(
    owner_org: Any, analyst: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    old = Upload.objects.create(
        organization=owner_org,
        uploaded_by=analyst.user,
        kind="indicators",
        name="old.csv",
        data=GOOD.encode(),
        created_at=timezone.now() - timedelta(hours=25),
    )
    fresh = Upload.objects.create(
        organization=owner_org,
        uploaded_by=analyst.user,
        kind="indicators",
        name="new.csv",
        data=GOOD.encode(),
    )
    assert uploads.uploads_stale_discard() == 1
    assert uploads.uploads_stale_discard() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Upload.Status.DISCARDED
    assert bytes(old.data) == b""
    assert fresh.status == Upload.Status.PENDING
    with pytest.raises(TaskFailed, match="upload it again"):
        uploads.upload_import_in_background(Progress(), upload=str(old.uuid))


def test_the_upload_service_and_list_refuse_a_role_below_analyst(owner_org: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from upstream.community import selectors

    coordinator = make_member(owner_org, "coordinator", email="uploads-svc@owner.example.org")
    with pytest.raises(PermissionDenied):
        uploads.upload_receive(
            actor=coordinator, kind="indicators", name="idle.csv", data=GOOD.encode()
        )
    with pytest.raises(PermissionDenied):
        selectors.uploads_for(membership=coordinator)
    assert not Upload.objects.exists()


def test_an_svi_file_with_bad_numbers_lists_them_by_column_and_writes_nothing(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    shared_data: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import csv

    source = (shared_data / "svi" / "SVI_2022_PENNSYLVANIA_county.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(source)))[:3]
    rows[2][rows[0].index("EP_POV150")] = "lots"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = out.getvalue()
    response = _post(
        client,
        owner_org,
        text,
        django_capture_on_commit_callbacks,
        kind="svi",
        name="SVI_2022_PENNSYLVANIA_county.csv",
    )
    run = _run(response)
    assert run.status == TaskRun.Status.FAILED
    assert {"column": "EP_POV150", "message": "non-numeric values in rows 2"} in run.result[
        "problems"
    ]
    assert not Observation.objects.exists()


def test_a_refused_header_and_the_import_progress_are_in_the_readers_language(
    client: Client,
    owner_org: Any,
    analyst: Any,
    us2023: GeographySet,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.utils import translation

    client.cookies["django_language"] = "es"
    with translation.override("es"):
        response = _post(
            client, owner_org, "county,measure\n39049,1\n", django_capture_on_commit_callbacks
        )
    assert response.status_code == 422
    assert "faltan columnas obligatorias: fips" in response.content.decode()
    assert not Upload.objects.exists()
    with translation.override("es"):
        assert uploads.header_problems("", kind="indicators")[0].message == (
            "el archivo está vacío (no tiene línea de encabezado)"
        )
