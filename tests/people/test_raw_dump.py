"""A database dump alone reveals nothing personal: the raw SQLite file and a ``pg_dump`` hold
no name, contact or consent note, only tokens."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from typing import Any

import pytest
from django.db import connection

from tests.people.conftest import CONTACT_CANARY, NAME_CANARY, NOTE_CANARY

CANARIES = [NAME_CANARY, CONTACT_CANARY, NOTE_CANARY, "1990-04-02"]


def _sqlite_bytes() -> bytes:
    connection.ensure_connection()
    raw: Any = connection.connection
    name = connection.settings_dict["NAME"]
    if hasattr(raw, "serialize"):  # the in-memory test database, byte for byte
        return bytes(raw.serialize())
    with open(name, "rb") as handle:
        return handle.read()


def _pg_dump() -> bytes:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    command = [
        pg_dump,
        "--data-only",
        "-h",
        settings.get("HOST") or "127.0.0.1",
        "-p",
        str(settings.get("PORT") or 5432),
        "-U",
        settings.get("USER") or "postgres",
        settings["NAME"],
    ]
    return subprocess.run(command, env=env, check=True, capture_output=True, timeout=120).stdout


@pytest.mark.django_db(transaction=True)
def test_a_raw_database_dump_holds_no_name_contact_or_note(
    records_everything: None, screener: Any
) -> None:
    from upstream.people import services

    for i in range(3):
        person = services.person_create(
            actor=screener,
            display_name=f"{NAME_CANARY} {i}",
            birth_date=dt.date(1990, 4, 2),
            contact=CONTACT_CANARY,
            preferred_language="es",
        )
        services.consent_record(
            actor=screener, person=person, scope="screening", method="verbal", note=NOTE_CANARY
        )
    dump = _pg_dump() if connection.vendor == "postgresql" else _sqlite_bytes()
    assert b"v1:test:" in dump  # the dump does hold the encrypted rows
    for canary in CANARIES:
        assert canary.encode() not in dump, canary
