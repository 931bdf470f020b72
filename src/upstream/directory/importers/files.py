"""Reading what an HSDS import is given: one JSON file, or a zip of CSV files, bounded in size."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from django.utils.translation import gettext

from upstream.core.problems import DataError, Problem
from upstream.core.readers import decode_text, table_limit, within_limit

MAX_MEMBERS = 100


def zip_texts(data: bytes, *, name: str) -> dict[str, str]:
    """The CSV and JSON files of a zip (by file name, folders ignored) as checked UTF-8 text.

    The sizes the zip declares are checked before anything is inflated, and each member is read
    with a bound, so a zip bomb is refused rather than unpacked."""
    within_limit(data, limit=table_limit(), file=name)
    if not data.strip():
        raise DataError([Problem(gettext("the file is empty"), file=name)], source=name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        message = gettext(
            "not a zip file: give an HSDS JSON file, or a zip of the data package's CSV files"
        )
        raise DataError([Problem(message, file=name)], source=name) from None
    if len(members) > MAX_MEMBERS:
        message = gettext(
            "the zip holds %(count)s files; an HSDS data package has at most %(most)s"
        ) % {"count": f"{len(members):,}", "most": MAX_MEMBERS}
        raise DataError([Problem(message, file=name)], source=name)
    total = sum(m.file_size for m in members)
    within_limit(b"", limit=table_limit(), file=name)
    if total > table_limit():
        message = gettext(
            "the zip unpacks to %(size)s bytes, more than the %(limit)s an import accepts"
        ) % {"size": f"{total:,}", "limit": f"{table_limit():,}"}
        raise DataError([Problem(message, file=name)], source=name)
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for member in members:
        base = PurePosixPath(member.filename).name
        if not base.endswith((".csv", ".json")) or base.startswith("."):
            continue
        if base in texts:
            problems.append(Problem(gettext("two files of this name in the zip"), file=base))
            continue
        try:
            with archive.open(member) as handle:
                raw = handle.read(table_limit() + 1)
            within_limit(raw, limit=table_limit(), file=base)
            texts[base] = decode_text(raw, file=base)
        except DataError as exc:
            problems.extend(exc.problems)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            problems.append(Problem(gettext("cannot be unpacked"), file=base))
    if problems:
        raise DataError(problems, source=name)
    return texts
