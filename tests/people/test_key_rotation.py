"""`upstream keys`: rotation to a new key in batches, resumable after a crash, without losing a
value or a concurrent edit; and the checks that refuse a missing or wrong key."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from upstream.core import crypto, keys
from upstream.core.checks import check_data_key_configured, check_data_key_reads_stored_data
from upstream.core.keyring import generate_entry

pytestmark = pytest.mark.django_db

OLD = "test:dXBzdHJlYW0tdGVzdC1kYXRhLWtleS0wMDAwMDAwMDA="
NEW = generate_entry("k2")


@pytest.fixture
def many_people(records_everything: None, screener: Any) -> list[Any]:
    from upstream.people import services

    people = [
        services.person_create(actor=screener, display_name=f"Person {i}", contact=f"c{i}@x.org")
        for i in range(12)
    ]
    for p in people[:4]:
        services.consent_record(
            actor=screener, person=p, scope="screening", method="verbal", note=f"note {p.pk}"
        )
    return people


def _values() -> dict[str, tuple[str, str]]:
    from upstream.people.models import Person

    return {str(p.uuid): (str(p.display_name), str(p.contact)) for p in Person.objects.all()}


def _usage() -> dict[str, dict[str, int]]:
    return {column: dict(counter) for column, counter in keys.key_usage().items()}


def test_rotation_moves_every_value_to_the_new_key_and_loses_none(many_people: list[Any]) -> None:
    before = _values()
    with override_settings(DATA_KEY=f"{NEW},{OLD}"):
        assert keys.stale_count() == 16
        result = keys.rotate(batch_size=5)
        assert result.rotated_rows == 16
        assert result.remaining == 0
        assert _values() == before
        assert _usage()["people_person.display_name"] == {"k2": 12}
        assert _usage()["people_consent.note"] == {"k2": 4}
        assert keys.rotate(batch_size=5).rotated_rows == 0  # idempotent
    with override_settings(DATA_KEY=NEW):  # the old key can now go
        assert _values() == before


def test_a_crash_mid_rotation_leaves_every_value_readable_and_a_rerun_finishes(
    many_people: list[Any], monkeypatch: Any
) -> None:
    before = _values()
    real = keys._rotate_row
    calls = {"n": 0}

    def crashing(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 8:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    with override_settings(DATA_KEY=f"{NEW},{OLD}"):
        monkeypatch.setattr(keys, "_rotate_row", crashing)
        with pytest.raises(RuntimeError):
            keys.rotate(batch_size=5)
        # the first batch committed, the crashed batch rolled back whole
        assert _usage()["people_person.display_name"] == {"k2": 5, "test": 7}
        assert _values() == before
        monkeypatch.setattr(keys, "_rotate_row", real)
        result = keys.rotate(batch_size=5)
        assert result.rotated_rows == 11
        assert keys.stale_count() == 0
        assert _values() == before


def test_a_concurrent_edit_during_rotation_is_kept(
    many_people: list[Any], monkeypatch: Any
) -> None:
    from upstream.people.models import Person

    target = many_people[3]
    real = keys._rotate_row
    edited = {"done": False}

    def edit_first(model: Any, fields: Any, row: dict[str, Any]) -> int:
        if row["pk"] == target.pk and not edited["done"]:
            edited["done"] = True  # someone saves the row after the batch read it
            fresh = Person.objects.get(pk=target.pk)
            fresh.display_name = "Edited meanwhile"
            fresh.save()
        return real(model, fields, row)

    with override_settings(DATA_KEY=f"{NEW},{OLD}"):
        monkeypatch.setattr(keys, "_rotate_row", edit_first)
        result = keys.rotate(batch_size=50)
        assert result.skipped_concurrent == 1
        assert result.remaining == 0
        assert Person.objects.get(pk=target.pk).display_name == "Edited meanwhile"
        assert Person.objects.get(pk=target.pk).contact == "c3@x.org"


def test_rotation_runs_as_a_background_task_with_progress(many_people: list[Any]) -> None:
    from upstream.tasks.background import execute, start
    from upstream.tasks.models import TaskRun

    with override_settings(DATA_KEY=f"{NEW},{OLD}"):
        run = start(keys.rotate_in_background, batch_size=4)
        execute.call(str(run.uuid))
        run = TaskRun.objects.get(pk=run.pk)
        assert run.status == TaskRun.Status.SUCCEEDED
        assert run.result["rotated_rows"] == 16
        assert "re-encrypted to key k2" in run.message
        assert keys.stale_count() == 0


def test_keys_command_status_generate_and_rotate(many_people: list[Any]) -> None:
    out = io.StringIO()
    call_command("keys", "generate", "--id", "k7", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("k7:")
    with override_settings(DATA_KEY=f"{NEW},{OLD}"):
        out = io.StringIO()
        call_command("keys", "status", stdout=out)
        assert "people_person.display_name: test=12" in out.getvalue()
        assert "16 rows still use an older key" in out.getvalue()
        out = io.StringIO()
        call_command("keys", "rotate", "--foreground", "--batch-size", "6", stdout=out)
        assert "re-encrypted 16 rows to key k2" in out.getvalue()


def test_a_missing_key_with_personal_data_stored_is_refused(many_people: list[Any]) -> None:
    with override_settings(DATA_KEY=""):
        errors = check_data_key_reads_stored_data(None, databases=["default"])
        assert [e.id for e in errors] == ["upstream.E011"]
        assert "UPSTREAM_DATA_KEY is not set" in errors[0].msg
        assert [e.id for e in check_data_key_configured(None)] == ["upstream.E010"]
        with pytest.raises(CommandError, match="not set"):
            call_command("keys", "rotate", "--foreground", stdout=io.StringIO())


def test_a_wrong_key_is_refused_at_start_up(many_people: list[Any]) -> None:
    wrong = "test:" + generate_entry("x").split(":", 1)[1]  # the right id, other bytes
    with override_settings(DATA_KEY=wrong):
        errors = check_data_key_reads_stored_data(None, databases=["default"])
        assert errors and all(e.id == "upstream.E011" for e in errors)
        assert "Wrong data key" in errors[0].msg
        with pytest.raises(Exception, match="Wrong data key"):
            keys.verify_on_startup()
    with override_settings(DATA_KEY=NEW):  # a keyring without the key the data uses
        errors = check_data_key_reads_stored_data(None, databases=["default"])
        assert "which UPSTREAM_DATA_KEY does not hold" in errors[0].msg
    assert check_data_key_reads_stored_data(None, databases=["default"]) == []


def test_no_key_and_no_data_is_fine_outside_production(db: None) -> None:
    with override_settings(DATA_KEY=""):
        assert check_data_key_reads_stored_data(None, databases=["default"]) == []
        assert crypto.configured_keyring() is None
