"""The shape of HSDS 3.0 as the directory stores it: tables, their references and their nesting.

Pure functions, no database: :func:`flatten` turns nested HSDS JSON (a service with its
organization, locations, phones…) into flat tables of records, the shape of the tabular data
package; :func:`nest` turns flat tables back into nested services for the JSON export.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from upstream.core.problems import JsonPath

HSDS_VERSION = "3.0"


@dataclass(frozen=True)
class Table:
    """One HSDS table: its model, its references (model field → HSDS field, target table) and
    the HSDS fields copied into columns."""

    model: str
    file: str
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


# In the order they are written: every table refers only to those above it (or to itself).
TABLES: dict[str, Table] = {
    "taxonomy": Table("Taxonomy", "taxonomies.csv", columns=("name",)),
    "taxonomy_term": Table(
        "TaxonomyTerm",
        "taxonomy_terms.csv",
        {"taxonomy": ("taxonomy_id", "taxonomy"), "parent": ("parent_id", "taxonomy_term")},
        ("code", "name"),
    ),
    "unit": Table("Unit", "units.csv", columns=("name",)),
    "organization": Table(
        "Provider",
        "organizations.csv",
        {"parent": ("parent_organization_id", "organization")},
        ("name",),
    ),
    "program": Table(
        "Program", "programs.csv", {"provider": ("organization_id", "organization")}, ("name",)
    ),
    "service": Table(
        "Service",
        "services.csv",
        {
            "provider": ("organization_id", "organization"),
            "program": ("program_id", "program"),
        },
        ("name", "status", "minimum_age", "maximum_age", "eligibility_description"),
    ),
    "location": Table(
        "Location",
        "locations.csv",
        {"provider": ("organization_id", "organization")},
        ("name", "location_type"),
    ),
    "service_at_location": Table(
        "ServiceAtLocation",
        "service_at_location.csv",
        {"service": ("service_id", "service"), "location": ("location_id", "location")},
    ),
    "contact": Table(
        "Contact",
        "contacts.csv",
        {
            "provider": ("organization_id", "organization"),
            "service": ("service_id", "service"),
            "service_at_location": ("service_at_location_id", "service_at_location"),
            "location": ("location_id", "location"),
        },
    ),
    "address": Table("Address", "addresses.csv", {"location": ("location_id", "location")}),
    "phone": Table(
        "Phone",
        "phones.csv",
        {
            "location": ("location_id", "location"),
            "service": ("service_id", "service"),
            "provider": ("organization_id", "organization"),
            "contact": ("contact_id", "contact"),
            "service_at_location": ("service_at_location_id", "service_at_location"),
        },
    ),
    "schedule": Table(
        "Schedule",
        "schedules.csv",
        {
            "service": ("service_id", "service"),
            "location": ("location_id", "location"),
            "service_at_location": ("service_at_location_id", "service_at_location"),
        },
    ),
    "language": Table(
        "Language",
        "languages.csv",
        {
            "service": ("service_id", "service"),
            "location": ("location_id", "location"),
            "phone": ("phone_id", "phone"),
        },
    ),
    "service_area": Table(
        "ServiceArea", "service_areas.csv", {"service": ("service_id", "service")}, ("name",)
    ),
    "service_capacity": Table(
        "ServiceCapacity",
        "service_capacities.csv",
        {"service": ("service_id", "service"), "unit": ("unit_id", "unit")},
    ),
    "attribute": Table(
        "Attribute",
        "attributes.csv",
        {"taxonomy_term": ("taxonomy_term_id", "taxonomy_term")},
        ("link_id", "link_entity"),
    ),
}

# Nested lists: (key in the parent, child table, the child's field naming the parent).
CHILDREN: dict[str, tuple[tuple[str, str, str], ...]] = {
    "service": (
        ("phones", "phone", "service_id"),
        ("schedules", "schedule", "service_id"),
        ("service_areas", "service_area", "service_id"),
        ("service_at_locations", "service_at_location", "service_id"),
        ("languages", "language", "service_id"),
        ("contacts", "contact", "service_id"),
        ("capacities", "service_capacity", "service_id"),
    ),
    "organization": (
        ("phones", "phone", "organization_id"),
        ("contacts", "contact", "organization_id"),
        ("locations", "location", "organization_id"),
        ("programs", "program", "organization_id"),
    ),
    "location": (
        ("languages", "language", "location_id"),
        ("addresses", "address", "location_id"),
        ("contacts", "contact", "location_id"),
        ("phones", "phone", "location_id"),
        ("schedules", "schedule", "location_id"),
    ),
    "service_at_location": (
        ("contacts", "contact", "service_at_location_id"),
        ("phones", "phone", "service_at_location_id"),
        ("schedules", "schedule", "service_at_location_id"),
    ),
    "phone": (("languages", "language", "phone_id"),),
    "contact": (("phones", "phone", "contact_id"),),
}

# Nested single objects: (key in the record, its table, the record's field naming it).
OBJECTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "service": (
        ("organization", "organization", "organization_id"),
        ("program", "program", "program_id"),
    ),
    "service_at_location": (("location", "location", "location_id"),),
    "attribute": (("taxonomy_term", "taxonomy_term", "taxonomy_term_id"),),
    "taxonomy_term": (("taxonomy_detail", "taxonomy", "taxonomy_id"),),
    "service_capacity": (("unit", "unit", "unit_id"),),
}

# The official schema of each table (3.1's service_capacity and unit follow its 3.1 schema).
SCHEMA_FILES = {name: f"{name}.json" for name in TABLES} | {
    "service_capacity": "",
    "unit": "",
}

# Locations that are not public carry this attribute in every export, so a reader knows why the
# address, coordinates and phones are missing (and a re-import keeps the location withheld).
MARKER_TAXONOMY = {
    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "https://upstream.example/hsds/taxonomy")),
    "name": "Upstream",
    "description": "Upstream's own terms about how a record is published.",
}
MARKERS = {
    "confidential": {
        "code": "upstream:confidential-location",
        "name": "Confidential location",
        "description": "The address, coordinates and phone numbers of this location are "
        "withheld to protect the people it serves.",
    },
    "internal": {
        "code": "upstream:internal-location",
        "name": "Internal location",
        "description": "This location is for the publishing organization's own use; its "
        "details are withheld.",
    },
}


def marker_term(visibility: str) -> dict[str, Any]:
    term = MARKERS[visibility]
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://upstream.example/hsds/{term['code']}")),
        **term,
        "taxonomy_id": MARKER_TAXONOMY["id"],
        "taxonomy_detail": dict(MARKER_TAXONOMY),
    }


def marker_visibility(term: dict[str, Any] | None) -> str | None:
    """The visibility a marker taxonomy term stands for, or None if it is not a marker."""
    if not isinstance(term, dict):
        return None
    for visibility, marker in MARKERS.items():
        if term.get("code") == marker["code"]:
            return visibility
    return None


def marker_ids() -> dict[str, str]:
    """Marker term id → visibility."""
    return {marker_term(v)["id"]: v for v in MARKERS}


# --- schemas -----------------------------------------------------------------------------------


def schema_dir() -> Path:
    return Path(settings.HSDS_SCHEMA_DIR)


@cache
def registry() -> Registry[Any]:
    """Every official schema file, by its file name, so ``$ref: "phone.json"`` resolves locally."""
    resources = []
    for path in sorted(schema_dir().glob("*.json")):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


# HSDS 3.1's two new tables, written out from its 3.1-dev schema files (the stored 3.0 schemas do
# not have them); only what it requires and the types of the fields the directory reads.
SCHEMAS_3_1: dict[str, dict[str, Any]] = {
    "service_capacity": {
        "type": "object",
        "required": ["id", "available", "updated"],
        "properties": {
            "id": {"type": "string"},
            "service_id": {"type": "string"},
            "unit_id": {"type": "string"},
            "unit": {"type": "object"},
            "available": {"type": "number"},
            "maximum": {"type": "number"},
            "description": {"type": "string"},
            "updated": {"type": "string"},
        },
    },
    "unit": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "scheme": {"type": "string"},
            "identifier": {"type": "string"},
            "uri": {"type": "string"},
        },
    },
}


@cache
def validator(table: str) -> Draft202012Validator | None:
    if table in SCHEMAS_3_1:
        return Draft202012Validator(SCHEMAS_3_1[table])
    name = SCHEMA_FILES.get(table)
    if not name:
        return None
    schema = registry().contents(name)
    return Draft202012Validator(schema, registry=registry())


def schema_of(table: str) -> dict[str, Any]:
    v = validator(table)
    return dict(v.schema) if v is not None and isinstance(v.schema, dict) else {}


def schema_properties(table: str) -> dict[str, Any]:
    return dict(schema_of(table).get("properties", {}))


_DESCRIPTIVE = frozenset(
    {
        "$id",
        "$schema",
        "title",
        "description",
        "example",
        "name",
        "constraints",
        "core",
        "format",
        "datapackage_metadata",
        "datapackage_type",
        "tabular_required",
    }
)


def _inlined(node: Any, depth: int = 0) -> Any:
    """A schema with every ``$ref`` replaced by the schema it names and the keywords that do not
    validate (titles, examples, formats: the reference validator does not check formats) left
    out."""
    if depth > 40:
        raise ValueError("the HSDS schemas refer to each other in a loop")
    if isinstance(node, list):
        return [_inlined(item, depth) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _inlined(registry().contents(node["$ref"]), depth + 1)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DESCRIPTIVE:
            continue
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            out[key] = {name: _inlined(sub, depth) for name, sub in value.items()}
        else:
            out[key] = _inlined(value, depth)
    return out


@cache
def fast_validator(table: str) -> Callable[[Any], Any] | None:
    """A compiled check of the same schema: a quick yes for valid records; a no is explained by
    :func:`validator`, which gives every error with its path."""
    v = validator(table)
    if v is None:
        return None
    compiled: Callable[[Any], Any] = fastjsonschema.compile(_inlined(schema_of(table)))
    return compiled


def schema_problems(table: str, record: Any) -> Iterator[tuple[JsonPath, str]]:
    """(path inside the record, message) for every way ``record`` breaks the official schema."""
    v = validator(table)
    if v is None:
        return
    fast = fast_validator(table)
    if fast is not None:
        try:
            fast(record)
        except fastjsonschema.JsonSchemaException:
            pass  # explained below, with every error and its path
        else:
            return
    for error in sorted(v.iter_errors(record), key=lambda e: [str(p) for p in e.path]):
        yield tuple(error.absolute_path), error.message


# --- flatten and nest --------------------------------------------------------------------------

Flat = dict[str, list[tuple[dict[str, Any], JsonPath]]]


def flatten(table: str, record: dict[str, Any], path: JsonPath, out: Flat) -> str | None:
    """Add ``record`` and everything nested in it to ``out`` (table → [(flat record, path)]);
    returns the record's id. Nested lists and objects the directory does not store as tables
    (funding, cost options, metadata…) stay in the record's own fields."""
    flat = dict(record)
    rid = record.get("id")
    for key, child_table, parent_field in CHILDREN.get(table, ()):
        items = flat.pop(key, None)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    if rid is not None and item.get(parent_field) in (None, ""):
                        item = {**item, parent_field: rid}
                    flatten(child_table, item, (*path, key, index), out)
    for key, object_table, own_field in OBJECTS.get(table, ()):
        item = flat.pop(key, None)
        if isinstance(item, dict):
            child_id = flatten(object_table, item, (*path, key), out)
            if child_id is not None and flat.get(own_field) in (None, ""):
                flat[own_field] = child_id
    attributes = flat.pop("attributes", None) if table != "attribute" else None
    if isinstance(attributes, list):
        for index, item in enumerate(attributes):
            if isinstance(item, dict):
                linked = {**item}
                linked.setdefault("link_id", rid)
                linked.setdefault("link_entity", table)
                flatten("attribute", linked, (*path, "attributes", index), out)
    out.setdefault(table, []).append((flat, path))
    return rid if isinstance(rid, str) else None


