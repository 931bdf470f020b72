"""The data keys at work: which key each stored value uses, whether the configured keyring can
read what is stored, and the rotation that re-encrypts every value to the current key.

Rotation (``upstream keys rotate``) walks every encrypted column of every model in batches, each
batch in its own transaction. A row already on the current key is skipped, so a run that crashed
part-way is resumed by running it again, and nothing is lost: the old keys stay in the keyring
until ``upstream keys status`` shows no value left on them. Each row is written with a
conditional UPDATE on its ``row_version``; a row edited by someone else since the batch read it
is left alone (that edit wrote its own values) and looked at again in the next pass.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_noop

from upstream.core.crypto import (
    DecryptionError,
    EncryptedField,
    Sealed,
    binding,
    configured_keyring,
    encrypted_columns,
    keyring,
    seal,
    token_key_id,
    unseal,
)
from upstream.tasks.background import Progress, background

BATCH_SIZE = 200
MAX_PASSES = 5


def _raw(field: EncryptedField) -> str:
    return f"_token_{field.attname}"


def _tokens(model: type[models.Model], fields: list[EncryptedField]) -> Any:
    """The model's rows with each encrypted column as plain text (the stored token)."""
    return model._base_manager.annotate(
        **{_raw(f): Cast(f.attname, output_field=models.TextField()) for f in fields}
    )


def key_usage() -> dict[str, Counter[str]]:
    """For each ``table.column``, how many stored values each key id encrypts."""
    usage: dict[str, Counter[str]] = {}
    for model, fields in encrypted_columns():
        for f in fields:
            counter: Counter[str] = Counter()
            values = (
                _tokens(model, [f]).filter(**{f"{_raw(f)}__isnull": False}).values_list(_raw(f))
            )
            for (token,) in values.iterator(chunk_size=2000):
                counter[token_key_id(token) or "?"] += 1
            usage[f"{model._meta.db_table}.{f.column}"] = counter
    return usage


def _stale(fields: list[EncryptedField], current: str) -> Q:
    prefix = f"v1:{current}:"
    stale = Q()
    for f in fields:
        stale |= Q(**{f"{_raw(f)}__isnull": False}) & ~Q(**{f"{_raw(f)}__startswith": prefix})
    return stale


def stale_count() -> int:
    """How many rows hold a value not on the current key."""
    ring = keyring()
    return sum(
        _tokens(model, fields).filter(_stale(fields, ring.current)).count()
        for model, fields in encrypted_columns()
    )


@dataclass
class RotationResult:
    rotated_rows: int = 0
    skipped_concurrent: int = 0
    passes: int = 0
    remaining: int = 0
    by_table: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rotated_rows": self.rotated_rows,
            "skipped_concurrent": self.skipped_concurrent,
            "passes": self.passes,
            "remaining": self.remaining,
            "tables": dict(self.by_table),
        }


def _rotate_row(
    model: type[models.Model], fields: list[EncryptedField], row: dict[str, Any]
) -> int:
    """Re-encrypt one row's stale values; 1 if written, 0 if the row changed meanwhile."""
    ring = keyring()
    table = model._meta.db_table
    prefix = f"v1:{ring.current}:"
    changes: dict[str, Any] = {}
    for f in fields:
        token = row[_raw(f)]
        if token is None or token.startswith(prefix):
            continue
        aad = binding(table, f.column, row["uuid"])
        plain = unseal(token, aad=aad, where=f"{table}.{f.column} of row {row['uuid']}", ring=ring)
        changes[f.attname] = Sealed(seal(plain, aad=aad, ring=ring))
    if not changes:
        return 1
    return int(
        model._base_manager.filter(pk=row["pk"], row_version=row["row_version"]).update(
            row_version=F("row_version") + 1, **changes
        )
    )


def rotate(*, batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> RotationResult:
    """Re-encrypt every stored value to the current key (see the module's docstring)."""
    ring = keyring()
    result = RotationResult()
    total = max(stale_count(), 1)
    done = 0
    for _ in range(MAX_PASSES):
        result.passes += 1
        concurrent = 0
        for model, fields in encrypted_columns():
            after = 0
            while True:
                with transaction.atomic():
                    rows = list(
                        _tokens(model, fields)
                        .filter(_stale(fields, ring.current), pk__gt=after)
                        .order_by("pk")
                        .values("pk", "uuid", "row_version", *[_raw(f) for f in fields])[
                            :batch_size
                        ]
                    )
                    if not rows:
                        break
                    for row in rows:
                        if _rotate_row(model, fields, row):
                            result.rotated_rows += 1
                            result.by_table[model._meta.db_table] += 1
                        else:
                            concurrent += 1
                    after = rows[-1]["pk"]
                done += len(rows)
                if progress is not None:
                    progress.report(
                        min(done / total, 0.99),
                        f"{result.rotated_rows} rows re-encrypted to key {ring.current}",
                    )
        result.skipped_concurrent += concurrent
        result.remaining = stale_count()
        if result.remaining == 0:
            break
    return result


@background(label=gettext_noop("Re-encrypt personal data to the current key"), max_attempts=3)
def rotate_in_background(progress: Progress, *, batch_size: int = BATCH_SIZE) -> dict[str, Any]:
    """The rotation as a background task: a retried attempt resumes where the last one stopped."""
    return rotate(batch_size=batch_size, progress=progress).as_dict()


# --- is the configured keyring the right one? ------------------------------------------------


def keyring_problems() -> list[str]:
    """What stops the configured keyring from serving the stored data, in plain sentences:
    no key while personal data is stored; a key id used by stored values but missing from the
    keyring; a key that does not decrypt a sample of the stored values (the wrong key)."""
    try:
        ring = configured_keyring()
    except ImproperlyConfigured as exc:
        return [str(exc)]
    problems: list[str] = []
    try:
        for model, fields in encrypted_columns():
            table = model._meta.db_table
            for f in fields:
                present = _tokens(model, [f]).filter(**{f"{_raw(f)}__isnull": False})
                samples = [
                    present.order_by("pk").values_list("uuid", _raw(f)).first(),
                    present.order_by("-pk").values_list("uuid", _raw(f)).first(),
                ]
                for sample in {s for s in samples if s is not None}:
                    row, token = sample
                    if ring is None:
                        problems.append(
                            f"Personal data is stored ({table}.{f.column}) but "
                            "UPSTREAM_DATA_KEY is not set: it cannot be read. Set the keyring "
                            "it was written with."
                        )
                        return problems
                    try:
                        unseal(
                            token,
                            aad=binding(table, f.column, row),
                            where=f"{table}.{f.column} (sample row {row})",
                            ring=ring,
                        )
                    except DecryptionError as exc:
                        problems.append(f"Wrong data key: {exc}")
    except DatabaseError:
        return problems  # tables not created yet (before migrate): nothing stored to check
    return problems


def verify_on_startup() -> None:
    """Refuse to serve with a keyring that cannot read the stored personal data."""
    problems = keyring_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
