"""A script writes a plan over real HTTP with a read-write key: the production server
(``upstream serve``) on a free local port, against a file SQLite database this test prepares.

This is the path an integration takes, with every middleware and the real CSRF rule in force
(the test client skips parts of both).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PREPARE = textwrap.dedent(
    """
    import datetime as dt, json, django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from upstream.accounts import services as accounts
    from upstream.accounts.models import User
    from upstream.framework.services import framework_load_file
    from upstream.planning import services as planning

    version = framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml").version
    org = accounts.organization_create(
        actor=None, name="Over HTTP Coalition", sectors=["housing"], state_fips="39"
    )
    user = User.objects.create_user("http-admin@example.org", None, full_name="HTTP Admin")
    admin = accounts.membership_create(actor=None, user=user, organization=org, role="admin")
    _, secret = accounts.apikey_create(actor=admin, name="integration", scope="write")
    plan = planning.plan_create(
        actor=admin, title="Plan written over HTTP", framework_version=version,
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2027, 12, 31), state_fips="39",
        strategies=list(version.strategies.filter(key="build-individual-skills")),
    )
    print(json.dumps({"secret": secret, "org": str(org.uuid), "plan": str(plan.uuid)}))
    """
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # a file SQLite database
    env.update(
        DJANGO_SETTINGS_MODULE="upstream.settings",
        UPSTREAM_VAR_DIR=str(tmp_path),
        UPSTREAM_SECRET_KEY="over-http-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        UPSTREAM_INSECURE_HTTP="1",
        UPSTREAM_STATIC_MANIFEST="0",
        UPSTREAM_TESTING="0",
    )
    prepared = subprocess.run(
        [sys.executable, "-c", PREPARE], env=env, capture_output=True, text=True, check=True
    )
    world = json.loads(prepared.stdout.strip().splitlines()[-1])
    port = _free_port()
    upstream = Path(sys.executable).with_name("upstream")
    process = subprocess.Popen(
        [str(upstream), "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # wait until it answers (bounded), then run the test
            if process.poll() is not None:
                pytest.fail("upstream serve exited before answering")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("upstream serve did not answer")
        yield {**world, "base": base}
    finally:
        process.terminate()
        process.wait(timeout=30)


def _call(
    server: dict[str, Any], method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 (http on the loopback only)
        f"{server['base']}/api/v1/plans/{server['org']}/{server['plan']}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {server['secret']}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_read_write_key_creates_patches_and_deletes_a_plan_activity_over_http(
    server: dict[str, Any],
) -> None:
    status, activity = _call(
        server,
        "POST",
        "/activities",
        {"strategy": "build-individual-skills", "framework_activity": "online-safety-skills"},
    )
    assert status == 201, activity
    status, changed = _call(
        server,
        "PATCH",
        f"/activities/{activity['uuid']}",
        {"revision": activity["revision"], "name": "Online safety, written by a script"},
    )
    assert status == 200, changed
    status, document = _call(server, "GET", "")
    assert status == 200
    names = [a["name"] for s in document["strategies"] for a in s["activities"]]
    assert names == ["Online safety, written by a script"]

    status, _ = _call(server, "DELETE", f"/activities/{activity['uuid']}")
    assert status == 204
    status, document = _call(server, "GET", "")
    assert [a for s in document["strategies"] for a in s["activities"]] == []
    status, gone = _call(server, "DELETE", f"/activities/{activity['uuid']}")
    assert status == 404 and gone["error"]["code"] == "not_found"
