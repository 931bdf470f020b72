"""Reads of the directory. The HSDS export tables never hold a confidential or internal
location's address, coordinates, phones or contacts: each such location carries a marker
attribute instead, so a reader knows why they are missing."""

from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.http import Http404

from upstream.accounts.models import Organization
from upstream.accounts.policy import check
from upstream.core.lookups import as_uuid, get_or_404
from upstream.directory.hsds import MARKER_TAXONOMY, TABLES, marker_term
from upstream.directory.models import DirectoryImport, Location, Visibility

EXPORT_ACTION = "directory.export"
INTERNAL_KEPT = ("id", "location_type", "organization_id")
WITHHELD = ("address", "phone", "contact")

Tables = dict[str, dict[str, dict[str, Any]]]


def _model(table: str) -> Any:
    return apps.get_model("directory", TABLES[table].model)


def directory_public_tables(*, owner: Any) -> Tables:
    """``owner``'s directory as flat HSDS 3.0 tables (table → id → record), safe to publish."""
    hidden = dict(
        Location.objects.filter(organization=owner)
        .exclude(visibility=Visibility.PUBLIC)
        .values_list("hsds_id", "visibility")
    )
    tables: Tables = {}
    for table in TABLES:
        rows = (
            _model(table)
            .objects.filter(organization=owner)
            .order_by("pk")
            .values_list("data", flat=True)
        )
        tables[table] = {record["id"]: record for record in rows.iterator(chunk_size=2000)}
    if not hidden:
        return tables
    for location_id, visibility in hidden.items():
        record = tables["location"].get(location_id)
        if record is not None and visibility == Visibility.INTERNAL:
            tables["location"][location_id] = {k: record[k] for k in INTERNAL_KEPT if k in record}
    withheld_phones = set()
    for table in WITHHELD:
        for rid, record in list(tables[table].items()):
            if record.get("location_id") in hidden:
                del tables[table][rid]
                if table == "phone":
                    withheld_phones.add(rid)
    for rid, record in list(tables["language"].items()):
        if record.get("phone_id") in withheld_phones:
            del tables["language"][rid]
    tables["taxonomy"][MARKER_TAXONOMY["id"]] = dict(MARKER_TAXONOMY)
    for visibility in set(hidden.values()):
        term = marker_term(visibility)
        tables["taxonomy_term"][term["id"]] = {
            k: v for k, v in term.items() if k != "taxonomy_detail"
        }
    for location_id, visibility in hidden.items():
        term_id = marker_term(visibility)["id"]
        attribute_id = str(uuid.uuid5(uuid.UUID(term_id), location_id))
        tables["attribute"][attribute_id] = {
            "id": attribute_id,
            "link_id": location_id,
            "link_entity": "location",
            "link_type": "visibility",
            "taxonomy_term_id": term_id,
        }
    return tables


def directory_export_check(*, membership: Any) -> None:
    check(membership, EXPORT_ACTION)


def imports_for(*, membership: Any) -> Any:
    """The imports of the member's organization, newest first (without their stored bytes)."""
    check(membership, "directory.import")
    return DirectoryImport.objects.filter(organization=membership.organization).defer("data")


def import_get(*, membership: Any, import_uuid: Any) -> DirectoryImport:
    check(membership, "directory.import")
    return get_or_404(
        DirectoryImport.objects.filter(organization=membership.organization).defer("data"),
        uuid=import_uuid,
    )


def organization_for_operator(*, org_uuid: str) -> Any:
    """The organization an operator names on the command line (by its UUID), or None."""
    try:
        parsed = as_uuid(org_uuid)
    except Http404:
        return None
    return Organization.objects.filter(uuid=parsed).first()


def location_for_operator(*, organization: Any, hsds_id: str) -> Location | None:
    return Location.objects.filter(organization=organization, hsds_id=hsds_id).first()


def import_for_operator(*, import_uuid: str) -> DirectoryImport | None:
    try:
        parsed = as_uuid(import_uuid)
    except Http404:
        return None
    return DirectoryImport.objects.filter(uuid=parsed).defer("data").first()
