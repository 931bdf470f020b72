"""Place names instead of FIPS codes."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from upstream.core import places


@pytest.mark.parametrize(
    ("fips", "name"),
    [
        ("39049", "Franklin County, Ohio"),
        ("22071", "Orleans Parish, Louisiana"),
        ("51510", "Alexandria city, Virginia"),
        ("24510", "Baltimore city, Maryland"),
        ("02020", "Anchorage Municipality, Alaska"),
        ("02063", "Chugach Census Area, Alaska"),
        ("02261", "Valdez-Cordova Census Area, Alaska"),
        ("02110", "Juneau City and Borough, Alaska"),
        ("02090", "Fairbanks North Star Borough, Alaska"),
        ("09110", "Capitol Planning Region, Connecticut"),
        ("09001", "Fairfield County, Connecticut"),
        ("11001", "District of Columbia, District of Columbia"),
    ],
)
def test_county_codes_read_as_the_census_names_them(fips: str, name: str) -> None:
    assert places.county_name(fips) == name


def test_state_without_county_is_the_state_name() -> None:
    assert places.place_name("39", "") == "Ohio"


def test_unknown_codes_stay_readable() -> None:
    assert places.county_name("99999") == "County 99999"
    assert places.state_name("99") == "State 99"
    assert places.place_name("", "") == ""


def test_choices_cover_every_state_and_list_counties_of_one_state() -> None:
    assert len(places.state_choices()) == 51
    ohio = places.county_choices("39")
    assert len(ohio) == 88
    assert ("39049", "Franklin County") in ohio
    assert [name for _, name in ohio] == sorted(name for _, name in ohio)


def test_template_filters_name_places() -> None:
    out = Template(
        "{% load places %}{{ c|county_name }}|{{ s|state_name }}|{% place_name s c %}"
    ).render(Context({"c": "39049", "s": "39"}))
    assert out == "Franklin County, Ohio|Ohio|Franklin County, Ohio"
