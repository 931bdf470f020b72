from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.directory.conftest import import_now, zip_folder
from upstream.directory.hsds import schema_problems
from upstream.directory.importers import tabular
from upstream.directory.importers.hsds_csv import FILES
from upstream.directory.models import Location
from upstream.directory.selectors import directory_public_tables
from upstream.directory.services import directory_export, location_visibility_set


def export(owner: Any, format: str) -> bytes:
    content, _type, _name = directory_export(actor=None, organization=owner, format=format)
    return content


def snapshot(owner: Any) -> dict[str, dict[str, Any]]:
    return directory_public_tables(owner=owner)


def flat_only(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not isinstance(v, list | dict)}


def assert_valid_json(content: bytes) -> list[dict[str, Any]]:
    services = json.loads(content)
    assert isinstance(services, list) and services
    for service in services:
        assert list(schema_problems("service", service)) == []
    return services


def assert_valid_datapackage(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert "datapackage.json" in names
        for name in names:
            if name not in FILES:
                continue
            table = FILES[name]
            _header, rows, problems = tabular.read_rows(archive.read(name).decode(), file=name)
            assert problems == []
            for row in rows:
                record = tabular.typed(table, row, file=name, problems=problems)
                assert list(schema_problems(table, record)) == []
            assert problems == []


@pytest.mark.parametrize("format", ["json", "datapackage"])
def test_an_export_reimported_gives_the_same_directory(
    owner_org: Any, outsider_org: Any, service_full: Any, format: str
) -> None:
    import_now(owner_org, "a.json", json.dumps(service_full).encode())
    content = export(owner_org, format)
    if format == "json":
        assert_valid_json(content)
    else:
        assert_valid_datapackage(content)
    import_now(outsider_org, f"export.{format}", content)
    expected = snapshot(owner_org)
    if format == "datapackage":
        # The data package holds the core tables only: the lists outside them (funding, cost
        # options, metadata…) travel in the JSON export.
        expected = {t: {i: flat_only(r) for i, r in rows.items()} for t, rows in expected.items()}
    assert snapshot(outsider_org) == expected
    again = import_now(outsider_org, f"export.{format}", content)
    assert again.total("added") == 0 and again.total("updated") == 0


def test_the_ilao_directory_round_trips_through_the_data_package(
    owner_org: Any, outsider_org: Any, hsds_dir: Path
) -> None:
    import_now(owner_org, "ilao.zip", zip_folder(hsds_dir / "samples/ilao_hsds_1.1"))
    content = export(owner_org, "datapackage")
    assert_valid_datapackage(content)
    import_now(outsider_org, "export.zip", content)
    assert snapshot(outsider_org) == snapshot(owner_org)


@pytest.mark.parametrize("visibility", ["confidential", "internal"])
@pytest.mark.parametrize("format", ["json", "datapackage"])
def test_a_withheld_location_never_leaks_its_address_coordinates_or_phones(
    owner_org: Any, service_full: Any, format: str, visibility: str
) -> None:
    # Distinctive values, changed wherever the example repeats the record.
    address, phone = "17 Hidden Lane", "+1 555 0199 77"
    location_json = service_full["service_at_locations"][0]["location"]
    text = json.dumps(service_full)
    text = text.replace(location_json["addresses"][0]["address_1"], address)
    text = text.replace(json.dumps(location_json["phones"][0]["number"])[1:-1], phone)
    text = text.replace('"latitude": 100', '"latitude": 41.87654321')
    import_now(owner_org, "a.json", text.encode())
    location_json["latitude"] = 41.87654321
    location = Location.objects.get(organization=owner_org, hsds_id=location_json["id"])
    location_visibility_set(actor=None, location=location, visibility=visibility)
    content = export(owner_org, format)
    if format == "json":
        assert_valid_json(content)
        text = content.decode()
    else:
        assert_valid_datapackage(content)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            text = "\n".join(archive.read(n).decode() for n in archive.namelist())
    assert address not in text
    assert phone not in text
    assert str(location_json["latitude"]) not in text
    assert f"upstream:{visibility}-location" in text  # the marker tells readers why
    # Imported elsewhere, the location stays withheld.
    from upstream.accounts.services import organization_create

    other = organization_create(actor=None, name="Other", sectors=["housing"], state_fips="39")
    import_now(other, f"export.{format}", content)
    assert (
        Location.objects.get(organization=other, hsds_id=location.hsds_id).visibility == visibility
    )


def test_making_a_location_public_again_restores_its_details(
    owner_org: Any, service_full: Any
) -> None:
    import_now(owner_org, "a.json", json.dumps(service_full).encode())
    before = snapshot(owner_org)
    location_id = service_full["service_at_locations"][0]["location"]["id"]
    location = Location.objects.get(organization=owner_org, hsds_id=location_id)
    location_visibility_set(actor=None, location=location, visibility="confidential")
    assert snapshot(owner_org) != before
    location_visibility_set(actor=None, location=location, visibility="public")
    assert snapshot(owner_org) == before


def test_reimporting_the_source_does_not_make_a_confidential_location_public(
    owner_org: Any, service_full: Any
) -> None:
    data = json.dumps(service_full).encode()
    import_now(owner_org, "a.json", data)
    location_id = service_full["service_at_locations"][0]["location"]["id"]
    location = Location.objects.get(organization=owner_org, hsds_id=location_id)
    location_visibility_set(actor=None, location=location, visibility="confidential")
    name = service_full["service_at_locations"][0]["location"]["name"]
    changed = data.decode().replace(json.dumps(name), '"Renamed"')
    result = import_now(owner_org, "a.json", changed.encode())
    assert result.counts["location"]["updated"] == 1
    location.refresh_from_db()
    assert location.visibility == "confidential"
    assert "latitude" not in location.data


def test_no_withheld_location_leaks_across_a_large_export(owner_org: Any) -> None:
    """1,000 services at 1,000 locations, every other one confidential or internal: neither
    export holds one withheld address, phone number or coordinate."""
    services_json = []
    for i in range(1000):
        services_json.append(
            {
                "id": f"svc-{i}",
                "name": f"Service {i}",
                "status": "active",
                "service_at_locations": [
                    {
                        "id": f"sal-{i}",
                        "location": {
                            "id": f"loc-{i}",
                            "location_type": "physical",
                            "latitude": 40 + i / 10_000,
                            "addresses": [
                                {
                                    "id": f"adr-{i}",
                                    "address_1": f"{i} Secret Street",
                                    "city": "Springfield",
                                    "state_province": "IL",
                                    "postal_code": "62701",
                                    "country": "US",
                                    "address_type": "physical",
                                }
                            ],
                            "phones": [{"id": f"ph-{i}", "number": f"555-{i:04d}"}],
                        },
                    }
                ],
            }
        )
    import_now(owner_org, "many.json", json.dumps(services_json).encode())
    withheld = {f"loc-{i}" for i in range(0, 1000, 2)}
    for location in Location.objects.filter(organization=owner_org, hsds_id__in=withheld):
        number = int(location.hsds_id.split("-")[1])
        visibility = "confidential" if number % 4 == 0 else "internal"
        location_visibility_set(actor=None, location=location, visibility=visibility)
    as_json = export(owner_org, "json").decode()
    with zipfile.ZipFile(io.BytesIO(export(owner_org, "datapackage"))) as archive:
        as_csv = "\n".join(archive.read(n).decode() for n in archive.namelist())
    for text in (as_json, as_csv):
        for i in range(1000):
            shown = i % 2 == 1
            assert (f"{i} Secret Street" in text) is shown
            assert (f"555-{i:04d}" in text) is shown
        assert text.count("upstream:confidential-location") >= 1
    services = assert_valid_json(as_json.encode())
    assert len(services) == 1000
