from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.directory.conftest import import_now
from upstream.core.problems import DataError
from upstream.directory.models import Address, Location, Phone, Provider, Service, TaxonomyTerm


def dump(value: Any) -> bytes:
    return json.dumps(value).encode()


def test_official_service_example_imports_every_core_table(
    owner_org: Any, service_full: Any
) -> None:
    result = import_now(owner_org, "service_full.json", dump(service_full))
    assert result.total("added") > 10
    service = Service.objects.get(organization=owner_org)
    assert service.hsds_id == service_full["id"]
    assert service.name == service_full["name"]
    assert service.provider is not None
    assert service.provider.hsds_id == service_full["organization"]["id"]
    assert service.minimum_age == service_full["minimum_age"]
    assert Location.objects.filter(organization=owner_org).exists()
    assert Address.objects.filter(organization=owner_org, location__isnull=False).exists()
    assert TaxonomyTerm.objects.filter(organization=owner_org, taxonomy__isnull=False).exists()


def test_importing_the_same_file_again_changes_nothing(owner_org: Any, service_full: Any) -> None:
    import_now(owner_org, "a.json", dump(service_full))
    again = import_now(owner_org, "a.json", dump(service_full))
    assert again.total("added") == 0
    assert again.total("updated") == 0
    assert again.total("unchanged") > 10


def test_a_changed_record_is_updated_in_place(owner_org: Any, service_full: Any) -> None:
    import_now(owner_org, "a.json", dump(service_full))
    changed = copy.deepcopy(service_full)
    changed["name"] = "Renamed service"
    result = import_now(owner_org, "a.json", dump(changed))
    assert result.counts["service"] == {"added": 0, "updated": 1, "unchanged": 0}
    assert Service.objects.get(organization=owner_org).name == "Renamed service"


def test_the_same_hsds_ids_stay_apart_between_owners(
    owner_org: Any, outsider_org: Any, service_full: Any
) -> None:
    import_now(owner_org, "a.json", dump(service_full))
    result = import_now(outsider_org, "a.json", dump(service_full))
    assert result.total("updated") == 0 and result.total("unchanged") == 0
    assert Service.objects.filter(hsds_id=service_full["id"]).count() == 2


def problems_of(owner: Any, data: bytes, name: str = "bad.json") -> list[str]:
    with pytest.raises(DataError) as caught:
        import_now(owner, name, data, "hsds-json")
    return [str(p) for p in caught.value.problems]


def test_missing_required_fields_and_wrong_types_are_listed_with_record_and_path(
    owner_org: Any, service_full: Any
) -> None:
    bad = copy.deepcopy(service_full)
    del bad["name"]
    bad["minimum_age"] = "twelve"
    bad["service_at_locations"][0]["location"]["location_type"] = "spaceship"
    messages = problems_of(owner_org, dump([bad]))
    joined = "\n".join(messages)
    assert f"service '{bad['id']}'" in joined
    assert "'name' is a required property" in joined
    assert "[0].minimum_age" in joined and "'twelve'" in joined
    assert "service_at_locations[0].location.location_type" in joined
    assert not Service.objects.exists()


def test_duplicate_ids_with_different_content_are_refused(
    owner_org: Any, service_full: Any
) -> None:
    other = copy.deepcopy(service_full)
    other["name"] = "Another"
    messages = problems_of(owner_org, dump([service_full, other]))
    assert any("duplicate id" in m and "[1]" in m for m in messages)
    assert not Provider.objects.exists()


def test_broken_references_and_unknown_taxonomy_terms_are_refused(
    owner_org: Any, service_full: Any
) -> None:
    bad = copy.deepcopy(service_full)
    bad.pop("program", None)
    bad["program_id"] = "no-such-program"
    bad["attributes"] = [{"id": "attr-x", "taxonomy_term_id": "no-such-term"}]
    messages = problems_of(owner_org, dump(bad))
    assert any("program_id 'no-such-program' names no program" in m for m in messages)
    assert any("unknown taxonomy term 'no-such-term'" in m for m in messages)
    assert not Service.objects.exists()


def test_a_version_it_cannot_read_is_refused(owner_org: Any, service_full: Any) -> None:
    messages = problems_of(owner_org, dump({"version": "1.1", "contents": [service_full]}))
    assert any("HSDS version '1.1' cannot be read" in m for m in messages)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"\x00\x01\x02binary\xff", "not UTF-8"),
        (b"[1, 2", "invalid JSON"),
        (b'"text"', "expected a list of HSDS services"),
        (b"[]", "the list holds no record"),
        (b"[42]", "expected an object"),
    ],
)
def test_hostile_files_are_refused_with_a_reason(
    owner_org: Any, data: bytes, expected: str
) -> None:
    assert any(expected in m for m in problems_of(owner_org, data))


def test_a_file_over_the_size_limit_is_refused_before_parsing(
    owner_org: Any, settings: Any, service_full: Any
) -> None:
    settings.MAX_TABLE_BYTES = 1000
    messages = problems_of(owner_org, dump([service_full] * 5))
    assert any("larger than 1,000 bytes" in m for m in messages)


def test_a_phone_of_a_marked_confidential_location_is_sealed(
    owner_org: Any, service_full: Any
) -> None:
    from upstream.directory.hsds import marker_term

    record = copy.deepcopy(service_full)
    location = record["service_at_locations"][0]["location"]
    term = marker_term("confidential")
    location.setdefault("attributes", []).append(
        {"id": "marker-1", "taxonomy_term_id": term["id"], "taxonomy_term": term}
    )
    import_now(owner_org, "a.json", dump(record))
    stored = Location.objects.get(organization=owner_org, hsds_id=location["id"])
    assert stored.visibility == "confidential"
    assert "latitude" not in stored.data and "latitude" in stored.sealed
    for address in Address.objects.filter(location=stored):
        assert set(address.data) <= {"id", "location_id"}
        assert location["addresses"][0]["address_1"] in address.sealed
    for phone in Phone.objects.filter(location=stored):
        assert "number" not in phone.data
