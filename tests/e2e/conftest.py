"""Browser tests: Playwright driving Debian's Chromium, with an axe-core scan of each page.

They run whenever /usr/bin/chromium exists and are skipped with a clear reason otherwise.
``UPSTREAM_REQUIRE_BROWSER=1`` (set by .ci/run) turns that skip into a failure. No test tool
downloads a browser: Playwright launches the system Chromium.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

CHROMIUM = Path(os.environ.get("UPSTREAM_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if os.environ.get("UPSTREAM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # The site's Content Security Policy stays enforced: pages must work without eval or inline
    # code. axe-core is injected through the browser protocol, which the CSP does not govern.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    summary = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:3]],
        }
        for v in violations
    ]
    assert violations == [], f"{page.url}: " + json.dumps(summary, indent=1)
