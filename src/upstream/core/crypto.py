"""Encrypted model fields: the one way personal data is stored (apps never call ``cryptography``).

Each value is sealed with AES-256-GCM under the current key of the keyring in
``settings.DATA_KEY`` (``UPSTREAM_DATA_KEY``, see ``upstream.core.keyring``), with a fresh 96-bit
random nonce, and stored as the text token ``v1:<key id>:<base64url(nonce + ciphertext + tag)>``.
The associated data binds the token to its table, column and row (the row's ``uuid``), so a
token copied into another column or row does not decrypt: it fails loudly, never returns another
value.

Values are decrypted when first read from the model attribute, not when the row is loaded: a
query that never touches a personal field never decrypts it. A field left untouched is written
back as the same token. The fields cannot be filtered or updated by value (the ciphertext is
random); write them through ``save()``.

A model with encrypted fields extends ``EncryptedModel``: it needs a ``uuid`` (the row binding)
and keeps a ``row_version`` that every save increments, so the key rotation (``upstream.core.keys``)
never overwrites a concurrent edit. Decrypted text and dates have masked reprs, so a value that
reaches a log line or a traceback through ``repr`` shows as ``'•••'``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from upstream.core.keyring import Keyring, parse_keyring

VERSION = "v1"
NONCE_BYTES = 12
MASK = "•••"


class DecryptionError(Exception):
    """A stored value cannot be decrypted: its key is not in the keyring, the key is wrong, or
    the token was altered or moved. The message names the column and row, never the value."""


class KeyMissing(ImproperlyConfigured):
    """No data key is configured, so personal data can be neither written nor read."""


MISSING_KEY = (
    "UPSTREAM_DATA_KEY is not set, so personal data cannot be encrypted or read. Set it (or "
    "UPSTREAM_DATA_KEY_FILE) to a keyring made with `upstream keys generate`."
)


@lru_cache(maxsize=4)
def _parse(raw: str) -> Keyring | None:
    return parse_keyring(raw)


def configured_keyring() -> Keyring | None:
    """The configured keyring (parsed once per distinct setting), or None if there is none."""
    return _parse(getattr(settings, "DATA_KEY", "") or "")


def keyring() -> Keyring:
    """The configured keyring; ``KeyMissing`` if there is none."""
    ring = configured_keyring()
    if ring is None:
        raise KeyMissing(MISSING_KEY)
    return ring


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def binding(table: str, column: str, row: Any) -> bytes:
    """The associated data of one cell: its table, column and row."""
    return f"upstream|{table}|{column}|{row}".encode()


def token_key_id(token: str) -> str:
    """The key id a token names (``v1:<key id>:...``), or "" if it is no token."""
    parts = token.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == VERSION else ""


def seal(plain: bytes, *, aad: bytes, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    key_id = ring.current
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[key_id]).encrypt(nonce, plain, aad)
    return f"{VERSION}:{key_id}:{_b64(nonce + sealed)}"


def unseal(token: str, *, aad: bytes, where: str, ring: Keyring | None = None) -> bytes:
    """The plaintext of ``token``; ``where`` names the cell in the error (no value)."""
    ring = ring or keyring()
    version, _, rest = token.partition(":")
    key_id, _, body = rest.partition(":")
    if version != VERSION or not key_id or not body:
        raise DecryptionError(f"{where} does not hold an encrypted value of a known version.")
    key = ring.key(key_id)
    if key is None:
        raise DecryptionError(
            f"{where} is encrypted with key {key_id!r}, which UPSTREAM_DATA_KEY does not hold "
            f"(it holds {', '.join(ring.ids)})."
        )
    try:
        raw = _unb64(body)
        if len(raw) < NONCE_BYTES + 16:
            raise ValueError("too short")
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError, binascii.Error):
        raise DecryptionError(
            f"{where} cannot be decrypted with key {key_id!r}: the key is wrong, or the stored "
            "value was altered or copied from another column or row."
        ) from None


class Ciphertext:
    """A stored token not yet decrypted (what a loaded row holds until the field is read)."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "<encrypted>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ciphertext) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


class Sealed(str):
    """A token ready for the database (the only value an encrypted column accepts)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<encrypted>"


class MaskedStr(str):
    """Decrypted text: an ordinary string whose repr hides it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(MASK)


class MaskedDate(dt.date):
    """A decrypted date whose repr hides it."""

    def __repr__(self) -> str:
        return repr(MASK)


