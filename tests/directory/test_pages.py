"""Administrators and coordinators upload HSDS files in the browser; a background task imports
them all or nothing and the page shows the report; members export the directory."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from upstream.directory.models import DirectoryImport, Service
from upstream.tasks.models import TaskRun

pytestmark = pytest.mark.django_db


def _url(org: Any) -> str:
    return f"/orgs/{org.uuid}/directory/import/"


def _file(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def coordinator(owner_org: Any, client: Client) -> Any:
    member = make_member(owner_org, "coordinator", email="directory-coord@owner.example.org")
    sign_in_as(client, member.user)
    return member


def test_a_coordinator_uploads_hsds_json_and_sees_the_report(
    client: Client,
    owner_org: Any,
    coordinator: Any,
    service_full: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(owner_org),
            {"file": _file(json.dumps([service_full]).encode(), "s.json"), "format": ""},
        )
    assert response.status_code == 302
    run = TaskRun.objects.get(uuid=response["Location"].split("?task=")[1])
    assert run.status == TaskRun.Status.SUCCEEDED
    assert Service.objects.filter(organization=owner_org).count() == 1
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "added" in text and "s.json" in text


def test_a_refused_upload_lists_every_problem_on_the_page(
    client: Client,
    owner_org: Any,
    coordinator: Any,
    service_full: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    del service_full["name"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(owner_org), {"file": _file(json.dumps([service_full]).encode(), "bad.json")}
        )
    assert response.status_code == 302
    page = client.get(_url(owner_org)).content.decode()
    assert "required property" in page
    assert DirectoryImport.objects.get().status == "refused"
    assert not Service.objects.exists()


def test_a_file_that_is_not_hsds_is_refused_at_once(
    client: Client, owner_org: Any, coordinator: Any
) -> None:
    response = client.post(_url(owner_org), {"file": _file(b"\x89PNG\r\n\x1a\n", "x.png")})
    assert response.status_code == 422
    assert "not an HSDS file" in response.content.decode()
    assert not DirectoryImport.objects.exists()


@pytest.mark.parametrize("role", ["staff", "analyst", "viewer", "provider", "screener"])
def test_roles_below_coordinator_may_not_import(client: Client, owner_org: Any, role: str) -> None:
    member = make_member(owner_org, role)
    sign_in_as(client, member.user)
    assert client.get(_url(owner_org)).status_code == 403


def test_an_outsider_gets_404(client: Client, owner_org: Any, outsider: Any) -> None:
    sign_in_as(client, outsider.user)
    assert client.get(_url(owner_org)).status_code == 404
    assert client.get(f"/orgs/{owner_org.uuid}/directory/export.json").status_code == 404


def test_staff_export_but_viewers_may_not(
    client: Client, owner_org: Any, service_full: Any
) -> None:
    from tests.directory.conftest import import_now

    import_now(owner_org, "a.json", json.dumps(service_full).encode())
    staff = make_member(owner_org, "staff")
    sign_in_as(client, staff.user)
    response = client.get(f"/orgs/{owner_org.uuid}/directory/export.json")
    assert response.status_code == 200
    assert json.loads(response.content)[0]["id"] == service_full["id"]
    zipped = client.get(f"/orgs/{owner_org.uuid}/directory/export.zip")
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
    viewer = make_member(owner_org, "viewer")
    sign_in_as(client, viewer.user)
    assert client.get(f"/orgs/{owner_org.uuid}/directory/export.json").status_code == 403


def test_the_recent_imports_list_takes_a_fixed_number_of_queries(
    client: Client, owner_org: Any, coordinator: Any, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            DirectoryImport.objects.create(
                organization=owner_org,
                format="hsds-json",
                name=f"f{i}.json",
                status="imported",
                summary="ok",
            )

    add(2)
    client.get(_url(owner_org))
    with django_assert_max_num_queries(20) as small:
        client.get(_url(owner_org))
    add(18)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_url(owner_org))


def test_the_organization_menu_leads_to_the_directory(
    client: Client, owner_org: Any, coordinator: Any
) -> None:
    page = client.get(f"/orgs/{owner_org.uuid}/").content.decode()
    assert f"/orgs/{owner_org.uuid}/directory/import/" in page