class Nester:
    """Builds nested HSDS 3.0 services from flat tables (table → {id: record})."""

    def __init__(self, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.tables = tables
        self.children: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for parent, specs in CHILDREN.items():
            del parent
            for _key, child_table, parent_field in specs:
                for record in tables.get(child_table, {}).values():
                    value = record.get(parent_field)
                    if value:
                        self.children[(child_table, parent_field, value)].append(record)
        self.attributes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in tables.get("attribute", {}).values():
            if record.get("link_id"):
                self.attributes[record["link_id"]].append(record)
        self.nested_organizations: set[str] = set()

    def nest(self, table: str, record: dict[str, Any], *, full: bool = True) -> dict[str, Any]:
        out = dict(record)
        rid = record.get("id", "")
        if full:
            for key, child_table, parent_field in CHILDREN.get(table, ()):
                items = self.children.get((child_table, parent_field, rid), [])
                if items:
                    out[key] = [self.nest(child_table, item) for item in items]
        for key, object_table, own_field in OBJECTS.get(table, ()):
            target = self.tables.get(object_table, {}).get(record.get(own_field) or "")
            if target is not None:
                first = (
                    object_table != "organization" or target["id"] not in self.nested_organizations
                )
                if object_table == "organization":
                    self.nested_organizations.add(target["id"])
                out[key] = self.nest(object_table, target, full=first)
        if table != "attribute":
            attributes = self.attributes.get(rid, [])
            if attributes:
                out["attributes"] = [self.nest("attribute", a) for a in attributes]
        return out

    def services(self) -> list[dict[str, Any]]:
        return [self.nest("service", s) for s in self.tables.get("service", {}).values()]
