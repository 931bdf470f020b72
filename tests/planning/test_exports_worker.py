"""A large plan's download prepared by a real worker process on the database queue."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.tasks.test_real_backends import _env, _upstream

START_BUILD = """
from django.db import transaction
from upstream.accounts.models import Membership
from upstream.planning.models import Plan
from upstream.planning.services.export_builds import plan_export_request
plan = Plan.objects.get(status="draft")
member = Membership.objects.filter(organization=plan.organization, role="coordinator").first()
with transaction.atomic():
    run = plan_export_request(actor=member, plan=plan, format="xlsx", language="en")
print(run.uuid)
"""


def test_a_worker_process_prepares_and_keeps_a_plans_workbook(tmp_path: Path) -> None:
    env = _env(tmp_path, UPSTREAM_DEMO="1")
    assert _upstream(["migrate", "-v", "0"], env).returncode == 0
    loaded = _upstream(["demo"], env)
    assert loaded.returncode == 0, loaded.stderr
    started = _upstream(["shell", "-c", START_BUILD], env)
    assert started.returncode == 0, started.stderr
    worker = _upstream(["worker", "--burst"], env)
    assert worker.returncode == 0, worker.stderr
    database = sqlite3.connect(tmp_path / "upstream.sqlite3")
    try:
        run = database.execute("SELECT status, attempts FROM tasks_taskrun").fetchall()
        kept = database.execute(
            "SELECT format, size, length(content), content_type FROM planning_planexport"
        ).fetchall()
    finally:
        database.close()
    assert run == [("succeeded", 1)]
    assert len(kept) == 1 and kept[0][0] == "xlsx" and kept[0][1] == kept[0][2] > 0
    assert kept[0][3].endswith("spreadsheetml.sheet")
