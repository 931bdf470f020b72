"""Plan, organization and coalition forms pick state and county by name from lists; the county
list follows the state (htmx swaps it), and without JavaScript it lists every county by state."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from upstream.accounts.forms import CoalitionForm, OrganizationForm
from upstream.accounts.models import Coalition
from upstream.framework.models import FrameworkVersion
from upstream.planning.forms import PlanDetailsForm, PlanForm

pytestmark = pytest.mark.django_db


def _options(html: str, select_id: str) -> list[tuple[str, str]]:
    match = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {select_id}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))


def test_plan_form_offers_states_by_name_and_the_counties_of_its_state() -> None:
    form = PlanForm(
        initial={"state_fips": "39"},
        coalitions=Coalition.objects.none(),
        versions=FrameworkVersion.objects.none(),
    )
    html = str(form["state_fips"]) + str(form["county_fips"])
    states = dict(_options(html, "id_state_fips"))
    assert states["39"] == "Ohio" and len(states) == 52  # 50 states, DC and "select"
    counties = _options(html, "id_county_fips")
    assert counties[0] == ("", "None: the whole state")
    assert ("39049", "Franklin County") in counties
    assert all(code.startswith("39") for code, _ in counties[1:])
    assert len(counties) == 1 + 88
    assert 'hx-get="/places/counties"' in html


def test_without_a_state_every_county_is_listed_grouped_by_state() -> None:
    html = str(OrganizationForm()["county_fips"])
    assert '<optgroup label="Ohio">' in html
    assert '<optgroup label="Louisiana">' in html
    assert "Orleans Parish" in html
    assert html.count("<option") > 3100


def test_a_county_of_another_state_is_refused_by_name() -> None:
    form = PlanDetailsForm(
        data={
            "title": "Plan",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "state_fips": "42",
            "county_fips": "39049",
        }
    )
    assert not form.is_valid()
    assert form.errors["county_fips"] == [
        "Franklin County, Ohio is not in Pennsylvania: choose counties of Pennsylvania, or none "
        "for the whole state."
    ]
    # re-shown with Pennsylvania's counties, so the second try can succeed without JavaScript
    counties = _options(str(form["county_fips"]), "id_county_fips")
    assert ("42101", "Philadelphia County") in counties
    assert not any(code.startswith("39") for code, _ in counties)


def test_a_code_that_is_not_a_county_is_refused() -> None:
    form = OrganizationForm(data={"name": "X", "sectors": ["education"], "county_fips": "39999"})
    assert not form.is_valid()
    assert form.errors["county_fips"] == ["Choose a county from the list."]


def test_coalition_form_takes_several_counties_of_its_state() -> None:
    form = CoalitionForm(
        data={"name": "Valley", "state_fips": "39", "county_fips": ["39049", "39041"]}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["county_fips"] == ["39049", "39041"]
    html = str(form["county_fips"])
    assert "multiple" in html
    assert re.search(r'<option value="39049" selected>Franklin County</option>', html)
    assert 'hx-get="/places/counties?multiple=1"' in str(form["state_fips"])
    outside = CoalitionForm(
        data={"name": "Valley", "state_fips": "39", "county_fips": ["39049", "42101"]}
    )
    assert not outside.is_valid()
    assert "Philadelphia County, Pennsylvania is not in Ohio" in outside.errors["county_fips"][0]


def test_county_options_follow_the_chosen_state_for_anyone(client: Client) -> None:
    response = client.get("/places/counties", {"state_fips": "22", "county_fips": "22071"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<option value="">None: the whole state</option>')
    assert '<option value="22071" selected>Orleans Parish</option>' in html
    assert "County" not in html.replace("None: the whole state", "")  # parishes only
    several = client.get("/places/counties", {"state_fips": "22", "multiple": "1"})
    assert "None: the whole state" not in several.content.decode()
    unknown = client.get("/places/counties", {"state_fips": "<script>"}).content.decode()
    assert "<optgroup" in unknown and "<script>" not in unknown


def test_plan_coalition_and_organization_pages_ask_for_names_not_codes(
    client: Client, owner_org: Any
) -> None:
    from tests.conftest import make_member, sign_in_as

    sign_in_as(client, make_member(owner_org, "admin").user)
    for url in (
        f"/orgs/{owner_org.uuid}/plans/new/",
        f"/orgs/{owner_org.uuid}/coalitions/",
        f"/orgs/{owner_org.uuid}/edit/",
    ):
        page = client.get(url).content.decode()
        assert "FIPS" not in page, url
        assert _options(page, "id_county_fips"), url
    page = client.get(f"/orgs/{owner_org.uuid}/plans/new/").content.decode()
    assert ("39", "Ohio") in _options(page, "id_state_fips")
