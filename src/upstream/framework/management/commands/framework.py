from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Load, validate, list, export and compare framework packs (versions of a framework)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser("load", help=_("Validate and load packs (a path or a shipped name)."))
        load.add_argument("packs", nargs="*", help=_("Pack files or shipped names (hhs-2024)."))
        load.add_argument("--all", action="store_true", help=_("Load every shipped pack."))
        check = sub.add_parser(
            "validate", help=_("Check packs without loading; list every problem.")
        )
        check.add_argument("packs", nargs="+")
        sub.add_parser("list", help=_("List loaded frameworks and versions."))
        export = sub.add_parser(
            "export", help=_("Write a loaded version as a pack (YAML or JSON).")
        )
        export.add_argument("ref", help=_("slug@version, or slug for the latest version."))
        export.add_argument("--format", choices=["yaml", "json"], default="yaml")
        export.add_argument("--output", "-o", help=_("File to write (default: standard output)."))
        diff = sub.add_parser("diff", help=_("What changed between two loaded versions."))
        diff.add_argument("old", help=_("slug@version (or a version of --framework)"))
        diff.add_argument("new", help=_("slug@version (or a version of --framework)"))
        diff.add_argument("--framework", default=None, help=_("Framework of bare versions."))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        getattr(self, f"_{action}")(options)

    def _paths(self, names: list[str]) -> list[Path]:
        return [resolve_pack_path(name, settings.FRAMEWORK_PACK_DIR) for name in names]

    def _report(self, error: PackError) -> None:
        for problem in error.problems:
            self.stderr.write(_("error: %(problem)s") % {"problem": problem})

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
                self._nothing_loaded(path, error)
                failed += 1
                continue
            self.stdout.write(
                _("%(path)s: valid (%(label)s)")
                % {"path": path, "label": f"{pack.slug}@{pack.version}"}
            )
        if failed:
            message = ngettext(
                "%(count)d pack is not valid", "%(count)d packs are not valid", failed
            )
            raise CommandError(message % {"count": failed}, returncode=1)

    def _nothing_loaded(self, path: Path, error: PackError) -> None:
        problems = len(error.problems)
        message = ngettext(
            "%(path)s: %(count)d problem; nothing loaded",
            "%(path)s: %(count)d problems; nothing loaded",
            problems,
        )
        self.stderr.write(message % {"path": path, "count": problems})

    def _load(self, options: dict[str, Any]) -> None:
        paths = self._paths(options["packs"])
        if options["all"]:
            paths += shipped_packs(settings.FRAMEWORK_PACK_DIR)
        if not paths:
            raise CommandError(_("name a pack to load, or use --all"), returncode=2)
        failed = 0
        for path in paths:
            try:
                result = services.framework_load_file(path=path)
            except PackError as error:
                self._report(error)
                self._nothing_loaded(path, error)
                failed += 1
                continue
            self.stdout.write(result.message)
        if failed:
            message = ngettext(
                "%(count)d pack was not loaded", "%(count)d packs were not loaded", failed
            )
            raise CommandError(message % {"count": failed}, returncode=1)

    def _list(self, options: dict[str, Any]) -> None:
        found = False
        for framework in selectors.frameworks():
            for index, version in enumerate(framework.versions.all()):
                found = True
                latest = _(" (latest)") if index == 0 else ""
                self.stdout.write(
                    f"{framework.slug}@{version.version}{latest}\t{version.status}\t"
                    f"{version.loaded_at:%Y-%m-%d}\t{version.title}"
                )
        if not found:
            self.stdout.write(_("No framework is loaded. Try: upstream framework load --all"))

    def _export(self, options: dict[str, Any]) -> None:
        slug, _at, version = options["ref"].partition("@")
        fv = self._version(slug, version or selectors.LATEST)
        text, _media_type = pack_text(fv.document, options["format"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(
                _("Wrote %(label)s to %(file)s") % {"label": fv.label, "file": options["output"]}
            )
        else:
            self.stdout.write(text, ending="")

    def _diff(self, options: dict[str, Any]) -> None:
        default = options["framework"] or settings.DEFAULT_FRAMEWORK
        old = self._version(*_split_ref(options["old"], default))
        new = self._version(*_split_ref(options["new"], default))
        changes = diff_documents(old.document, new.document)
        if not changes:
            self.stdout.write(
                _("No differences between %(old)s and %(new)s.")
                % {"old": old.label, "new": new.label}
            )
            return
        message = ngettext(
            "%(count)d change from %(old)s to %(new)s:",
            "%(count)d changes from %(old)s to %(new)s:",
            len(changes),
        )
        self.stdout.write(message % {"count": len(changes), "old": old.label, "new": new.label})
        for change in changes:
            self.stdout.write(f"  {change.describe()}")

    def _version(self, slug: str, version: str) -> Any:
        try:
            return selectors.version_get(framework=slug, version=version)
        except Http404:
            raise CommandError(
                _("%(label)s is not loaded (see `upstream framework list`)")
                % {"label": f"{slug}@{version}"},
                returncode=1,
            ) from None
