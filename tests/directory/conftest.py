from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def hsds_dir(shared_data: Path) -> Path:
    return shared_data / "hsds"


@pytest.fixture
def service_full(hsds_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (hsds_dir / "hsds-3.0/examples/service_full.json").read_text(encoding="utf-8")
    )
    return loaded


def zipped(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_folder(folder: Path) -> bytes:
    return zipped({p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()})


def import_now(owner: Any, name: str, data: bytes, format: str = "") -> Any:
    """Parse, validate and write in one go (what the background task runs)."""
    from upstream.directory import services

    chosen = format or services.format_detect(name=name, data=data)
    batch = services.batch_read(name=name, data=data, format=chosen)
    return services.directory_batch_write(owner=owner, batch=batch)
