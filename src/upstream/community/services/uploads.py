"""CSV files uploaded in the browser and imported in the background, with the CLI's importers.

An organization's administrator or analyst uploads an SVI or indicator CSV. :func:`upload_receive`
refuses at once what can be seen without importing (too large, empty, not UTF-8, wrong columns),
keeps the bytes in an :class:`~upstream.community.models.Upload` row and starts
:func:`upload_import_in_background`. The task runs the same importer as
``upstream community import-csv`` / ``import-svi``, all or nothing, and ends the upload either way:
imported (with the importer's message) or refused (with its per-row problem list); the stored
bytes are cleared then. Running the task again for an ended upload repeats its outcome and writes
nothing more.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from upstream.accounts.policy import check, may
from upstream.accounts.selectors import memberships_for
from upstream.audit.services import audit_record
from upstream.community.imports import ImportResult, header_problems, import_long_csv
from upstream.community.imports import import_svi_text as import_svi
from upstream.community.models import Upload
from upstream.community.problems import CommunityDataError, Problem
from upstream.community.services import svi_index_ensure
from upstream.core.readers import decode_text, table_limit, within_limit
from upstream.core.text import count
from upstream.tasks.background import Progress, TaskFailed, background, start
from upstream.tasks.models import TaskRun

ACTION = "indicator.import"
REFUSED = "The file was not imported: {problems}; nothing was written."
GONE = gettext_noop("The uploaded file is no longer stored; upload it again.")
NO_LONGER_ALLOWED = gettext_noop("You may no longer import community data in this organization.")
STALE = gettext_noop("Not imported within a day of the upload; upload it again.")
STALE_AFTER = timedelta(days=1)


def upload_check(*, kind: str, name: str, data: bytes) -> str:
    """The upload's text, or a DataError naming what is wrong with it (the same checks and
    messages as the command line's readers, plus the header's columns)."""
    within_limit(data, limit=table_limit(), file=name)
    text = decode_text(data, file=name)
    if not text.strip():
        raise CommunityDataError([Problem(gettext("the file is empty"), file=name)], source=name)
    problems = header_problems(text, kind=kind)
    if problems:
        raise CommunityDataError(problems, source=name)
    return text


@transaction.atomic
def upload_receive(
    *,
    actor: Any,
    kind: str,
    name: str,
    data: bytes,
    year: int | None = None,
    geography_set: str | None = None,
    replace: bool = False,
    request: Any = None,
) -> tuple[Upload, TaskRun]:
    """Keep an uploaded CSV and queue its import; ``actor`` is the uploader's ``Membership``."""
    check(actor, ACTION)
    if kind not in Upload.Kind.values:
        problem = Problem(gettext("unknown kind of file “%(kind)s”") % {"kind": kind})
        raise CommunityDataError([problem], source=name)
    upload_check(kind=kind, name=name, data=data)
    upload = Upload.objects.create(
        organization=actor.organization,
        uploaded_by=actor.user,
        kind=kind,
        name=name[:200],
        size=len(data),
        data=data,
        options={"year": year, "geography_set": geography_set or None, "replace": replace},
    )
    audit_record(
        action="community.upload_received",
        actor=actor.user,
        organization=actor.organization,
        target=upload,
        target_type="upload",
        target_label=upload.kind,
        request=request,
        details={"kind": kind, "bytes": len(data)},
    )
    run = start(upload_import_in_background, started_by=actor.user, upload=str(upload.uuid))
    return upload, run


def _end(
    upload: Upload, status: str, *, summary: str = "", problems: list[Any] | None = None
) -> None:
    upload.status = status
    upload.summary = summary[:500]
    upload.problems = problems or []
    upload.data = b""
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "summary", "problems", "data", "finished_at"])


def _import(upload: Upload, text: str, progress: Progress) -> ImportResult:
    options = upload.options
    if upload.kind == Upload.Kind.SVI:
        result = import_svi(
            text=text,
            name=upload.name,
            year=options.get("year"),
            geography_set=options.get("geography_set"),
        )
        if result.kind == "county":
            progress.report(0.7, gettext_noop("Computing the SVI index"))
            index = svi_index_ensure(
                year=result.years[0], geography_set=result.geography_set, actor=upload.uploaded_by
            )
            result.notes.append(f"Computed index {index.key}.")
        else:
            result.notes.append("Tract observations stored; define a tract index to rank them.")
        return result
    return import_long_csv(
        text=text,
        geography_set=options.get("geography_set"),
        replace=bool(options.get("replace")),
    )


