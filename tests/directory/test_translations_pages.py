"""The directory's import page, its problems and its import report in Spanish."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.conftest import make_member, sign_in_as
from upstream.core.problems import DataError
from upstream.directory import services
from upstream.directory.importers import hsds_csv
from upstream.directory.models import DirectoryImport
from upstream.tasks.background import Progress

pytestmark = pytest.mark.django_db


def _url(org: Any) -> str:
    return f"/orgs/{org.uuid}/directory/import/"


def _file(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def spanish_coordinator(owner_org: Any, client: Client) -> Any:
    member = make_member(owner_org, "coordinator", email="directorio@owner.example.org")
    sign_in_as(client, member.user)
    client.cookies["django_language"] = "es"
    return member


def test_the_import_page_in_spanish(
    client: Client, owner_org: Any, spanish_coordinator: Any
) -> None:
    html = client.get(_url(owner_org)).content.decode()
    assert "<h1>Importar al directorio de recursos</h1>" in html
    assert "Archivo HSDS" in html  # the form's label
    assert "Reconocerlo a partir del archivo" in html  # the format's first choice
    assert "Paquete de datos tabular HSDS 3.0 (zip de archivos CSV)" in html
    assert "Todavía no se ha importado nada." in html
    for english in ("Import into the resource directory", "Recognise it from the file", "Outcome"):
        assert english not in html, english


def test_a_refused_file_is_explained_in_spanish(
    client: Client, owner_org: Any, spanish_coordinator: Any
) -> None:
    response = client.post(_url(owner_org), {"file": _file(b"\x89PNG\r\n\x1a\n", "x.png")})
    assert response.status_code == 422
    html = response.content.decode()
    assert "No se aceptó el archivo" in html
    assert "no es un archivo HSDS" in html
    assert "not an HSDS file" not in html
    assert not DirectoryImport.objects.exists()


def test_the_import_report_lists_records_and_problems_in_spanish(
    client: Client, owner_org: Any, spanish_coordinator: Any, service_full: Any
) -> None:
    with translation.override("es"):
        job = services.directory_import_prepare(
            organization=owner_org,
            name="s.json",
            data=json.dumps([service_full]).encode(),
        )
        result = services.directory_import_run(job=job, progress=Progress())
    assert result is not None
    job.refresh_from_db()
    assert "registros agregados" in job.summary
    html = client.get(_url(owner_org)).content.decode()
    assert "Importado" in html and "registros agregados" in html


def test_importer_problems_are_translated() -> None:
    with translation.override("es"), pytest.raises(DataError) as raised:
        hsds_csv.parse(b"PK not really a zip", name="d.zip")
    assert "no es un archivo zip" in str(raised.value.problems[0])
    with translation.override("en"), pytest.raises(DataError) as raised:
        hsds_csv.parse(b"PK not really a zip", name="d.zip")
    assert "not a zip file" in str(raised.value.problems[0])


def test_a_background_import_reports_in_the_language_of_who_gave_the_file(
    client: Client,
    owner_org: Any,
    spanish_coordinator: Any,
    service_full: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    del service_full["name"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            _url(owner_org), {"file": _file(json.dumps([service_full]).encode(), "bad.json")}
        )
    assert response.status_code == 302
    with translation.override("en"):  # the worker's own language
        for callback in callbacks:
            callback()
    job = DirectoryImport.objects.get()
    assert job.status == DirectoryImport.Status.REFUSED
    assert job.summary.startswith("El archivo no se importó: 1 problema;")
    html = client.get(response["Location"]).content.decode()
    assert "Rechazado, no se guardó nada" in html
