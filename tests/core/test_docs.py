"""The README documents every environment variable the settings read."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def test_readme_documents_every_setting_variable() -> None:
    settings_src = (REPO_ROOT / "src" / "upstream" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list|secret)\(\s*"([A-Z_]+)"', settings_src))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_src))
    readme = (REPO_ROOT / "README.md").read_text()
    assert len(names) > 10
    missing = sorted(n for n in names if n not in readme)
    assert missing == []