@transaction.atomic
def upload_import(*, upload: Upload, progress: Progress) -> ImportResult | None:
    """Import a pending upload, all or nothing, and end it (bytes cleared, audited) in the same
    transaction; None if it had already ended. Raises DataError (nothing written) for a file the
    importer refuses."""
    locked = Upload.objects.select_for_update().get(pk=upload.pk)
    if locked.status != Upload.Status.PENDING:
        return None
    text = decode_text(bytes(locked.data), file=locked.name)
    progress.report(0.2, gettext_noop("Checking every row and writing them"))
    result = _import(locked, text, progress)
    _end(locked, Upload.Status.IMPORTED, summary=result.message)
    audit_record(
        action="community.upload_imported",
        actor=locked.uploaded_by,
        organization=locked.organization,
        target=locked,
        target_type="upload",
        target_label=locked.kind,
        details={"observations": result.observations, "indicators": len(result.indicators)},
    )
    return result


@transaction.atomic
def upload_refuse(*, upload: Upload, problems: list[Problem]) -> None:
    """End an upload the importer refused: keep its problem list, clear its bytes, audit."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != Upload.Status.PENDING:
        return
    _end(
        upload,
        Upload.Status.REFUSED,
        summary=REFUSED.format(problems=count(len(problems), "problem")),
        problems=[p.as_dict() for p in problems],
    )
    audit_record(
        action="community.upload_refused",
        actor=upload.uploaded_by,
        organization=upload.organization,
        target=upload,
        target_type="upload",
        target_label=upload.kind,
        details={"problems": len(problems)},
    )


def upload_discard(*, upload: Upload, reason: str) -> None:
    """End an upload that will not be imported (its task gave up, or its uploader lost the
    right): its bytes are cleared."""
    if upload.status == Upload.Status.PENDING:
        _end(upload, Upload.Status.DISCARDED, summary=reason)


def uploads_stale_discard(*, now: datetime | None = None) -> int:
    """Clear the bytes of uploads still waiting :data:`STALE_AFTER` after they came (their task
    was lost with its worker, or gave up without ending them); returns how many. A task that
    reaches one later tells its uploader to upload the file again."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return Upload.objects.filter(status=Upload.Status.PENDING, created_at__lt=cutoff).update(
        status=Upload.Status.DISCARDED,
        summary=STALE,
        data=b"",
        finished_at=now or timezone.now(),
    )


def _may_still_import(upload: Upload) -> bool:
    if upload.uploaded_by is None:
        return False
    membership = (
        memberships_for(user=upload.uploaded_by)
        .filter(organization_id=upload.organization_id)
        .first()
    )
    return may(membership, ACTION)


def _last_attempt(progress: Progress) -> bool:
    run = progress.run
    return run is None or run.attempts >= run.max_attempts


@background(label=gettext_noop("Importing the uploaded CSV"), max_attempts=3, backoff_seconds=10)
def upload_import_in_background(progress: Progress, *, upload: str) -> dict[str, Any]:
    """Import one upload; running it again for an ended upload repeats the outcome."""
    record = Upload.objects.filter(uuid=upload).select_related("organization").first()
    if record is not None and record.status == Upload.Status.PENDING:
        if not _may_still_import(record):
            upload_discard(upload=record, reason=NO_LONGER_ALLOWED)
            raise TaskFailed(NO_LONGER_ALLOWED)
        progress.report(0.05, gettext_noop("Reading the file"))
        try:
            upload_import(upload=record, progress=progress)
        except CommunityDataError as exc:
            upload_refuse(upload=record, problems=exc.problems)
        except Exception:
            if _last_attempt(progress):
                upload_discard(
                    upload=record, reason=gettext_noop("The import could not be finished.")
                )
            raise
        record.refresh_from_db()
    if record is None or record.status == Upload.Status.DISCARDED:
        raise TaskFailed(record.summary if record and record.summary else GONE)
    if record.status == Upload.Status.REFUSED:
        raise TaskFailed(record.summary, problems=record.problems)
    progress.report(1.0, record.summary)
    return {"upload": str(record.uuid), "status": record.status}
