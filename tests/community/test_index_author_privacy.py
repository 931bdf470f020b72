"""A custom index defined in the browser is public reference data: anonymous visitors of the
community pages, API and CSV see the organization that defined it, never its author."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client

from tests.conftest import make_member, sign_in_as
from upstream.community.models import GeographySet, IndexDefinition

pytestmark = pytest.mark.django_db

AUTHOR = "index-author@owner.example.org"


def _define_in_the_browser(owner_org: Any) -> IndexDefinition:
    coordinator = make_member(owner_org, "coordinator", email=AUTHOR)
    browser = Client(enforce_csrf_checks=False)
    sign_in_as(browser, coordinator.user)
    url = f"/community/orgs/{owner_org.uuid}/indices/new/"
    html = browser.get(url).content.decode()
    rows = dict(
        (name, n) for n, name in re.findall(r'for="theme-([-\w]+)">Theme for ([^<]+)<', html)
    )
    response = browser.post(
        url,
        {
            "key": "youth-tvi",
            "name": "Youth trafficking vulnerability",
            "geography_set": "us-2023",
            "year": "2022",
            "ranking": "national",
            "population": "pop",
            f"theme-{rows['Pov']}": "Economic",
            f"theme-{rows['Idle']}": "Youth",
        },
    )
    assert response.status_code == 302
    return IndexDefinition.objects.get(key="youth-tvi")


def _public_responses(client: Client) -> dict[str, str]:
    urls = [
        "/community/",
        "/community/?show=index:youth-tvi",
        "/community/table.csv?show=index:youth-tvi",
        "/community/indices/",
        "/community/indices/youth-tvi/",
        "/community/counties/42001/?index=youth-tvi",
        "/api/v1/community/indices",
        "/api/v1/community/indices/youth-tvi",
        "/api/v1/community/indices/youth-tvi/results",
        "/api/v1/community/indices/youth-tvi/counties/42001",
    ]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode()
    return bodies


def test_anonymous_visitors_see_the_defining_organization_never_the_author(
    owner_org: Any, small_data: None, us2023: GeographySet
) -> None:
    index = _define_in_the_browser(owner_org)
    assert index.provenance["defined_by"] == owner_org.name
    assert index.provenance["computed"]["by"] == owner_org.name
    assert index.organization == owner_org
    anonymous = Client(enforce_csrf_checks=True)
    bodies = _public_responses(anonymous)
    for url, body in bodies.items():
        assert AUTHOR not in body, url
        assert "Test coordinator" not in body, url  # nor the author's name
    assert owner_org.name in bodies["/community/indices/youth-tvi/"]
    api = anonymous.get("/api/v1/community/indices/youth-tvi").json()
    assert api["provenance"]["defined_by"] == owner_org.name


def test_indices_published_before_name_their_organization_after_the_migration(
    owner_org: Any, small_data: None, us2023: GeographySet
) -> None:
    index = _define_in_the_browser(owner_org)
    # as stored before: the author's e-mail address in the provenance, no organization
    index.provenance = {
        **index.provenance,
        "defined_by": AUTHOR,
        "computed": {**index.provenance["computed"], "by": AUTHOR},
    }
    index.organization = None
    index.save()
    migration = importlib.import_module(
        "upstream.community.migrations.0002_index_defined_by_organization"
    )
    migration.name_organizations_not_people(django_apps, None)
    index.refresh_from_db()
    assert index.organization == owner_org
    assert index.provenance["defined_by"] == owner_org.name
    assert index.provenance["computed"]["by"] == owner_org.name
    assert AUTHOR not in Client().get("/community/indices/youth-tvi/").content.decode()
