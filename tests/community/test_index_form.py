"""A coordinator or analyst defines a custom index in the browser; it is saved with provenance."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from upstream.audit.models import AuditEvent
from upstream.community.models import GeographySet, IndexDefinition, IndexResult

pytestmark = pytest.mark.django_db


def _form(**extra: str) -> dict[str, str]:
    # small_data defines, in order of indicators_with_data: clinics, idle, pop, pov
    data = {
        "key": "youth-tvi",
        "name": "Youth trafficking vulnerability",
        "geography_set": "us-2023",
        "year": "2022",
        "ranking": "national",
        "population": "pop",
    }
    data.update(extra)
    return data


def _rows(client: Client, url: str) -> dict[str, str]:
    """Map indicator names to their row numbers in the form."""
    import re

    html = client.get(url).content.decode()
    return {name: n for n, name in re.findall(r'for="theme-([-\w]+)">Theme for ([^<]+)<', html)}


def test_coordinator_defines_and_computes_a_custom_index(
    client: Client, owner_org: Any, small_data: None, us2023: GeographySet
) -> None:
    coordinator = make_member(owner_org, "coordinator", email="index-coord@owner.example.org")
    sign_in_as(client, coordinator.user)
    url = f"/community/orgs/{owner_org.uuid}/indices/new/"
    rows = _rows(client, url)
    assert set(rows) == {"Pov", "Idle", "Clinics", "Pop"}
    form = _form(
        **{
            f"theme-{rows['Pov']}": "Economic",
            f"theme-{rows['Idle']}": "Youth",
            f"weight-{rows['Idle']}": "2",
            f"theme-{rows['Clinics']}": "Youth",
            f"direction-{rows['Clinics']}": "lower",
        }
    )
    response = client.post(url, form)
    assert response.status_code == 302
    assert response["Location"] == "/community/indices/youth-tvi/"
    index = IndexDefinition.objects.get(key="youth-tvi")
    themes = {t["name"]: t["variables"] for t in index.themes}
    assert sorted(themes) == ["Economic", "Youth"]
    youth = {v["indicator"]: v for v in themes["Youth"]}
    assert youth["idle"]["weight"] == 2.0
    assert youth["clinics"]["direction"] == "lower"
    assert index.provenance["defined_by"] == owner_org.name
    assert IndexResult.objects.filter(index=index).exists()
    assert AuditEvent.objects.filter(action="index.defined", organization=owner_org).exists()
    page = client.get("/community/indices/youth-tvi/").content.decode()
    assert owner_org.name in page


def test_an_index_without_themes_or_with_a_bad_weight_is_refused_and_nothing_saved(
    client: Client, owner_org: Any, small_data: None, us2023: GeographySet
) -> None:
    analyst = make_member(owner_org, "analyst", email="index-analyst@owner.example.org")
    sign_in_as(client, analyst.user)
    url = f"/community/orgs/{owner_org.uuid}/indices/new/"
    response = client.post(url, _form())
    assert response.status_code == 422
    assert "themes must be a non-empty list" in response.content.decode()
    rows = _rows(client, url)
    response = client.post(
        url, _form(**{f"theme-{rows['Pov']}": "Economic", f"weight-{rows['Pov']}": "-3"})
    )
    assert response.status_code == 422
    assert "weight must be a positive number" in response.content.decode()
    assert not IndexDefinition.objects.filter(key="youth-tvi").exists()
    assert not AuditEvent.objects.filter(action="index.defined").exists()


def test_viewers_cannot_define_indices(client: Client, owner_org: Any) -> None:
    viewer = make_member(owner_org, "viewer", email="index-viewer@owner.example.org")
    sign_in_as(client, viewer.user)
    assert client.get(f"/community/orgs/{owner_org.uuid}/indices/new/").status_code == 403


def test_keys_that_cannot_be_links_and_non_finite_weights_are_refused(
    client: Client, owner_org: Any, small_data: None, us2023: GeographySet
) -> None:
    analyst = make_member(owner_org, "analyst", email="index-analyst2@owner.example.org")
    sign_in_as(client, analyst.user)
    url = f"/community/orgs/{owner_org.uuid}/indices/new/"
    rows = _rows(client, url)
    for key, weight, year, expected in (
        ("café", "1", "2022", "must be letters, digits"),
        ("ok-key", "nan", "2022", "weight must be a positive number"),
        ("ok-key", "inf", "2022", "weight must be a positive number"),
        ("ok-key", "5000", "2022", "weight must be at most 1000"),
        ("ok-key", "1", "²", "must be a whole number"),
    ):
        response = client.post(
            url,
            _form(
                key=key,
                year=year,
                **{f"theme-{rows['Pov']}": "Economic", f"weight-{rows['Pov']}": weight},
            ),
        )
        assert response.status_code == 422, (key, weight, year)
        assert expected in response.content.decode()
    assert not IndexDefinition.objects.exists()


def test_theme_names_differing_in_case_or_spacing_form_one_theme(
    client: Client, owner_org: Any, small_data: None, us2023: GeographySet
) -> None:
    sign_in_as(client, make_member(owner_org, "coordinator").user)
    url = f"/community/orgs/{owner_org.uuid}/indices/new/"
    rows = _rows(client, url)
    form = _form(
        **{f"theme-{rows['Idle']}": "Youth  needs", f"theme-{rows['Clinics']}": "youth needs"}
    )
    assert client.post(url, form).status_code == 302
    (theme,) = IndexDefinition.objects.get(key="youth-tvi").themes
    assert theme["name"] == "youth needs"  # as typed on its first row (clinics comes first)
    assert [v["indicator"] for v in theme["variables"]] == ["clinics", "idle"]


def test_different_theme_names_with_the_same_key_are_refused_not_merged(
    client: Client, owner_org: Any, small_data: None, us2023: GeographySet
) -> None:
    sign_in_as(client, make_member(owner_org, "coordinator").user)
    url = f"/community/orgs/{owner_org.uuid}/indices/new/"
    rows = _rows(client, url)
    form = _form(
        **{f"theme-{rows['Idle']}": "Housing & work", f"theme-{rows['Clinics']}": "Housing work"}
    )
    response = client.post(url, form)
    assert response.status_code == 422
    page = response.content.decode()
    assert "would share the key HOUSING_WORK" in page
    assert 'value="Housing &amp; work"' in page  # what was typed is kept
    assert not IndexDefinition.objects.filter(key="youth-tvi").exists()
