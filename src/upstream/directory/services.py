"""Writes to the directory: HSDS imports (all or nothing, one transaction), and location
visibility. Each takes ``actor=`` and writes its audit event inside its transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext, ngettext_lazy

from upstream.accounts.policy import check
from upstream.audit.services import audit_record
from upstream.core.problems import DataError, Problem
from upstream.core.readers import table_limit, within_limit
from upstream.core.text import count
from upstream.directory import exporters
from upstream.directory.hsds import MARKER_TAXONOMY, TABLES, marker_ids
from upstream.directory.importers import (
    Batch,
    content_hash,
    hsds_1_1,
    hsds_csv,
    hsds_json,
    reference_problems,
    refuse_if,
)
from upstream.directory.models import Address, DirectoryImport, Location, Phone, Visibility
from upstream.directory.selectors import directory_export_check, directory_public_tables
from upstream.tasks.background import Progress, TaskFailed, background, start
from upstream.tasks.models import TaskRun

IMPORT_ACTION = "directory.import"
BATCH_SIZE = 1000
SEALED_LOCATION_FIELDS = ("latitude", "longitude")
SEALED_TABLES = ("address", "phone")


def model_of(table: str) -> type[models.Model]:
    return apps.get_model("directory", TABLES[table].model)


@dataclass
class ImportResult:
    """What an import did, table by table, and what it noted about the file."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def total(self, what: str) -> int:
        return sum(c[what] for c in self.counts.values())

    @property
    def message(self) -> str:
        added, updated, unchanged = (self.total(w) for w in ("added", "updated", "unchanged"))
        text = ngettext(
            "%(added)s record added, %(updated)s updated, %(unchanged)s unchanged.",
            "%(added)s records added, %(updated)s updated, %(unchanged)s unchanged.",
            added,
        ) % {"added": f"{added:,}", "updated": f"{updated:,}", "unchanged": f"{unchanged:,}"}
        return " ".join([text, *self.notes])

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "notes": self.notes}


# --- parse and validate ------------------------------------------------------------------------


