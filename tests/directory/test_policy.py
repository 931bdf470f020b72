"""The directory's access rules, checked in its services and selectors (not only its pages)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tests.conftest import make_member
from tests.directory.conftest import import_now
from upstream.core.problems import DataError
from upstream.directory import selectors, services
from upstream.directory.models import DirectoryImport, Location


def test_staff_may_not_import_through_the_service(owner_org: Any, service_full: Any) -> None:
    staff = make_member(owner_org, "staff")
    with pytest.raises(PermissionDenied):
        services.directory_import_receive(
            actor=staff, name="a.json", data=json.dumps(service_full).encode()
        )
    assert not DirectoryImport.objects.exists()


def test_a_viewer_may_not_export_through_the_service(owner_org: Any) -> None:
    viewer = make_member(owner_org, "viewer")
    with pytest.raises(PermissionDenied):
        services.directory_export(actor=viewer, format="json")


def test_an_analyst_may_export(owner_org: Any, service_full: Any) -> None:
    import_now(owner_org, "a.json", json.dumps(service_full).encode())
    analyst = make_member(owner_org, "analyst")
    content, _type, _name = services.directory_export(actor=analyst, format="json")
    assert json.loads(content)[0]["id"] == service_full["id"]


def test_staff_may_not_list_imports(owner_org: Any) -> None:
    staff = make_member(owner_org, "staff")
    with pytest.raises(PermissionDenied):
        selectors.imports_for(membership=staff)


def test_visibility_is_set_only_by_an_importer_of_the_owner(
    owner_org: Any, outsider: Any, service_full: Any
) -> None:
    import_now(owner_org, "a.json", json.dumps(service_full).encode())
    location = Location.objects.filter(organization=owner_org).first()
    assert location is not None
    with pytest.raises(PermissionDenied):
        services.location_visibility_set(
            actor=make_member(owner_org, "staff"), location=location, visibility="confidential"
        )
    with pytest.raises(DataError):
        services.location_visibility_set(actor=outsider, location=location, visibility="internal")
    location.refresh_from_db()
    assert location.visibility == "public"
    admin = make_member(owner_org, "admin")
    services.location_visibility_set(actor=admin, location=location, visibility="internal")
    location.refresh_from_db()
    assert location.visibility == "internal"
