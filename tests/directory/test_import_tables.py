from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.directory.conftest import import_now, zip_folder, zipped
from upstream.core.problems import DataError
from upstream.directory.models import Address, Location, Phone, Provider, Schedule, Service


def test_official_csv_example_is_refused_for_its_own_broken_references(
    owner_org: Any, hsds_dir: Path
) -> None:
    # The official one-row-per-table example does not link its rows (e.g. its location names
    # an organization that is not in organizations.csv): every broken link is listed.
    data = zip_folder(hsds_dir / "hsds-3.0/examples/csv")
    with pytest.raises(DataError) as caught:
        import_now(owner_org, "csv.zip", data)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 4
    assert any(
        m.startswith("locations.csv: row 1, column organization_id: location ") for m in messages
    )
    assert any("unknown taxonomy '07ff6aee" in m for m in messages)
    assert not Service.objects.exists()


def test_official_csv_example_with_its_links_repaired_imports(
    owner_org: Any, hsds_dir: Path
) -> None:
    folder = hsds_dir / "hsds-3.0/examples/csv"
    files: dict[str, str | bytes] = {p.name: p.read_text() for p in folder.iterdir()}
    org = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    for name in ("locations.csv", "contacts.csv"):
        text = str(files[name])
        for dangling in (
            "985e4a42-bd9f-4edc-911d-0243a4640aca",
            "ae67a707-5893-4225-b0b1-320ab9cb596b",
        ):
            text = text.replace(dangling, org)
        files[name] = text.replace("93eaf18d-1cd2-4ec7-bffb-3c9172ee5070", "")
    files["taxonomy_terms.csv"] = str(files["taxonomy_terms.csv"]).replace(
        "07ff6aee-a219-438c-b694-d2fcb6c5373b", ""
    )
    result = import_now(owner_org, "csv.zip", zipped(files))
    assert result.counts["service"]["added"] == 1
    assert result.counts["location"]["added"] == 1
    assert any("funding.csv not stored" in note for note in result.notes)
    service = Service.objects.get(organization=owner_org)
    assert service.provider is not None and service.provider.hsds_id == org
    assert service.data["minimum_age"] == 12  # typed from the schema, not text


def test_ilao_hsds_1_1_sample_imports_mapped_to_3_0(owner_org: Any, hsds_dir: Path) -> None:
    data = zip_folder(hsds_dir / "samples/ilao_hsds_1.1")
    result = import_now(owner_org, "ilao.zip", data)
    assert Provider.objects.filter(organization=owner_org).count() == 33
    assert Service.objects.filter(organization=owner_org).count() == 429
    assert Location.objects.filter(organization=owner_org, location_type="physical").count() == 520
    assert Address.objects.filter(organization=owner_org, location__isnull=False).count() == 33
    schedule = Schedule.objects.filter(organization=owner_org).first()
    assert schedule is not None and schedule.data["freq"] == "WEEKLY"
    assert Phone.objects.filter(organization=owner_org).count() > 900
    assert result.total("added") > 4000
    again = import_now(owner_org, "ilao.zip", data)
    assert again.total("added") == 0 and again.total("updated") == 0


def csv_problems(owner: Any, files: dict[str, str | bytes], format: str = "hsds-csv") -> list[str]:
    with pytest.raises(DataError) as caught:
        import_now(owner, "bad.zip", zipped(files), format)
    assert not Service.objects.exists()
    return [str(p) for p in caught.value.problems]


ORG = "id,name,description\norg-1,Org,Helps\n"


def test_csv_rows_are_checked_with_file_row_and_column(owner_org: Any) -> None:
    messages = csv_problems(
        owner_org,
        {
            "organizations.csv": ORG,
            "services.csv": "id,organization_id,name,status,minimum_age\n"
            "svc-1,org-1,Help,active,twelve\n"
            "svc-2,org-9,,active,3\n"
            "svc-1,org-1,Dup,active,\n",
        },
    )
    joined = "\n".join(messages)
    assert (
        "services.csv: row 1, column minimum_age: service 'svc-1': 'twelve' is not a valid number"
        in joined
    )
    assert "row 3, column id: service 'svc-1': duplicate id" in joined


def test_broken_reference_in_csv_is_refused_with_its_row(owner_org: Any) -> None:
    messages = csv_problems(
        owner_org,
        {
            "organizations.csv": ORG,
            "services.csv": "id,organization_id,name,status\nsvc-2,org-9,A,active\n",
        },
    )
    assert any("row 1, column organization_id" in m and "org-9" in m for m in messages)


def test_unknown_columns_and_wrong_version_are_refused(owner_org: Any) -> None:
    messages = csv_problems(
        owner_org,
        {
            "datapackage.json": '{"version": "2.0.1"}',
            "services.csv": "id,name,status,keywords\nsvc,A,active,x\n",
        },
    )
    assert any("HSDS version '2.0.1' cannot be read" in m for m in messages)
    messages = csv_problems(
        owner_org, {"services.csv": "id,name,status,keywords\nsvc,A,active,x\n"}
    )
    assert any("unknown column for HSDS 3.0 service: 'keywords'" in m for m in messages)


def test_1_1_tables_given_as_3_0_are_refused_with_a_hint(owner_org: Any) -> None:
    messages = csv_problems(owner_org, {"regular_schedules.csv": "id,weekday\n"})
    assert any("import them as HSDS 1.1" in m for m in messages)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"services.csv": b"id,name,status\nsvc,\xff\xfe,active\n"}, "not UTF-8"),
        ({"services.csv": "id,name,status\nsvc,\x00,active\n"}, "control character"),
        ({"readme.txt": "hello"}, "no HSDS table in the zip"),
    ],
)
def test_hostile_tables_are_refused(owner_org: Any, files: dict[str, Any], expected: str) -> None:
    assert any(expected in m for m in csv_problems(owner_org, files))


def test_not_a_zip_is_refused(owner_org: Any) -> None:
    with pytest.raises(DataError, match="not a zip file"):
        import_now(owner_org, "x.zip", b"PK\x03\x04garbage", "hsds-csv")
    with pytest.raises(DataError, match="not an HSDS file"):
        import_now(owner_org, "x.bin", b"\x89PNG\r\n")


def test_a_zip_that_unpacks_past_the_limit_is_refused_unread(owner_org: Any, settings: Any) -> None:
    settings.MAX_TABLE_BYTES = 5000
    bomb = zipped({"services.csv": "id,name,status\n" + "x" * 100_000})
    assert len(bomb) < 5000
    with pytest.raises(DataError, match="unpacks to"):
        import_now(owner_org, "bomb.zip", bomb, "hsds-csv")
