"""Geography sets come from packaged data and keep their boundary vintage."""

from __future__ import annotations

import pytest

from upstream.community.geo import geography_set_load
from upstream.community.models import Geography, GeographySet
from upstream.community.problems import CommunityDataError


def test_2023_set_has_every_state_and_the_3144_svi_counties(us2023: GeographySet) -> None:
    assert us2023.vintage == 2023
    assert us2023.geographies.filter(kind="state").count() == 51
    assert us2023.geographies.filter(kind="county").count() == 3144
    harris = Geography.objects.select_related("parent").get(geography_set=us2023, fips="48201")
    assert harris.name == "Harris"
    assert harris.parent is not None and harris.parent.name == "Texas"
    assert harris.state_fips == "48"
    assert us2023.geographies.filter(fips__startswith="091", kind="county").count() == 9
    assert "us-atlas-2023" in us2023.source and "`us` Python package" in us2023.source


def test_2017_set_has_the_old_connecticut_counties_and_valdez_cordova(
    us2017: GeographySet,
) -> None:
    fips = set(us2017.geographies.values_list("fips", flat=True))
    assert {"09001", "09015", "02261"} <= fips
    assert not {"09110", "02063", "02066"} & fips


def test_loading_a_set_again_adds_nothing(us2023: GeographySet) -> None:
    again = geography_set_load(key="us-2023")
    assert (again.states, again.counties) == (0, 0)
    assert "nothing changed" in again.message
    assert Geography.objects.filter(geography_set=us2023).count() == 51 + 3144


@pytest.mark.django_db
def test_unknown_set_is_refused() -> None:
    with pytest.raises(CommunityDataError, match="unknown geography set"):
        geography_set_load(key="us-1990")
    assert not GeographySet.objects.exists()
