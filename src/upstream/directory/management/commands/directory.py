"""``upstream directory``: import and export the resource directory as Open Referral HSDS."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext, ngettext

from upstream.core.problems import DataError
from upstream.core.readers import read_bytes, table_limit
from upstream.directory import selectors, services
from upstream.directory.models import DirectoryImport, Visibility
from upstream.tasks.background import Progress


class ConsoleProgress(Progress):
    """Progress written to the terminal as it comes."""

    def __init__(self, out: Any) -> None:
        super().__init__()
        self.out = out

    def report(self, fraction: float, message: str = "") -> None:
        super().report(fraction, message)
        self.out.write(f"[{self.fraction:4.0%}] {self.message}")


def _folder_zip(folder: Path) -> bytes:
    """The CSV and JSON files of a folder as one zip, the way a data package is uploaded."""
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix in (".csv", ".json"):
                data = read_bytes(path, limit=table_limit())
                total += len(data)
                if total > table_limit():
                    raise CommandError(
                        gettext("%(folder)s: more than %(limit)s bytes of tables")
                        % {"folder": folder, "limit": f"{table_limit():,}"}
                    )
                archive.writestr(path.name, data)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Import HSDS files into an organization's resource directory, or export it as HSDS 3.0."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = sub.add_parser(
            "import",
            help="Import an HSDS 3.0 JSON file, a 3.0 data package or HSDS 1.1 CSV files "
            "(a zip or a folder), all or nothing.",
        )
        imp.add_argument("file", help="The JSON file, zip or folder.")
        imp.add_argument("--org", required=True, help="UUID of the owning organization.")
        imp.add_argument(
            "--format",
            choices=DirectoryImport.Format.values,
            default="",
            help="The file's format (default: recognised from the file).",
        )
        imp.add_argument(
            "--wait",
            action="store_true",
            help="Import here and now, showing progress, instead of in the background.",
        )
        status = sub.add_parser("status", help="Show how a background import is going.")
        status.add_argument("import_uuid")
        exp = sub.add_parser(
            "export", help="Export the directory as HSDS 3.0 (withheld location details left out)."
        )
        exp.add_argument("--org", required=True, help="UUID of the owning organization.")
        exp.add_argument("--format", choices=sorted(services.EXPORT_FORMATS), default="json")
        exp.add_argument("--output", help="File to write (default: standard output).")
        vis = sub.add_parser(
            "location-visibility", help="Make a location public, confidential or internal."
        )
        vis.add_argument("--org", required=True, help="UUID of the owning organization.")
        vis.add_argument("--location", required=True, help="The location's HSDS id.")
        vis.add_argument("--visibility", required=True, choices=Visibility.values)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"_{action}")(options)
        except DataError as error:
            for problem in error.problems:
                self.stderr.write(gettext("error: %(problem)s") % {"problem": problem})
            raise CommandError(
                ngettext(
                    "%(count)s problem found; nothing was written.",
                    "%(count)s problems found; nothing was written.",
                    len(error.problems),
                )
                % {"count": f"{len(error.problems):,}"}
            ) from None

    def _organization(self, options: dict[str, Any]) -> Any:
        organization = selectors.organization_for_operator(org_uuid=options["org"])
        if organization is None:
            raise CommandError(
                gettext("no organization with UUID %(uuid)r") % {"uuid": options["org"]}
            )
        return organization

    def _import(self, options: dict[str, Any]) -> None:
        organization = self._organization(options)
        path = Path(options["file"])
        if path.is_dir():
            data, name = _folder_zip(path), f"{path.name}.zip"
        else:
            data, name = read_bytes(path, limit=table_limit()), path.name
        if options["wait"]:
            job = services.directory_import_prepare(
                organization=organization, name=name, data=data, format=options["format"]
            )
            result = services.directory_import_run(job=job, progress=ConsoleProgress(self.stdout))
            if result is not None:
                self._report(result.counts)
                for note in result.notes:
                    self.stdout.write(note)
            return
        job, _run = services.directory_import_receive(
            actor=None, organization=organization, name=name, data=data, format=options["format"]
        )
        self.stdout.write(
            gettext("Import %(uuid)s queued; follow it with: upstream directory status %(uuid)s")
            % {"uuid": job.uuid}
        )

    def _report(self, counts: dict[str, dict[str, int]]) -> None:
        self.stdout.write(f"{'table':<22}{'added':>9}{'updated':>9}{'unchanged':>11}")
        for table, c in counts.items():
            self.stdout.write(f"{table:<22}{c['added']:>9,}{c['updated']:>9,}{c['unchanged']:>11,}")

    def _status(self, options: dict[str, Any]) -> None:
        job = selectors.import_for_operator(import_uuid=options["import_uuid"])
        if job is None:
            raise CommandError(gettext("no such import"))
        self.stdout.write(f"{job.name}: {job.get_status_display()}")
        if job.summary:
            self.stdout.write(job.summary)
        if job.counts.get("counts"):
            self._report(job.counts["counts"])
        for problem in job.problems:
            where = problem.get("file", "")
            self.stdout.write(
                gettext("error: %(problem)s") % {"problem": f"{where}: {problem.get('message')}"}
            )

    def _export(self, options: dict[str, Any]) -> None:
        organization = self._organization(options)
        content, _media, _name = services.directory_export(
            actor=None, organization=organization, format=options["format"]
        )
        if options.get("output"):
            Path(options["output"]).write_bytes(content)
            self.stdout.write(
                gettext("Wrote %(size)s bytes to %(file)s")
                % {"size": f"{len(content):,}", "file": options["output"]}
            )
        elif options["format"] == "json":
            self.stdout.write(content.decode())
        else:
            sys.stdout.buffer.write(content)

    def _location_visibility(self, options: dict[str, Any]) -> None:
        organization = self._organization(options)
        location = selectors.location_for_operator(
            organization=organization, hsds_id=options["location"]
        )
        if location is None:
            raise CommandError(
                gettext("no location %(id)r in this directory") % {"id": options["location"]}
            )
        services.location_visibility_set(
            actor=None, location=location, visibility=options["visibility"]
        )
        self.stdout.write(
            gettext("Location %(id)s is now %(visibility)s.")
            % {"id": location.hsds_id, "visibility": options["visibility"]}
        )
