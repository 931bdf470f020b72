"""A custom index defined in the browser or from YAML takes names without control characters or
direction controls; nothing is saved when one is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.community.conftest import spec
from tests.community.test_index_form import _form, _rows
from tests.conftest import make_member, sign_in_as
from upstream.community.models import GeographySet, IndexDefinition
from upstream.community.problems import CommunityDataError
from upstream.community.services import index_define

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Youth\x00index"},
        {"name": "Youth \u202exedni"},
        {"description": "Notes\x1b[2J"},
        {"themes": [{"key": "T", "name": "Th\u2067eme", "variables": [{"indicator": "pov"}]}]},
    ],
)
def test_index_definitions_refuse_control_and_direction_characters(
    small_data: None, changes: dict[str, Any]
) -> None:
    with pytest.raises(CommunityDataError):
        index_define(spec=spec(**changes))
    assert not IndexDefinition.objects.exists()


def test_the_index_form_shows_the_problem_and_saves_nothing(
    client: Client, owner_org: Any, small_data: None, us2023: GeographySet
) -> None:
    coordinator = make_member(owner_org, "coordinator", email="rules-coord@owner.example.org")
    sign_in_as(client, coordinator.user)
    url = f"/community/orgs/{owner_org.uuid}/indices/new/"
    rows = _rows(client, url)
    form = _form(name="Youth \u202eindex", **{f"theme-{rows['Pov']}": "Economic"})
    response = client.post(url, form)
    assert response.status_code == 422
    assert "direction controls" in response.content.decode()
    assert not IndexDefinition.objects.exists()


@pytest.mark.parametrize("state", ["٤٢", "²³", "4", "42\n"])
def test_the_community_api_refuses_a_state_filter_in_other_digits(
    client: Client, us2023: GeographySet, state: str
) -> None:
    from urllib.parse import quote

    for path in ("geographies", "observations?indicator=pov&", "indices/tvi/results"):
        joiner = "" if path.endswith("&") else "?"
        response = client.get(f"/api/v1/community/{path}{joiner}state={quote(state)}")
        assert response.status_code == 422, (path, response.content)
