"""Requests do not serialize on the database: a request held open mid-way (a slow read, a slow
export) lets other reads and an audited write finish (docs/decisions/0009-transactions.md).

Each request runs in its own thread with its own database connection. On SQLite the scenario runs
on a file database in WAL mode with the project's connection options (the test database is
in-memory, so it is copied to a file first); on PostgreSQL on the test database itself. Events
order the steps; the timeouts only detect a request that waits on another (no speed is measured).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import sign_in_as
from upstream.planning.models import Plan
from upstream.planning.views import exports as export_views

pytestmark = pytest.mark.django_db(transaction=True)

# A request that does not wait on another finishes well within this on a loaded machine; one that
# waits on SQLite's lock gives up after the 20 s busy timeout, and on PostgreSQL waits for ever.
FINISH = 30.0


@pytest.fixture
def share_database(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Call it once the data is in place: from then on new connections (one per thread) open a
    database that every thread shares."""
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]

    def share() -> None:
        if connection.vendor != "sqlite":
            return
        file_db = tmp_path / "upstream.sqlite3"
        target = sqlite3.connect(file_db)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        settings_dict["NAME"] = str(file_db)

    try:
        yield share
    finally:
        settings_dict["NAME"] = name


class Request(threading.Thread):
    """One request on its own thread (so on its own connection); keeps the response or error."""

    def __init__(self, client: Client, method: str, path: str, data: Any = None) -> None:
        super().__init__(daemon=True)
        self.client, self.method, self.path, self.data = client, method, path, data
        self.status: int | None = None
        self.error: BaseException | None = None
        self.hold: Callable[..., Any] | None = None

    def run(self) -> None:
        try:
            if self.hold is not None:
                with connection.execute_wrapper(self.hold):
                    self.status = self._send()
            else:
                self.status = self._send()
        except BaseException as exc:
            self.error = exc
        finally:
            connection.close()

    def _send(self) -> int:
        if self.method == "POST":
            return self.client.post(self.path, self.data).status_code
        return self.client.get(self.path).status_code

    def finished(self) -> bool:
        self.join(FINISH)
        return not self.is_alive()


def _settle(*requests: Request) -> None:
    """Let every started request end before the test database is emptied."""
    for request in requests:
        if request.ident is not None:
            request.join(FINISH)


def _title_of(plan: Any) -> str:
    """The plan's title as a new connection (the one every request thread uses) reads it."""
    titles: list[str] = []

    def read() -> None:
        try:
            titles.append(Plan.objects.get(pk=plan.pk).title)
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(FINISH)
    return titles[0]


def _client_like(client: Client) -> Client:
    other = Client()
    other.cookies = client.cookies
    return other


def _edit(plan: Any) -> dict[str, Any]:
    return {
        "revision": plan.revision,
        "title": "Renamed while others read",
        "period_start": "2026-01-01",
        "period_end": "2028-12-31",
        "state_fips": "39",
        "county_fips": "39049",
        "populations": ["youth-foster-care"],
    }


def _url(plan: Any, suffix: str = "") -> str:
    return f"/orgs/{plan.organization.uuid}/plans/{plan.uuid}/{suffix}"


def _held_after_plan_read(held: threading.Event, release: threading.Event) -> Callable[..., Any]:
    """An execute wrapper: after the request's first read of the plan, wait until released."""

    def hold(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if (
            not held.is_set()
            and sql.lstrip().upper().startswith("SELECT")
            and ("planning_plan" in sql)
        ):
            held.set()
            release.wait(FINISH * 2)
        return result

    return hold


def test_a_held_read_request_blocks_neither_another_read_nor_a_write(
    client: Client, coordinator: Any, plan: Any, share_database: Callable[[], None]
) -> None:
    sign_in_as(client, coordinator.user)
    share_database()
    held, release = threading.Event(), threading.Event()
    slow = Request(_client_like(client), "GET", _url(plan))
    slow.hold = _held_after_plan_read(held, release)
    read = Request(_client_like(client), "GET", f"/orgs/{plan.organization.uuid}/")
    write = Request(_client_like(client), "POST", _url(plan, "edit/"), _edit(plan))
    slow.start()
    try:
        assert held.wait(FINISH), f"the plan page never read the plan: {slow.status} {slow.error!r}"
        read.start()
        write.start()
        assert read.finished(), "a read request waited on a read request held open"
        assert write.finished(), "a write waited on a read request held open"
    finally:
        release.set()
        _settle(slow, read, write)
    assert slow.finished()
    assert (slow.error, read.error, write.error) == (None, None, None)
    assert (slow.status, read.status, write.status) == (200, 200, 302)
    assert _title_of(plan) == "Renamed while others read"


def test_a_slow_export_does_not_block_an_audited_write(
    client: Client, coordinator: Any, plan: Any, share_database: Callable[[], None]
) -> None:
    sign_in_as(client, coordinator.user, sudo=True)
    share_database()
    rendering, release = threading.Event(), threading.Event()
    render = export_views.plan_xlsx

    def slow_render(the_plan: Any) -> bytes:
        rendering.set()
        release.wait(FINISH * 2)
        return render(the_plan)

    export = Request(_client_like(client), "GET", _url(plan, "export.xlsx"))
    write = Request(_client_like(client), "POST", _url(plan, "edit/"), _edit(plan))
    with mock.patch.object(export_views, "plan_xlsx", slow_render):
        export.start()
        try:
            assert rendering.wait(FINISH), f"no render: {export.status} {export.error!r}"
            write.start()
            assert write.finished(), "an audited write waited on an export being rendered"
        finally:
            release.set()
            _settle(export, write)
        assert export.finished()
    assert (export.error, write.error) == (None, None)
    assert (export.status, write.status) == (200, 302)
    assert _title_of(plan) == "Renamed while others read"