def format_detect(*, name: str, data: bytes) -> str:
    """The format of an HSDS file: JSON text, or a zip of 3.0 or 1.1 CSV tables."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return DirectoryImport.Format.JSON
    if data[:2] == b"PK":
        texts = hsds_csv.parse(data, name=name)
        if hsds_csv.looks_like_1_1(texts):
            return DirectoryImport.Format.HSDS_1_1
        return DirectoryImport.Format.DATAPACKAGE
    message = gettext(
        "not an HSDS file: give HSDS 3.0 JSON, or a zip of HSDS 3.0 (data package) or 1.1 CSV files"
    )
    raise DataError([Problem(message, file=name)], source=name)


def batch_read(*, name: str, data: bytes, format: str) -> Batch:
    """Parse and validate a file in ``format`` (see :class:`DirectoryImport.Format`)."""
    if format == DirectoryImport.Format.JSON:
        return hsds_json.validate(hsds_json.parse(data, name=name), name=name)
    if format == DirectoryImport.Format.DATAPACKAGE:
        return hsds_csv.validate(hsds_csv.parse(data, name=name), name=name)
    if format == DirectoryImport.Format.HSDS_1_1:
        return hsds_1_1.validate(hsds_1_1.parse(data, name=name), name=name)
    raise DataError(
        [Problem(gettext("unknown format %(format)r") % {"format": format}, file=name)], source=name
    )


# --- write -------------------------------------------------------------------------------------


def _markers(batch: Batch) -> dict[str, str]:
    """Take the visibility marker attributes (and their term and taxonomy) out of the batch;
    return location id → the visibility they mark."""
    terms = marker_ids()
    marked: dict[str, str] = {}

    def keep(table: str, test: Callable[[dict[str, Any]], bool]) -> None:
        pairs = [
            (r, p)
            for r, p in zip(batch.records.get(table, []), batch.places.get(table, []), strict=True)
            if test(r)
        ]
        batch.records[table] = [r for r, _ in pairs]
        batch.places[table] = [p for _, p in pairs]

    for record in batch.records.get("attribute", []):
        if record.get("taxonomy_term_id") in terms and record.get("link_id"):
            marked[record["link_id"]] = terms[record["taxonomy_term_id"]]
    if "attribute" in batch.records:
        keep("attribute", lambda r: r.get("taxonomy_term_id") not in terms)
    if "taxonomy_term" in batch.records:
        keep("taxonomy_term", lambda r: r.get("id") not in terms)
    if "taxonomy" in batch.records:
        keep("taxonomy", lambda r: r.get("id") != MARKER_TAXONOMY["id"])
    return marked


def _ids(model: type[models.Model], owner: Any) -> dict[str, int]:
    return dict(model._default_manager.filter(organization=owner).values_list("hsds_id", "pk"))


def _column(table: str, name: str, value: Any) -> Any:
    if name in ("minimum_age", "maximum_age"):
        return float(value) if isinstance(value, int | float) else None
    if value is None:
        return ""
    text = str(value)
    return text[:500] if name not in ("eligibility_description",) else text


def _write(owner: Any, batch: Batch, progress: Progress | None) -> dict[str, dict[str, int]]:
    marked = _markers(batch)
    counts: dict[str, dict[str, int]] = {}
    id_maps: dict[str, dict[str, int]] = {}
    visibility: dict[str, str] = dict(
        Location.objects.filter(organization=owner).values_list("hsds_id", "visibility")
    )
    for location_id, marker in marked.items():
        visibility[location_id] = marker
    now = timezone.now()
    tables = [t for t in TABLES if batch.records.get(t)]
    for step, table in enumerate(tables):
        spec = TABLES[table]
        model = model_of(table)
        rows = batch.records[table]
        if progress is not None:
            progress.report(
                0.3 + 0.65 * step / len(tables),
                ngettext(
                    "Writing %(count)s %(table)s record",
                    "Writing %(count)s %(table)s records",
                    len(rows),
                )
                % {"count": f"{len(rows):,}", "table": table},
            )
        existing = {
            hsds_id: (pk, digest, extra)
            for hsds_id, pk, digest, extra in model._default_manager.filter(
                organization=owner
            ).values_list(
                "hsds_id", "pk", "content_hash", "visibility" if table == "location" else "pk"
            )
        }
        for target in {target for _f, (_h, target) in spec.refs.items() if target != table}:
            if target not in id_maps:
                id_maps[target] = _ids(model_of(target), owner)
        created: list[models.Model] = []
        changed: list[models.Model] = []
        self_refs: list[tuple[models.Model, dict[str, str]]] = []
        unchanged = 0
        for record in rows:
            hsds_id = record["id"]
            digest = content_hash(record)
            found = existing.get(hsds_id)
            shown_visibility = (
                visibility.get(hsds_id, Visibility.PUBLIC) if table == "location" else None
            )
            if (
                found is not None
                and found[1] == digest
                and (table != "location" or found[2] == shown_visibility)
            ):
                unchanged += 1
                continue
            data = dict(record)
            values: dict[str, Any] = {
                "organization": owner,
                "hsds_id": hsds_id,
                "content_hash": digest,
                "updated_at": now,
            }
            if table == "location":
                values["visibility"] = shown_visibility
                sealed = {k: data.pop(k) for k in SEALED_LOCATION_FIELDS if k in data}
                if shown_visibility != Visibility.PUBLIC:
                    values["sealed"] = json.dumps(sealed)
                else:
                    data.update(sealed)
                    values["sealed"] = ""
            elif table in SEALED_TABLES:
                where = visibility.get(str(record.get("location_id") or ""), Visibility.PUBLIC)
                if record.get("location_id") and where != Visibility.PUBLIC:
                    values["sealed"] = json.dumps(data)
                    data = {"id": hsds_id, "location_id": record["location_id"]}
                else:
                    values["sealed"] = ""
            values["data"] = data
            for name in spec.columns:
                values[name] = _column(table, name, record.get(name))
            parents: dict[str, str] = {}
            for model_field, (hsds_field, target) in spec.refs.items():
                value = record.get(hsds_field)
                if target == table:  # a parent in the same table: linked once all are written
                    values[f"{model_field}_id"] = None
                    if value:
                        parents[model_field] = value
                    continue
                values[f"{model_field}_id"] = id_maps[target].get(value) if value else None
            obj = model(**values)
            if parents:
                self_refs.append((obj, parents))
            if found is not None:
                obj.pk = found[0]
                changed.append(obj)
            else:
                created.append(obj)
        model._default_manager.bulk_create(created, batch_size=BATCH_SIZE)
        if changed:
            fields = ["content_hash", "data", "updated_at", *spec.columns]
            fields += [f for f in spec.refs if spec.refs[f][1] != table]
            if table == "location":
                fields += ["visibility", "sealed"]
            elif table in SEALED_TABLES:
                fields.append("sealed")
            model._default_manager.bulk_update(changed, fields, batch_size=BATCH_SIZE)
        id_maps[table] = _ids(model, owner)
        if self_refs:
            for obj, parents in self_refs:
                if obj.pk is None:
                    obj.pk = id_maps[table][obj.hsds_id]  # type: ignore[attr-defined]
                for model_field, value in parents.items():
                    setattr(obj, f"{model_field}_id", id_maps[table].get(value))
            names = sorted({name for _o, parents in self_refs for name in parents})
            model._default_manager.bulk_update(
                [obj for obj, _p in self_refs], names, batch_size=BATCH_SIZE
            )
        counts[table] = {"added": len(created), "updated": len(changed), "unchanged": unchanged}
    return counts


@transaction.atomic
def directory_batch_write(
    *, owner: Any, batch: Batch, actor: Any = None, progress: Progress | None = None
) -> ImportResult:
    """Write a validated batch into ``owner``'s directory, all or nothing: records with an HSDS
    id already there are updated (or counted unchanged when their content is the same).
    References are checked against the file and the directory first; any broken one refuses
    the whole batch."""
    existing = {
        table: set(
            model_of(table)
            ._default_manager.filter(organization=owner)
            .values_list("hsds_id", flat=True)
        )
        for table in {target for spec in TABLES.values() for _h, target in spec.refs.values()}
        | {"service", "location", "organization"}
    }
    refuse_if(reference_problems(batch, existing), source=batch.name)
    result = ImportResult(counts=_write(owner, batch, progress), notes=list(batch.notes))
    audit_record(
        action="directory.import_finished",
        actor=actor,
        organization=owner,
        target_type="directory",
        target_label=batch.name[:100],
        details={
            "added": result.total("added"),
            "updated": result.total("updated"),
            "unchanged": result.total("unchanged"),
        },
    )
    return result


# --- imports in the background -----------------------------------------------------------------


@transaction.atomic
def directory_import_prepare(
    *,
    organization: Any,
    name: str,
    data: bytes,
    format: str = "",
    started_by: Any = None,
    request: Any = None,
) -> DirectoryImport:
    """Keep an HSDS file for import into ``organization``'s directory. What can be refused at
    once (empty, too large, not an HSDS file) is refused here, nothing kept."""
    within_limit(data, limit=table_limit(), file=name)
    if not data.strip():
        raise DataError([Problem(gettext("the file is empty"), file=name)], source=name)
    chosen = format or format_detect(name=name, data=data)
    if chosen not in DirectoryImport.Format.values:
        raise DataError(
            [Problem(gettext("unknown format %(format)r") % {"format": chosen}, file=name)],
            source=name,
        )
    job = DirectoryImport.objects.create(
        organization=organization,
        started_by=started_by,
        format=chosen,
        name=name[:200],
        size=len(data),
        data=data,
    )
    audit_record(
        action="directory.import_received",
        actor=started_by,
        organization=organization,
        target=job,
        target_type="directory_import",
        target_label=chosen,
        request=request,
        details={"format": chosen, "bytes": len(data)},
    )
    return job


@transaction.atomic
def directory_import_receive(
    *,
    actor: Any,
    name: str,
    data: bytes,
    format: str = "",
    organization: Any = None,
    request: Any = None,
) -> tuple[DirectoryImport, TaskRun]:
    """Keep an HSDS file and queue its import in the background. ``actor`` is the member's
    ``Membership``; the command line passes ``actor=None`` and the ``organization`` the
    operator named."""
    started_by = None
    if actor is not None:
        check(actor, IMPORT_ACTION)
        organization = actor.organization
        started_by = actor.user
    if organization is None:
        raise ValueError("an import needs an organization")
    job = directory_import_prepare(
        organization=organization,
        name=name,
        data=data,
        format=format,
        started_by=started_by,
        request=request,
    )
    # The report and its problems are written in the language of the person who gave the file.
    run = start(
        directory_import_in_background,
        started_by=started_by,
        job=str(job.uuid),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    return job, run


def _end(
    job: DirectoryImport, status: str, *, summary: str, counts: Any, problems: list[Any]
) -> None:
    job.status = status
    job.summary = summary[:500]
    job.counts = counts
    job.problems = problems
    job.data = b""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "summary", "counts", "problems", "data", "finished_at"])


def directory_import_run(*, job: DirectoryImport, progress: Progress) -> ImportResult | None:
    """Import a pending file, all or nothing; the job ends imported (with the counts) or
    refused (with every problem). None if it had already ended. Raises DataError if refused."""
    with transaction.atomic():
        locked = DirectoryImport.objects.select_for_update().get(pk=job.pk)
        if locked.status != DirectoryImport.Status.PENDING:
            return None
        data = bytes(locked.data)
        try:
            progress.report(0.05, gettext("Reading and checking every record"))
            batch = batch_read(name=locked.name, data=data, format=locked.format)
            progress.report(
                0.3,
                count(
                    batch.size,
                    ngettext_lazy(
                        "%(count)s record checked; writing",
                        "%(count)s records checked; writing",
                        "count",
                    ),
                ),
            )
            with transaction.atomic():
                result = directory_batch_write(
                    owner=locked.organization,
                    batch=batch,
                    actor=locked.started_by,
                    progress=progress,
                )
        except DataError as exc:
            _end(
                locked,
                DirectoryImport.Status.REFUSED,
                summary=ngettext(
                    "The file was not imported: %(count)s problem; nothing was written.",
                    "The file was not imported: %(count)s problems; nothing was written.",
                    len(exc.problems),
                )
                % {"count": f"{len(exc.problems):,}"},
                counts={},
                problems=[p.as_dict() for p in exc.problems],
            )
            audit_record(
                action="directory.import_refused",
                actor=locked.started_by,
                organization=locked.organization,
                target=locked,
                target_type="directory_import",
                target_label=locked.format,
                details={"problems": len(exc.problems)},
            )
            refused = exc
        else:
            _end(
                locked,
                DirectoryImport.Status.IMPORTED,
                summary=result.message,
                counts=result.as_dict(),
                problems=[],
            )
            progress.report(1.0, result.message)
            return result
    raise refused


@background(label="Directory import (HSDS)", max_attempts=1)
def directory_import_in_background(
    progress: Progress, *, job: str, language: str = ""
) -> dict[str, Any]:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _import_in_background(progress, job=job)


def _import_in_background(progress: Progress, *, job: str) -> dict[str, Any]:
    found = DirectoryImport.objects.filter(uuid=job).first()
    if found is None:
        raise TaskFailed(gettext("The file is no longer stored; give it again."))
    try:
        result = directory_import_run(job=found, progress=progress)
    except DataError as exc:
        found.refresh_from_db()
        raise TaskFailed(found.summary, problems=[p.as_dict() for p in exc.problems]) from None
    if result is None:
        found.refresh_from_db()
        return {"message": found.summary}
    return {"message": result.message, **result.as_dict()}


STALE_AFTER = timedelta(days=1)
STALE = gettext_lazy("Not imported within a day; give the file again.")


def directory_imports_stale_discard(*, now: datetime | None = None) -> int:
    """Clear the bytes of imports still waiting :data:`STALE_AFTER` after they came (their task
    was lost with its worker); returns how many."""
    moment = now or timezone.now()
    return DirectoryImport.objects.filter(
        status=DirectoryImport.Status.PENDING, created_at__lt=moment - STALE_AFTER
    ).update(
        status=DirectoryImport.Status.DISCARDED, summary=str(STALE), data=b"", finished_at=moment
    )


# --- visibility --------------------------------------------------------------------------------


@transaction.atomic
def location_visibility_set(
    *, actor: Any, location: Location, visibility: str, request: Any = None
) -> Location:
    """Make a location public, confidential or internal; its coordinates, addresses and phones
    are sealed or unsealed to match. ``actor`` is a ``Membership`` of the owner (or None for the
    command line)."""
    if actor is not None:
        check(actor, IMPORT_ACTION)
        if actor.organization_id != location.organization_id:
            raise DataError([Problem(gettext("no such location"))])
    if visibility not in Visibility.values:
        raise DataError([Problem(gettext("unknown visibility %(value)r") % {"value": visibility})])
    location = Location.objects.select_for_update().get(pk=location.pk)
    before = location.visibility
    if before == visibility:
        return location

    def full(obj: Any) -> dict[str, Any]:
        return {**obj.data, **json.loads(obj.sealed)} if obj.sealed else dict(obj.data)

    hidden = visibility != Visibility.PUBLIC
    record = full(location)
    location.data = (
        {k: v for k, v in record.items() if k not in SEALED_LOCATION_FIELDS} if hidden else record
    )
    sealed = {k: record[k] for k in SEALED_LOCATION_FIELDS if k in record}
    location.sealed = json.dumps(sealed) if hidden else ""
    location.visibility = visibility
    location.save(update_fields=["data", "sealed", "visibility"])
    managers: tuple[Any, ...] = (Address.objects, Phone.objects)
    for manager in managers:
        objs = list(manager.filter(organization=location.organization, location=location))
        for obj in objs:
            record = full(obj)
            if hidden:
                obj.sealed = json.dumps(record)
                obj.data = {"id": record.get("id"), "location_id": record.get("location_id")}
            else:
                obj.data, obj.sealed = record, ""
        manager.bulk_update(objs, ["data", "sealed"])
    audit_record(
        action="directory.location_visibility_set",
        actor=getattr(actor, "user", None),
        organization=location.organization,
        target_type="location",
        target_label=location.hsds_id[:100],
        request=request,
        details={"from": before, "to": visibility},
    )
    return location


# --- exports -----------------------------------------------------------------------------------

EXPORT_FORMATS = {
    "json": ("application/json", "hsds-3.0.json"),
    "datapackage": ("application/zip", "hsds-3.0-datapackage.zip"),
}


@transaction.atomic
def directory_export(
    *, actor: Any, format: str, organization: Any = None, request: Any = None
) -> tuple[bytes, str, str]:
    """``(content, media type, file name)`` of the directory as HSDS 3.0 ``json`` or
    ``datapackage``, without any withheld location's details. ``actor`` is a ``Membership`` (or
    None for the command line, with the ``organization``)."""
    if actor is not None:
        directory_export_check(membership=actor)
        organization = actor.organization
    if format not in EXPORT_FORMATS:
        raise DataError(
            [
                Problem(
                    gettext("unknown export format %(format)r (json or datapackage)")
                    % {"format": format}
                )
            ]
        )
    tables = directory_public_tables(owner=organization)
    if format == "json":
        content = json.dumps(exporters.as_json(tables), ensure_ascii=False, indent=1).encode()
    else:
        content = exporters.as_datapackage(tables)
    audit_record(
        action="directory.exported",
        actor=getattr(actor, "user", None),
        organization=organization,
        target_type="directory",
        target_label=format,
        request=request,
        details={"format": format, "services": len(tables.get("service", {}))},
    )
    media_type, filename = EXPORT_FORMATS[format]
    return content, media_type, filename
