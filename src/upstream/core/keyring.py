"""The data keyring: the keys that encrypt personal data, read from ``UPSTREAM_DATA_KEY``.

The format is a comma-separated list of ``<key id>:<base64 of 32 random bytes>``; the first key is
the current one (new values are encrypted with it), the others still decrypt values written
before a rotation::

    UPSTREAM_DATA_KEY=k2:8cQ0...=,k1:Jr4n...=

A key id is 1 to 32 letters, digits, ``-`` or ``_``. ``upstream keys generate`` prints a new key.
Parsing is strict: a malformed keyring stops start-up with a message that names the entry but
never shows key material. This module imports nothing from Django but its exception, so the
settings module can use it.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class Keyring:
    """Key ids in order (the first is current) and their keys. The repr shows ids only."""

    ids: tuple[str, ...]
    keys: dict[str, bytes] = field(repr=False)

    @property
    def current(self) -> str:
        return self.ids[0]

    def key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)


def _decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    alphabet = b"-_" if ("-" in text or "_" in text) else None
    return base64.b64decode(padded, altchars=alphabet, validate=True)


def parse_keyring(raw: str, *, name: str = "UPSTREAM_DATA_KEY") -> Keyring | None:
    """The keyring in ``raw``, or None when it is empty. Raises ImproperlyConfigured."""
    text = raw.strip()
    if not text:
        return None
    ids: list[str] = []
    keys: dict[str, bytes] = {}
    for position, entry in enumerate(text.split(","), start=1):
        key_id, sep, material = entry.strip().partition(":")
        if not sep:
            raise ImproperlyConfigured(
                f"{name} entry {position} is not '<key id>:<base64 key>' "
                "(generate one with `upstream keys generate`)."
            )
        if not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"{name} entry {position}: the key id must be 1 to 32 letters, digits, - or _."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"{name} names key id {key_id!r} twice.")
        try:
            key = _decode(material.strip())
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{name} key {key_id!r} is not valid base64.") from None
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"{name} key {key_id!r} must be {KEY_BYTES} bytes (256 bits), not {len(key)}."
            )
        ids.append(key_id)
        keys[key_id] = key
    return Keyring(ids=tuple(ids), keys=keys)


def generate_entry(key_id: str) -> str:
    """A new keyring entry ``<key id>:<base64 key>`` of fresh random bytes."""
    if not KEY_ID.match(key_id):
        raise ValueError("a key id is 1 to 32 letters, digits, - or _")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode('ascii')}"