class _EncryptedAttribute(DeferredAttribute):
    """Decrypts on first read (with the row's binding) and keeps the plaintext on the instance."""

    field: EncryptedField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = self.field.decrypt(instance, value.token)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = self.field.wrap(value)


class EncryptedField(models.TextField):  # type: ignore[type-arg]
    """A personal value stored as an AES-GCM token. Subclasses say how a value becomes bytes."""

    descriptor_class = _EncryptedAttribute
    empty: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["null"] = True
        kwargs["blank"] = True
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("null", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    # --- values ---------------------------------------------------------------------------

    def to_bytes(self, value: Any) -> bytes:
        raise NotImplementedError

    def from_bytes(self, data: bytes) -> Any:
        raise NotImplementedError

    def wrap(self, value: Any) -> Any:
        """What the attribute holds for an assigned value (plaintext is masked)."""
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None or value == ""

    # --- encryption -----------------------------------------------------------------------

    def where(self, instance: Any) -> str:
        return f"{self.model._meta.db_table}.{self.column} of row {self.row_of(instance)}"

    def row_of(self, instance: Any) -> str:
        row = instance.__dict__.get("uuid")
        if row is None:
            raise ImproperlyConfigured(
                f"{self.model.__name__} has encrypted fields and so needs a uuid field."
            )
        return str(row)

    def aad(self, instance: Any) -> bytes:
        return binding(self.model._meta.db_table, self.column, self.row_of(instance))

    def decrypt(self, instance: Any, token: str) -> Any:
        plain = unseal(token, aad=self.aad(instance), where=self.where(instance))
        return self.from_bytes(plain)

    def encrypt(self, instance: Any, value: Any) -> Sealed:
        return Sealed(seal(self.to_bytes(value), aad=self.aad(instance)))

    # --- Django -------------------------------------------------------------------------

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Ciphertext(value)

    def to_python(self, value: Any) -> Any:
        return value

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Ciphertext):
            return Sealed(value.token)  # untouched: the same token goes back
        if self.is_empty(value):
            return None
        return self.encrypt(model_instance, value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        if isinstance(value, Ciphertext):
            return value.token
        if isinstance(value, Sealed):
            return str(value)
        raise TypeError(
            f"{self.model.__name__}.{self.name} is encrypted: it cannot be filtered or updated "
            "by value; assign it and save() the row."
        )

    def value_to_string(self, obj: Any) -> str:
        """Serialized dumps carry the token, never the plaintext."""
        value = obj.__dict__.get(self.attname)
        if isinstance(value, Ciphertext):
            return value.token
        return "" if self.is_empty(value) else str(self.encrypt(obj, value))

    def get_default(self) -> Any:
        return self.empty


class EncryptedTextField(EncryptedField):
    """Encrypted text; empty text is stored as NULL and read back as ""."""

    empty = ""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return "" if value is None else Ciphertext(value)

    def to_bytes(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def from_bytes(self, data: bytes) -> MaskedStr:
        return MaskedStr(data.decode("utf-8"))

    def wrap(self, value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, str) and not isinstance(value, MaskedStr | Sealed):
            return MaskedStr(value)
        return value


class EncryptedDateField(EncryptedField):
    """An encrypted calendar date (ISO 8601 inside the token)."""

    def to_python(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, dt.date | Ciphertext):
            return value or None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError("Enter a valid date (YYYY-MM-DD).", code="invalid") from None

    def to_bytes(self, value: Any) -> bytes:
        if not isinstance(value, dt.date):
            raise TypeError("an encrypted date takes a datetime.date")
        return value.isoformat().encode("ascii")

    def from_bytes(self, data: bytes) -> MaskedDate:
        day = dt.date.fromisoformat(data.decode("ascii"))
        return MaskedDate(day.year, day.month, day.day)

    def wrap(self, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, MaskedDate | dt.datetime):
            return MaskedDate(value.year, value.month, value.day)
        return value


class EncryptedJSONField(EncryptedField):
    """An encrypted JSON value (answers, structured notes)."""

    def to_bytes(self, value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes) -> Any:
        return json.loads(data.decode("utf-8"))


class EncryptedModel(models.Model):
    """The base of a model with encrypted fields: a ``uuid`` (each subclass declares it) binds
    its tokens to the row, and ``row_version`` changes on every save."""

    row_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.row_version = (self.row_version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "row_version"}
        super().save(*args, **kwargs)


def encrypted_columns() -> list[tuple[type[models.Model], list[EncryptedField]]]:
    """Every concrete model with encrypted fields, and those fields."""
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            found.append((model, fields))
    return found
