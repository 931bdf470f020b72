"""The queue backend is chosen by UPSTREAM_TASKS_BACKEND; a wrong value stops start-up."""

from __future__ import annotations

import os
import subprocess
import sys

PRINT_BACKEND = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("UPSTREAM_")}
    environment.update(DJANGO_SETTINGS_MODULE="upstream.settings", UPSTREAM_SECRET_KEY="k" * 50)
    environment.update(env)
    code = f"import django; django.setup(); {PRINT_BACKEND}"
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )


def test_the_database_queue_is_the_default_outside_tests() -> None:
    assert _settings().stdout.strip() == "django_tasks_db.DatabaseBackend"


def test_redis_is_chosen_with_the_rq_backend_setting() -> None:
    assert _settings(UPSTREAM_TASKS_BACKEND="rq").stdout.strip() == "django_tasks_rq.RQBackend"


def test_an_unknown_queue_backend_stops_start_up_naming_the_variable() -> None:
    result = _settings(UPSTREAM_TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "UPSTREAM_TASKS_BACKEND must be one of database, rq, immediate" in result.stderr
