"""core.crypto: values are sealed with AES-GCM, bound to their column and row, tagged with the
key id, and never come back as garbage."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from tests.people.conftest import CONTACT_CANARY, NAME_CANARY
from upstream.core import crypto
from upstream.core.keyring import generate_entry, parse_keyring

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, uuid: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE uuid = %s",  # noqa: S608
            [uuid.hex if connection.vendor == "sqlite" else uuid],
        )
        return str(cursor.fetchone()[0])


def test_a_stored_value_is_a_versioned_token_with_the_key_id(person: Any) -> None:
    token = _raw("people_person", "display_name", person.uuid)
    assert token.startswith("v1:test:")
    assert NAME_CANARY not in token


def test_a_value_reads_back_after_reload(person: Any) -> None:
    from upstream.people.models import Person

    again = Person.objects.get(pk=person.pk)
    assert again.display_name == NAME_CANARY
    assert again.birth_date == dt.date(1990, 4, 2)
    assert again.contact == CONTACT_CANARY


def test_the_same_value_encrypts_differently_each_time(
    records_everything: None, screener: Any
) -> None:
    from upstream.people import services

    one = services.person_create(actor=screener, display_name="Same")
    two = services.person_create(actor=screener, display_name="Same")
    assert _raw("people_person", "display_name", one.uuid) != _raw(
        "people_person", "display_name", two.uuid
    )


def test_a_token_moved_to_another_row_or_column_does_not_decrypt(
    records_everything: None, screener: Any, person: Any
) -> None:
    from upstream.people import services
    from upstream.people.models import Person

    other = services.person_create(actor=screener, display_name="Other")
    token = _raw("people_person", "display_name", person.uuid)
    Person.objects.filter(pk=other.pk).update(display_name=crypto.Sealed(token))
    Person.objects.filter(pk=person.pk).update(contact=crypto.Sealed(token))
    with pytest.raises(crypto.DecryptionError, match="copied from another column or row"):
        _ = Person.objects.get(pk=other.pk).display_name
    with pytest.raises(crypto.DecryptionError):
        _ = Person.objects.get(pk=person.pk).contact


def test_an_altered_token_is_refused_not_returned_as_garbage(person: Any) -> None:
    from upstream.people.models import Person

    token = _raw("people_person", "display_name", person.uuid)
    body = token.rsplit(":", 1)[1]
    flipped = token[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    Person.objects.filter(pk=person.pk).update(display_name=crypto.Sealed(flipped))
    with pytest.raises(crypto.DecryptionError) as caught:
        _ = Person.objects.get(pk=person.pk).display_name
    assert NAME_CANARY not in str(caught.value)


def test_a_key_missing_from_the_keyring_is_named_in_the_error(person: Any) -> None:
    from upstream.people.models import Person

    with (
        override_settings(DATA_KEY=generate_entry("k9")),
        pytest.raises(crypto.DecryptionError, match=r"key 'test'.*holds k9"),
    ):
        _ = Person.objects.get(pk=person.pk).display_name


def test_reprs_and_errors_never_show_the_value(person: Any) -> None:
    from upstream.people.models import Person

    loaded = Person.objects.get(pk=person.pk)
    assert "encrypted" in repr(loaded.__dict__["display_name"])
    assert NAME_CANARY not in repr(loaded.display_name)
    assert NAME_CANARY not in repr(loaded.__dict__)
    assert "1990" not in repr(loaded.birth_date)


def test_encrypted_fields_cannot_be_filtered_by_value(person: Any) -> None:
    from upstream.people.models import Person

    with pytest.raises(TypeError, match="encrypted"):
        list(Person.objects.filter(display_name=NAME_CANARY))


def test_an_untouched_field_keeps_its_token_on_save(person: Any) -> None:
    from upstream.people.models import Person

    before = _raw("people_person", "contact", person.uuid)
    loaded = Person.objects.get(pk=person.pk)
    loaded.display_name = "Changed"
    loaded.save()
    assert _raw("people_person", "contact", person.uuid) == before


def test_writing_without_a_key_fails_clearly(records_everything: None, screener: Any) -> None:
    from upstream.people import services

    with (
        override_settings(DATA_KEY=""),
        pytest.raises(crypto.KeyMissing, match="UPSTREAM_DATA_KEY is not set"),
    ):
        services.person_create(actor=screener, display_name="Nobody")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("nocolon", "is not '<key id>:<base64 key>'"),
        ("bad id!:" + "A" * 44, "key id must be"),
        ("k1:not*base64", "not valid base64"),
        ("k1:" + "QUFB", "must be 32 bytes"),
        (generate_entry("k1") + "," + generate_entry("k1"), "twice"),
    ],
)
def test_a_malformed_keyring_is_refused_with_a_clear_message(raw: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keyring(raw)


def test_a_keyring_lists_keys_in_order_with_the_first_current() -> None:
    ring = parse_keyring(f"{generate_entry('k2')}, {generate_entry('k1')}")
    assert ring is not None
    assert ring.ids == ("k2", "k1")
    assert ring.current == "k2"
    assert "keys" not in repr(ring) or "b'" not in repr(ring)
