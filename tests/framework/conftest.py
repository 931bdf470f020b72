from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from upstream.core.readers import yaml_text
from upstream.framework.models import FrameworkVersion
from upstream.framework.services import framework_load_file

PACKS = Path(__file__).parent / "packs"
MINIMAL = PACKS / "minimal.yaml"


@pytest.fixture
def minimal_pack_path() -> Path:
    return MINIMAL


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[..., Path]:
    """Write a variant of the minimal pack: ``edit`` changes the parsed data, or pass raw text."""

    def write(
        edit: Callable[[dict], None] | None = None,
        *,
        text: str | None = None,
        name: str = "pack.yaml",
    ) -> Path:
        if text is None:
            data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
            if edit is not None:
                edit(data)
            text = yaml_text(data)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def minimal_version(db: None) -> FrameworkVersion:
    return framework_load_file(path=MINIMAL).version
