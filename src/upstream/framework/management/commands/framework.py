from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from upstream.core.text import count
from upstream.framework import selectors, services
from upstream.framework.diff import diff_documents
from upstream.framework.pack import (
    PackError,
    pack_text,
    parse_file,
    resolve_pack_path,
    shipped_packs,
    validate,
)


def _split_ref(ref: str, default_framework: str) -> tuple[str, str]:
    """``slug@version``, or a bare version of the default framework."""
    if "@" in ref:
        slug, version = ref.split("@", 1)
        return slug, version
    return default_framework, ref


class Command(BaseCommand):
    help = "Load, validate, list, export and compare framework packs (versions of a framework)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser("load", help="Validate and load packs (a path or a shipped name).")
        load.add_argument("packs", nargs="*", help="Pack files or shipped names (hhs-2024).")
        load.add_argument("--all", action="store_true", help="Load every shipped pack.")
        check = sub.add_parser("validate", help="Check packs without loading; list every problem.")
        check.add_argument("packs", nargs="+")
        sub.add_parser("list", help="List loaded frameworks and versions.")
        export = sub.add_parser("export", help="Write a loaded version as a pack (YAML or JSON).")
        export.add_argument("ref", help="slug@version, or slug for the latest version.")
        export.add_argument("--format", choices=["yaml", "json"], default="yaml")
        export.add_argument("--output", "-o", help="File to write (default: standard output).")
        diff = sub.add_parser("diff", help="What changed between two loaded versions.")
        diff.add_argument("old", help="slug@version (or a version of --framework)")
        diff.add_argument("new", help="slug@version (or a version of --framework)")
        diff.add_argument("--framework", default=None, help="Framework of bare versions.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        getattr(self, f"_{action}")(options)

    def _paths(self, names: list[str]) -> list[Path]:
        return [resolve_pack_path(name, settings.FRAMEWORK_PACK_DIR) for name in names]

    def _report(self, error: PackError) -> None:
        for problem in error.problems:
            self.stderr.write(f"error: {problem}")

    def _validate(self, options: dict[str, Any]) -> None:
        failed = 0
        for path in self._paths(options["packs"]):
            try:
                pack = parse_file(path)
                problems = validate(pack)
                if problems:
                    raise PackError(problems)
            except PackError as error:
                self._report(error)
                counted = count(len(error.problems), "problem")
                self.stderr.write(f"{path}: {counted}; nothing loaded")
                failed += 1
                continue
            self.stdout.write(f"{path}: valid ({pack.slug}@{pack.version})")
        if failed:
            verb = "is" if failed == 1 else "are"
            raise CommandError(f"{count(failed, 'pack')} {verb} not valid", returncode=1)

    def _load(self, options: dict[str, Any]) -> None:
        paths = self._paths(options["packs"])
        if options["all"]:
            paths += shipped_packs(settings.FRAMEWORK_PACK_DIR)
        if not paths:
            raise CommandError("name a pack to load, or use --all", returncode=2)
        failed = 0
        for path in paths:
            try:
                result = services.framework_load_file(path=path)
            except PackError as error:
                self._report(error)
                counted = count(len(error.problems), "problem")
                self.stderr.write(f"{path}: {counted}; nothing loaded")
                failed += 1
                continue
            self.stdout.write(result.message)
        if failed:
            verb = "was" if failed == 1 else "were"
            raise CommandError(f"{count(failed, 'pack')} {verb} not loaded", returncode=1)

    def _list(self, options: dict[str, Any]) -> None:
        found = False
        for framework in selectors.frameworks():
            for index, version in enumerate(framework.versions.all()):
                found = True
                latest = " (latest)" if index == 0 else ""
                self.stdout.write(
                    f"{framework.slug}@{version.version}{latest}\t{version.status}\t"
                    f"{version.loaded_at:%Y-%m-%d}\t{version.title}"
                )
        if not found:
            self.stdout.write("No framework is loaded. Try: upstream framework load --all")

    def _export(self, options: dict[str, Any]) -> None:
        slug, _, version = options["ref"].partition("@")
        fv = self._version(slug, version or selectors.LATEST)
        text, _ = pack_text(fv.document, options["format"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {fv.label} to {options['output']}")
        else:
            self.stdout.write(text, ending="")

    def _diff(self, options: dict[str, Any]) -> None:
        default = options["framework"] or settings.DEFAULT_FRAMEWORK
        old = self._version(*_split_ref(options["old"], default))
        new = self._version(*_split_ref(options["new"], default))
        changes = diff_documents(old.document, new.document)
        if not changes:
            self.stdout.write(f"No differences between {old.label} and {new.label}.")
            return
        self.stdout.write(f"{count(len(changes), 'change')} from {old.label} to {new.label}:")
        for change in changes:
            self.stdout.write(f"  {change.describe()}")

    def _version(self, slug: str, version: str) -> Any:
        try:
            return selectors.version_get(framework=slug, version=version)
        except Http404:
            raise CommandError(
                f"{slug}@{version} is not loaded (see `upstream framework list`)", returncode=1
            ) from None
