"""The framework's part of ``upstream demo``: the shipped packs (real framework data, loaded
before the apps whose invented demo content refers to it)."""

from __future__ import annotations

from typing import TextIO

from django.conf import settings

from upstream.framework.pack import shipped_packs
from upstream.framework.services import framework_load_file


def load_demo(stdout: TextIO) -> None:
    for path in shipped_packs(settings.FRAMEWORK_PACK_DIR):
        stdout.write(framework_load_file(path=path).message + "\n")
